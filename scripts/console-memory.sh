#!/usr/bin/env bash
# What the web console and its live viewers cost the running service in
# memory: `portier run` on the looped Hamilton clip, once with the console
# off, then with it on and 0, 1 and 2 viewers streaming /live.mjpg over TLS
# (curl), an admin logged in. For each: the resident memory (VmRSS) sampled
# every second over STREAM seconds, its maximum, and the process's peak
# (VmHWM: loading the models, and the login's 64 MiB password hash).
# Not a test: a measurement (docs/console.md).
#
#   scripts/console-memory.sh [BUILD_DIR] [STREAM_SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
stream=${2:-40}
portier=$build/portier
data=$here/../shared/data
clip=$data/video/short_hamilton_clip.mp4
work=$(mktemp -d)
service=""
trap '[ -n "$service" ] && kill "$service" 2>/dev/null; rm -rf "$work"' EXIT
password="a long console password"
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

config() {  # $1: true/false, the console
  cat >"$work/portier.toml" <<EOF
device_id = "memory-door"
[gallery]
path = "$work/gallery.db"
[liveness]
threshold = 0.01
[console]
enabled = $1
listen = "127.0.0.1:$port"
EOF
}

config false
"$portier" enroll --config "$work/portier.toml" --name lin \
  "$data/faces/face_recognition_examples/lin-manuel-miranda.png" >/dev/null
printf '%s\n' "$password" | "$portier" console user add admin --config "$work/portier.toml" >/dev/null

rss_of() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

measure() {  # $1: console on/off, $2: viewers
  config "$1"
  "$portier" run --config "$work/portier.toml" --loop --source "video:$clip" >/dev/null 2>"$work/run.log" &
  service=$!
  # Ready: the console listens, or (console off) the pipeline has started.
  for _ in $(seq 1 240); do
    if grep -q "running: source" "$work/run.log"; then break; fi
    sleep 0.5
  done
  sleep 5  # warm: the first decisions made, the log opened
  local viewers=()  # (a bare `wait` would wait for the service too)
  if [ "$1" = true ]; then
    # Logged in in every console run: a login's password hash takes 64 MiB
    # for a moment (docs/console.md), and shows in the peak of each alike.
    curl -sk -c "$work/jar" -o /dev/null -d "name=admin&password=$password" "https://127.0.0.1:$port/login"
    curl -sk -b "$work/jar" -o /dev/null "https://127.0.0.1:$port/"
    for _ in $(seq 1 "$2"); do
      curl -sk -b "$work/jar" --max-time $((stream + 5)) -o "$work/stream.$_" "https://127.0.0.1:$port/live.mjpg" &
      viewers+=($!)
    done
  fi
  local max=0 now
  for _ in $(seq 1 "$stream"); do
    sleep 1
    now=$(rss_of "$service" VmRSS)
    [ "$now" -gt "$max" ] && max=$now
  done
  local hwm frames=0
  hwm=$(rss_of "$service" VmHWM)
  for v in "${viewers[@]}"; do
    kill "$v" 2>/dev/null || true
    wait "$v" 2>/dev/null || true
  done
  for f in "$work"/stream.*; do
    [ -f "$f" ] && frames=$((frames + $(grep -c -a 'Content-Type: image/jpeg' "$f" || true)))
  done
  rm -f "$work"/stream.*
  kill -TERM "$service"
  wait "$service" || true
  service=""
  printf '%-12s %-8s %10d %10d %12s\n' "$([ "$1" = true ] && echo on || echo off)" "$2" \
    $((max / 1024)) $((hwm / 1024)) "$frames"
}

printf '%-12s %-8s %10s %10s %12s\n' console viewers "RSS MB" "peak MB" "JPEGs sent"
measure false 0
measure true 0
measure true 1
measure true 2
