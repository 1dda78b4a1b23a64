#!/usr/bin/env bash
# Builds the .deb with CPack into a scratch folder and checks what is in it.
set -euo pipefail
build=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >/dev/null
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
echo "check-deb: $(basename "$deb") ok ($(du -h "$deb" | cut -f1)); Depends: $depends"
