#!/usr/bin/env bash
# Remakes models/data/portier-liveness.json from the shared development data,
# byte for byte (no randomness; fixed paths, since the command is recorded in
# the file). Run from anywhere after scripts/setup.sh; takes about a minute.
#
# The data: ../shared/data/spoof/labels.csv, all of it except the four
# silent_face_samples scenes, which stay out as an independent check:
#   nuaa/            NUAA training split, sessions 01 and 02, print attacks (full frames)
#   replay_crops/    phone-replay attacks and live faces, face crops only
# Cross-validation holds out one capture session at a time (see
# bench/liveness_training_run.h). Afterwards, put the printed sha256 into
# kLivenessModel (models/model_files.h).
set -euo pipefail
cd "$(dirname "$0")/.."
labels=build/liveness-train-labels.csv
grep -v '^silent_face_samples/' ../shared/data/spoof/labels.csv > "$labels"
build/portier liveness train --root ../shared/data/spoof --crops-dir replay_crops/ \
  --out models/data/portier-liveness.json "$labels"
