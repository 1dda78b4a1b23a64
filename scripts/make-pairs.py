#!/usr/bin/env python3
"""Writes a verification pairs file (`img1 img2 same`) over the labelled
single-person photos of shared/data/faces, in the format `portier eval pairs`
reads. Every genuine pair is used; as many impostor pairs are drawn with a
fixed seed; the list is shuffled with the same seed so the 10 consecutive
folds each hold both kinds. Usage: make-pairs.py DATA_DIR > pairs.txt"""
import csv
import itertools
import random
import sys

data = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
by_person = {}
with open(f"{data}/labels.csv", newline="") as f:
    for row in csv.DictReader(f):
        who, path = row["identity"], row["path"]
        if not path.startswith("faces/") or who in ("unknown", "none") or ";" in who:
            continue
        by_person.setdefault(who, []).append(path)

rng = random.Random(20261121)
genuine = [(a, b, 1) for paths in by_person.values() for a, b in itertools.combinations(sorted(paths), 2)]
people = sorted(by_person)
impostor = set()
while len(impostor) < len(genuine):
    p, q = rng.sample(people, 2)
    impostor.add((rng.choice(sorted(by_person[p])), rng.choice(sorted(by_person[q])), 0))
pairs = genuine + sorted(impostor)
rng.shuffle(pairs)
print(f"# {len(genuine)} genuine + {len(impostor)} impostor pairs from {len(people)} people; scripts/make-pairs.py")
for a, b, same in pairs:
    print(f"{a} {b} {same}")
