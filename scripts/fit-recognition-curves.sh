#!/usr/bin/env bash
# Remakes models/data/portier-recognition-curves.json, the impostor and genuine
# distance curves the acceptance rule is derived from (access/acceptance_rule.h),
# on LFW's development TRAINING view only: DevTest, and LFW's test view, stay
# for reporting. Then update kRecognitionCurves' sha256 in models/model_files.h.
#
#   scripts/fit-recognition-curves.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
lfw=$here/../shared/data/lfw-view1
out=$here/models/data/portier-recognition-curves.json
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The file's name goes into the curves: keep it the same on every run.
labels_named=$work/lfw-view1-devtrain-labels.csv
"$here/scripts/identity-labels.sh" "$lfw" "$lfw/pairsDevTrain_simple.txt" >"$labels_named"
"$build/portier" eval impostors --root "$lfw" --out "$out" "$labels_named"
echo "fit-recognition-curves: sha256 $(sha256sum "$out" | cut -d' ' -f1): put it in kRecognitionCurves (models/model_files.h)"
