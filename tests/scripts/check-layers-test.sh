#!/usr/bin/env bash
# scripts/check-layers.sh on small made-up trees: it passes a clean one and
# fails, naming the file, on a climb, a peer cycle and an unplaced folder.
set -euo pipefail
check=$1/scripts/check-layers.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

tree() {  # tree NAME FILE=INCLUDE...
  local dir=$work/$1; shift
  mkdir -p "$dir"
  for spec in "$@"; do
    local file=${spec%%=*} include=${spec#*=}
    mkdir -p "$dir/$(dirname "$file")"
    printf '#include "%s"\n#include <vector>\n' "$include" >>"$dir/$file"
  done
  echo "$dir"
}
expect_pass() {
  "$check" "$1" >/dev/null || { echo "FAIL: $2: expected a pass"; "$check" "$1"; exit 1; }
}
expect_fail() {  # DIR WHAT MESSAGE-PART
  local out
  if out=$("$check" "$1"); then echo "FAIL: $2: expected a failure"; exit 1; fi
  grep -q -- "$3" <<<"$out" || { echo "FAIL: $2: output lacks '$3': $out"; exit 1; }
}

clean=$(tree clean pipeline/a.cpp=access/b.h access/b.h=models/c.h app/main.cpp=pipeline/a.h \
        backend-client/x.cpp=access/b.h tests/t.cpp=app/config.h models/c.h=models/d.h \
        app/y.cpp=opencv2/core.hpp third_party/q/q.h=app/nothing.h)
expect_pass "$clean" "a clean tree"

climb=$(tree climb access/b.cpp=pipeline/stages.h models/c.h=models/d.h)
expect_fail "$climb" "access including pipeline" "access/b.cpp:1: access/ includes pipeline/, a higher layer"

cycle=$(tree cycle pipeline/a.cpp=backend-client/x.h backend-client/x.cpp=pipeline/a.h)
expect_fail "$cycle" "a peer cycle" "pipeline/ includes its peer backend-client/"

unplaced=$(tree unplaced widgets/w.cpp=access/b.h access/b.h=models/c.h)
expect_fail "$unplaced" "a folder in no layer" "folder widgets/ has C++ files but no layer"

hidden=$(tree hidden models/c.cpp=tests/test_support.h)
expect_fail "$hidden" "code including tests" "models/ includes tests/, a higher layer"

echo "check-layers-test: 5 trees judged as expected"
