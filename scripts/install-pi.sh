#!/usr/bin/env bash
# Raspberry Pi OS bookworm (arm64) or Debian 12: build on the Pi itself,
# pack a .deb and install it. Then edit /etc/portier/portier.toml and run
#   sudo systemctl enable --now portier
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
# The Pi builds the service only: its tests run in CI.
PORTIER_BUILD_TESTS=OFF "$here/scripts/setup.sh"
(cd "$here/build" && cpack -G DEB >/dev/null)
deb=$(ls -t "$here"/build/portier_*.deb | head -n 1)
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$deb"
echo "install-pi: installed $(basename "$deb")"
echo "install-pi: edit /etc/portier/portier.toml ([gpio], camera.source), then: sudo systemctl enable --now portier"
