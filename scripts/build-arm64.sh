#!/usr/bin/env bash
# Cross-builds portier for the Raspberry Pi (arm64, Debian 12 bookworm) on an
# x86-64 Debian 12 machine, tests included; ctest then runs the arm64 test
# binaries under qemu-aarch64 (label arm64). Installs the host tools it
# needs (the cross compiler and qemu-user) and makes the sysroot
# (scripts/make-arm64-sysroot.sh). Emulated timings say nothing about a
# Pi's speed: never report them as such.
#
#   scripts/build-arm64.sh        then: ctest --test-dir build-arm64 -L arm64
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sysroot=${PORTIER_ARM64_SYSROOT:-$here/build-arm64-sysroot}
build_dir=${PORTIER_ARM64_BUILD_DIR:-$here/build-arm64}
models_dir=${PORTIER_MODELS_DIR:-/usr/local/share/portier/models}

source "$here/scripts/packages.sh"
portier_install_missing build-arm64 g++-aarch64-linux-gnu qemu-user dpkg-dev ninja-build cmake file >/dev/null

bash "$here/scripts/make-arm64-sysroot.sh" "$sysroot"
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_TOOLCHAIN_FILE="$here/cmake/aarch64-linux-gnu.cmake" -DPORTIER_SYSROOT="$sysroot" \
  -DPORTIER_MODELS_DIR="$models_dir" >/dev/null
# Two jobs at most: the dlib network translation units take over 1 GB each.
cmake --build "$build_dir" --parallel 2
file "$build_dir/portier" | grep -q "ARM aarch64" || { echo "build-arm64: $build_dir/portier is not an arm64 binary" >&2; exit 1; }
echo "build-arm64: built $build_dir/portier (arm64)"
