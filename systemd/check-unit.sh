#!/usr/bin/env bash
# Checks portier.service the way CI must: `systemd-analyze verify` with no
# output at all (unknown keys are only warnings there, so any stderr fails),
# and `systemd-analyze security --offline=yes` at or below the exposure limit.
#   check-unit.sh verify|security UNIT PORTIER_BINARY [MAX_EXPOSURE]
set -euo pipefail
mode=$1 unit=$2 binary=$3 max=${4:-2.5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify checks that ExecStart exists: point it at the binary just built.
sed "s|^ExecStart=/usr/bin/portier|ExecStart=$binary|" "$unit" > "$work/portier.service"
case $mode in
  verify)
    out=$(systemd-analyze verify "$work/portier.service" 2>&1 || true)
    if [ -n "$out" ]; then echo "$out"; echo "check-unit: systemd-analyze verify printed the above" >&2; exit 1; fi
    echo "check-unit: verify clean"
    ;;
  security)
    out=$(systemd-analyze security --offline=yes --no-pager "$work/portier.service" 2>&1 || true)
    score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for portier.service: \([0-9.]*\).*/\1/p')
    if [ -z "$score" ]; then echo "$out"; echo "check-unit: no exposure score in the output" >&2; exit 1; fi
    printf '%s\n' "$out" | grep -E '^✗' | head -20 || true
    echo "check-unit: exposure $score (limit $max)"
    awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= m) }'
    ;;
  *) echo "usage: check-unit.sh verify|security UNIT BINARY [MAX]" >&2; exit 2 ;;
esac
