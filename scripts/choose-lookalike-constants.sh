#!/usr/bin/env bash
# How kLookAlikeShrink and kMinLead (access/lookalikes.h) were chosen
# (docs/recognition.md, "Look-alikes"): every NUAA live frame described once
# (`portier enroll` into one gallery per person and session, the still path),
# LFW DevTest distractors likewise (the first 24 by name of those of the first
# 30 DevTest people whose first photo passes the enrolment check), then the door simulated on those
# descriptors for a grid of the two constants: people with a session 01
# enrolled from 3 of its frames, each in turn left out and approaching as a
# stranger, the others approaching with 20 consecutive session-02 frames; a
# grant is 3 consecutive accepted frames. A benchmark: about 5 minutes.
#
#   scripts/choose-lookalike-constants.sh [PEOPLE]   # default 0001,0002,0003,0004,0005 (the choosing people)
#
# The held-out figure is the service's own: scripts/measure-door-approaches.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-0001,0002,0003,0004,0005}
data=$(cd "${PORTIER_DATA:-../shared/data}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nuaa=$data/spoof/nuaa/live
for p in $(ls "$nuaa"); do
  for s in 01 02; do
    files=$(ls "$nuaa/$p" | awk -F_ -v s=$s '$4 == s' | sed "s|^|$nuaa/$p/|")
    [ -z "$files" ] && continue
    printf '[gallery]\npath = "%s/g_%s_%s.db"\n' "$work" "$p" "$s" > "$work/c.toml"
    # shellcheck disable=SC2086
    build/portier enroll --config "$work/c.toml" --name "${p}_$s" $files > /dev/null 2>&1 || true
  done
done
lfw=$data/lfw-view1
awk 'NF == 3 {print $1}' "$lfw/pairsDevTest.txt" | awk '!seen[$0]++' | head -30 | while read -r n; do
  printf '[gallery]\npath = "%s/lfw_%s.db"\n' "$work" "$n" > "$work/c.toml"
  build/portier enroll --config "$work/c.toml" --name "$n" "$lfw/$n/$(ls "$lfw/$n" | head -1)" > /dev/null 2>&1 || true
done
/usr/bin/python3 scripts/lookalike_simulation.py "$work" models/data/portier-recognition-curves.json "$people"
