#!/usr/bin/env bash
# Builds the .deb with CPack into a scratch folder and checks what is in it.
#   check-deb.sh BUILD_DIR              the native package
#   check-deb.sh BUILD_DIR SYSROOT      the arm64 package of a cross build: its
#     Depends come from the sysroot's dpkg database, and every package it
#     names must exist for arm64 in Debian 12 (the sysroot's apt lists)
set -euo pipefail
build=$1
sysroot=${2:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
if [ -n "$sysroot" ]; then
  export DEB_HOST_ARCH=arm64 DPKG_ADMINDIR=$sysroot.dpkg
fi
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
deb=$(ls "$out"/portier_*.deb)
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/portier ./usr/lib/systemd/system/portier.service ./usr/lib/sysusers.d/portier.conf \
         ./usr/lib/tmpfiles.d/portier.conf ./etc/portier/portier.toml ./usr/share/doc/portier/README.md \
         ./usr/share/portier/portier-liveness.json; do
  grep -q " $f\$" <<<"$contents" || { echo "check-deb: $f missing from $deb"; exit 1; }
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in libopenblas0-pthread libdlib19.1 libopencv-core406 libgpiod2 libsqlite3-0 libsystemd0 libpaho-mqttpp3 libcurl4 libjwt0; do
  grep -q "$d" <<<"$depends" || { echo "check-deb: Depends lacks $d: $depends"; exit 1; }
done
dpkg-deb -e "$deb" "$out/control"
grep -q "^/etc/portier/portier.toml$" "$out/control/conffiles" || { echo "check-deb: config is not a conffile"; exit 1; }
if [ -n "$sysroot" ]; then
  arch=$(dpkg-deb -f "$deb" Architecture)
  [ "$arch" = arm64 ] || { echo "check-deb: Architecture is $arch, not arm64"; exit 1; }
  dpkg-deb -I "$deb" >"$out/info.txt"
  grep -q "Architecture: arm64" "$out/info.txt"
  dpkg-deb -x "$deb" "$out/root"
  file "$out/root/usr/bin/portier" | grep -q "ELF 64-bit.*ARM aarch64" ||
    { echo "check-deb: usr/bin/portier is not an arm64 binary: $(file "$out/root/usr/bin/portier")"; exit 1; }
  # Every Depends group ("a | b" is one) has a real Debian 12 arm64 package.
  export APT_CONFIG=$sysroot.apt/apt.conf
  groups=0
  while IFS= read -r group; do
    [ -n "${group// /}" ] || continue
    groups=$((groups + 1))
    found=""
    for n in $(tr '|' '\n' <<<"$group" | sed -E 's/\(.*\)//; s/:any//; s/[[:space:]]//g'); do
      # Whole outputs, no early-closing reader: with pipefail a SIGPIPE fails the script.
      a=$(apt-cache show --no-all-versions "$n" 2>/dev/null | sed -n 's/^Architecture: //p' | sed -n 1p || true)
      case $a in arm64|all) found=$n ;; esac
      # A virtual name (libspdlog1.10-fmt9) counts when an arm64 package provides it.
      providers=$(apt-cache showpkg "$n" 2>/dev/null | sed -n '/^Reverse Provides:/,$p' | sed 1d | grep -c . || true)
      [ "${providers:-0}" -gt 0 ] && found=$n
    done
    [ -n "$found" ] || { echo "check-deb: no Debian 12 arm64 package provides Depends '$group'"; exit 1; }
  done < <(tr ',' '\n' <<<"$depends")
  echo "check-deb: each of the $groups Depends groups exists for arm64"
fi
echo "check-deb: $(basename "$deb") ok ($(du -h "$deb" | cut -f1)); Depends: $depends"
