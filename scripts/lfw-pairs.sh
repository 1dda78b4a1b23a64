#!/usr/bin/env bash
# Converts LFW's pairs.txt (View 2: a header line, then "name n1 n2" for the
# same person and "name1 n1 name2 n2" for different people) into the
# "img1 img2 same" lines `portier eval pairs` reads, with paths relative to
# the LFW image root. LFW's file order already forms its 10 folds.
#   scripts/lfw-pairs.sh pairs.txt > lfw-pairs.txt
#   build/portier eval pairs --root /path/to/lfw --json lfw-pairs.txt
set -euo pipefail
awk 'NR == 1 { next }
     NF == 3 { printf "%s/%s_%04d.jpg %s/%s_%04d.jpg 1\n", $1, $1, $2, $1, $1, $3; next }
     NF == 4 { printf "%s/%s_%04d.jpg %s/%s_%04d.jpg 0\n", $1, $1, $2, $3, $3, $4; next }
     { print "lfw-pairs: line " NR " is neither a same nor a different pair" > "/dev/stderr"; exit 2 }' "$1"
