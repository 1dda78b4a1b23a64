#!/usr/bin/env bash
# Measures `portier liveness adapt` the way it is used: fitted on some of a
# site's captures, scored on captures it never saw (docs/liveness.md, "Site
# adaptation"). A benchmark, not a test: about 10 minutes on 2 cores.
#
#   NUAA (sessions 01-02: one office, one webcam), held out by person:
#     fitted on every 4th frame of subjects 0001-0004 (their live faces and
#     prints of them), scored on every frame of 0005-0009; then the other
#     way round (every 4th of 0005-0009, scored on 0001-0004).
#   Each webcam source of spoof/extra/, held out by time: fitted on the
#     earlier half of each class (file names are capture times), scored on
#     the later half.
# Prints one line per case: the held-out APCER, BPCER and EER at the site
# model's own threshold, from `portier eval liveness --model ... --json`.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${PORTIER_SPOOF_DATA:-../shared/data/spoof}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
portier=build/portier

# rows of labels.csv as path,label for the NUAA subjects in $1 (a regex), every $2-th frame
nuaa_rows() {
  grep -E "^nuaa/(live|spoof)/($1)/" "$data/labels.csv" | cut -d, -f1,2 | awk -v k="$2" 'NR % k == 1 || k == 1'
}

measure() {  # name fit.csv test.csv
  local name=$1 fit=$2 test=$3
  "$portier" liveness adapt --root "$data" --out "$work/$name.json" --json "$fit" > "$work/$name.adapt" 2>"$work/$name.err" ||
    { echo "$name: adapt failed: $(tail -1 "$work/$name.err")"; return; }
  "$portier" eval liveness --root "$data" --model "$work/$name.json" --json "$test" > "$work/$name.eval" 2>>"$work/$name.err"
  /usr/bin/python3 - "$name" "$work/$name.adapt" "$work/$name.eval" <<'PY'
import json, sys
name, adapt, ev = sys.argv[1], json.loads(open(sys.argv[2]).read().splitlines()[-1]), json.loads(open(sys.argv[3]).read().splitlines()[-1])
print(f"{name:28s} fitted on {adapt['live']:4d} live {adapt['spoof']:4d} attacks (held-out in fit: EER {adapt['eer']:.3f})  "
      f"scored on {ev['images']:4d}: APCER {ev['apcer']:.4f}  BPCER {ev['bpcer']:.4f}  EER {ev['eer']:.4f}  threshold {ev['threshold']:.3f}")
PY
}

header="path,label"
{ echo "$header"; nuaa_rows "0001|0002|0003|0004" 4; } > "$work/nuaa-a-fit.csv"
{ echo "$header"; nuaa_rows "0005|0006|0007|0008|0009" 1; } > "$work/nuaa-b-test.csv"
{ echo "$header"; nuaa_rows "0005|0006|0007|0008|0009" 4; } > "$work/nuaa-b-fit.csv"
{ echo "$header"; nuaa_rows "0001|0002|0003|0004" 1; } > "$work/nuaa-a-test.csv"
measure "nuaa 0001-4 -> 0005-9" "$work/nuaa-a-fit.csv" "$work/nuaa-b-test.csv"
measure "nuaa 0005-9 -> 0001-4" "$work/nuaa-b-fit.csv" "$work/nuaa-a-test.csv"

for source in $(ls "$data/extra"); do
  { echo "$header"; } > "$work/$source-fit.csv"
  { echo "$header"; } > "$work/$source-test.csv"
  for label in live spoof; do
    # name order is capture time; a class may be split over subfolders (dangthanhliem_lvtn's two people)
    grep -E "^extra/$source/$label/" "$data/labels.csv" | cut -d, -f1,2 |
      awk -F/ '{print $NF " " $0}' | sort | cut -d' ' -f2- > "$work/rows"
    n=$(wc -l < "$work/rows")
    head -n $((n / 2)) "$work/rows" >> "$work/$source-fit.csv"
    tail -n +$((n / 2 + 1)) "$work/rows" >> "$work/$source-test.csv"
  done
  measure "$source" "$work/$source-fit.csv" "$work/$source-test.csv"
done
