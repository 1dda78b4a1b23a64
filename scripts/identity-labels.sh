#!/usr/bin/env bash
# Writes the LABELS file of `portier eval identify` for a folder laid out
# <identity>/<image> (as LFW is): one line `path,identity` an image, the path
# relative to the folder, sorted. With a pairs file (`img1 img2 same` lines,
# as `eval pairs` reads), only the images it names are listed.
#
#   scripts/identity-labels.sh ROOT [PAIRS] > labels.csv
#   scripts/identity-labels.sh ../shared/data/lfw-view1 ../shared/data/lfw-view1/pairsDevTrain_simple.txt
set -euo pipefail
root=${1:?usage: identity-labels.sh ROOT [PAIRS]}
pairs=${2:-}
[ -d "$root" ] || { echo "identity-labels: $root is not a folder" >&2; exit 2; }
echo "path,identity"
if [ -n "$pairs" ]; then
  [ -r "$pairs" ] || { echo "identity-labels: cannot read $pairs" >&2; exit 2; }
  awk 'NF == 3 { print $1; print $2 }' "$pairs"
else
  (cd "$root" && find . -mindepth 2 -maxdepth 2 -type f \( -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.png' \) | sed 's#^\./##')
fi | LC_ALL=C sort -u | while IFS= read -r path; do
  case $path in
    */*/*|*,*) echo "identity-labels: $path is not <identity>/<image> or has a comma" >&2; exit 2 ;;
    */*) printf '%s,%s\n' "$path" "${path%%/*}" ;;
    *) echo "identity-labels: $path is not in an identity folder" >&2; exit 2 ;;
  esac
done
