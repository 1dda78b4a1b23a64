#!/usr/bin/python3
"""Puts a kept face head into a freshly trained liveness model, in place.

    scripts/graft_liveness_face_head.py MODEL.json FACE_HEAD.json

Why: the face head scores face crops alone (`portier eval liveness --crops`);
the door never uses it (a camera frame is scored by the scene and print
heads). No face head trained with whole-room folds passed both crop checks
(replay crops let through, and small live crops of every NUAA subject; see
docs/liveness.md), while the one shipped until 2026-12-07 passes both, and
passed outside on an unseen person's crops (APCER 0%, BPCER 3.7%). So the
shipped model keeps that face head. Its Platt offset is moved so that at the
new model's threshold it decides exactly as it did at its own.

FACE_HEAD.json (models/data/portier-liveness-face-head.json) was cut from the
model shipped until then, once:
    git show 0753f97:models/data/portier-liveness.json \
      | scripts/graft_liveness_face_head.py --cut > models/data/portier-liveness-face-head.json
Python's standard library only; the output is deterministic (sorted keys,
no spaces, each number in its shortest form).
"""
import hashlib
import json
import math
import os
import sys


def logit(p):
    return math.log(p / (1.0 - p))


def dumps(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n"


def cut(model):
    """The face head of a whole model, with the threshold it was set for."""
    return {
        "format": "portier-liveness-face-head/1",
        "face_head": model["face_head"],
        "threshold": model["threshold"],
        "trained_by": model["training"].get("command", ""),
    }


def graft(model, head, head_name, head_sha256):
    face = dict(head["face_head"])
    if not face.get("platt_a", 0) > 0:
        raise ValueError(f"{head_name}: 'platt_a' must be positive")
    # p = 1 / (1 + exp(-(a m + b))): the margin that met the old threshold meets the new one.
    face["platt_b"] = face["platt_b"] + logit(model["threshold"]) - logit(head["threshold"])
    model["face_head"] = face
    model["training"]["face_head_from"] = {"file": head_name, "sha256": head_sha256, "threshold": head["threshold"]}
    return model


def main(argv):
    if len(argv) == 2 and argv[1] == "--cut":
        sys.stdout.write(dumps(cut(json.load(sys.stdin))))
        return 0
    if len(argv) != 3:
        print("usage: graft_liveness_face_head.py MODEL.json FACE_HEAD.json | --cut < MODEL.json", file=sys.stderr)
        return 2
    model_path, head_path = argv[1], argv[2]
    try:
        with open(head_path, "rb") as f:
            head_bytes = f.read()
        head = json.loads(head_bytes)
        if head.get("format") != "portier-liveness-face-head/1":
            raise ValueError(f"{head_path}: not a portier-liveness-face-head/1 file")
        with open(model_path) as f:
            model = json.load(f)
        grafted = graft(model, head, os.path.basename(head_path), hashlib.sha256(head_bytes).hexdigest())
    except (OSError, ValueError, KeyError) as e:
        print(f"graft_liveness_face_head: {e}", file=sys.stderr)
        return 2
    with open(model_path + ".tmp", "w") as f:
        f.write(dumps(grafted))
    os.replace(model_path + ".tmp", model_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
