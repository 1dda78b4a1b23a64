#!/usr/bin/env bash
# Fails when an #include "dir/..." line breaks the layering: a folder may
# include itself and the folders of lower layers, never a peer (that is how a
# folder-level cycle starts) and never a higher layer. A folder with C++ files
# that is in no layer fails too, so a new folder must be placed on purpose.
#
#   scripts/check-layers.sh [ROOT]      ROOT defaults to the checkout
#
# The layers, bottom to top (docs/layers.md says what each holds). tests/ sits
# above all of them; third_party/ is outside the rule.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
layers=(
  "models hal"
  "access"
  "pipeline backend-client bench console"
  "app"
  "tests"
)
declare -A level
for i in "${!layers[@]}"; do for f in ${layers[$i]}; do level[$f]=$i; done; done

cd "$root"
status=0
# Every top-level folder that holds C++ sources must be in a layer.
while IFS= read -r dir; do
  [ "$dir" = third_party ] && continue
  if [ -z "${level[$dir]+x}" ]; then
    echo "check-layers: folder $dir/ has C++ files but no layer: add it to scripts/check-layers.sh and docs/layers.md"
    status=1
  fi
done < <(find . -path ./.git -prune -o -path './build*' -prune -o \( -name '*.cpp' -o -name '*.h' \) -print |
         awk -F/ 'NF > 2 { print $2 }' | sort -u)

while IFS=: read -r file line text; do
  from=${file#./}; from=${from%%/*}
  to=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"/]+)\/.*/\1/' <<<"$text")
  [ -n "${level[$from]+x}" ] || continue
  [ -n "${level[$to]+x}" ] || continue  # not a project folder (a library's own path)
  [ "$from" = "$to" ] && continue
  if [ "${level[$to]}" -gt "${level[$from]}" ]; then
    echo "check-layers: $file:$line: $from/ includes $to/, a higher layer"
    status=1
  elif [ "${level[$to]}" -eq "${level[$from]}" ]; then
    echo "check-layers: $file:$line: $from/ includes its peer $to/ (peers must not depend on each other: move the shared part down a layer)"
    status=1
  fi
done < <(find . -path ./.git -prune -o -path './build*' -prune -o -path ./third_party -prune -o \
           \( -name '*.cpp' -o -name '*.h' \) -print0 | xargs -0 -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]+/' || true)

if [ $status -eq 0 ]; then
  echo "check-layers: ok (bottom to top: $(printf '%s | ' "${layers[@]}" | sed 's/ | $//'))"
fi
exit $status
