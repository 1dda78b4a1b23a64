#!/usr/bin/env bash
# Builds the parser fuzzer with clang (libFuzzer, ASan, UBSan) and runs it for
# a while from the committed corpus. New inputs it finds go to a scratch copy,
# so the run leaves the checkout clean; a crash fails the run and its input
# is printed.
#   run-fuzz.sh SOURCE_DIR BUILD_DIR [SECONDS]
set -euo pipefail
src=$1 build=$2 seconds=${3:-30}
out=$build/fuzz
mkdir -p "$out"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$src" $(pkg-config --cflags libjwt) $(pkg-config --cflags opencv4) \
  "$src/tests/fuzz/fuzz_parsers.cpp" "$src/backend-client/protocol.cpp" "$src/backend-client/command_token.cpp" \
  "$src/access/time_format.cpp" "$src/access/card_directory.cpp" "$src/access/pin_directory.cpp" \
  "$src/access/user_groups.cpp" "$src/access/verification_mode.cpp" \
  $(pkg-config --libs libjwt libsodium) -lfmt -lcrypto -o "$out/fuzz_parsers"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
cp "$src"/tests/fuzz/corpus/* "$corpus"/
cd "$out"
./fuzz_parsers -max_total_time="$seconds" -max_len=70000 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
