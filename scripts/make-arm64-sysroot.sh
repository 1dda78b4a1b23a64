#!/usr/bin/env bash
# Makes an arm64 (Raspberry Pi) sysroot from Debian 12's own arm64 packages,
# installing none of them on this machine:
#   1. a private apt configuration (its own lists and cache, an empty dpkg
#      status, arm64 only) resolves the Pi's package set from
#      scripts/packages.sh: exactly what scripts/setup.sh installs on a Pi.
#      A package that does not resolve for arm64 fails here, as it would on
#      the Pi;
#   2. the libraries' .debs are unpacked with dpkg -x into the sysroot, which
#      is then fixed up as a real system would be after dpkg's scripts ran:
#      merged /usr, relative symlinks, the BLAS/LAPACK alternatives, dlib's
#      CMake and pkg-config files pointed into the sysroot;
#   3. a dpkg database for the sysroot (status, file lists, shlibs and
#      symbols files), so that dpkg-shlibdeps works out the arm64 .deb's
#      Depends from the packages that really provide each library.
#
#   scripts/make-arm64-sysroot.sh [DIR]     default: build-arm64-sysroot/ in the checkout
#
# Idempotent: a sysroot made from the same lists is kept (delete DIR to remake).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
sysroot=$(realpath -m "${1:-$here/build-arm64-sysroot}")
state=$sysroot.apt       # apt's private lists, cache and configuration
admin=$sysroot.dpkg      # the sysroot's dpkg database
source "$here/scripts/packages.sh"

read -r -a libraries <<<"$(portier_library_packages arm64)"
# What the Pi installs (setup.sh with PORTIER_BUILD_TESTS=OFF, as install-pi.sh runs it).
pi_packages=("${portier_build_packages[@]}" "${libraries[@]}" "${portier_runtime_packages[@]}")
# What the sysroot holds: the libraries the build links, the runtime BLAS,
# and the test libraries (the test binaries run under qemu).
sysroot_packages=("${libraries[@]}" libopenblas0-pthread "${portier_test_library_packages[@]}")
stamp="$(printf '%s\n' "${pi_packages[@]}" "${sysroot_packages[@]}" | sha256sum | cut -c1-16)"
# The alternatives dpkg's scripts would set, and dlib's absolute paths: cheap
# and idempotent, so done on every run (an existing sysroot gets new ones).
fix_up() {
  local multiarch=$sysroot/usr/lib/aarch64-linux-gnu
  # OpenBLAS runs (as on the Pi); the -dev links name the reference
  # libraries, as dlib's files expect.
  ln -sfn openblas-pthread/libblas.so.3 "$multiarch/libblas.so.3"
  ln -sfn openblas-pthread/liblapack.so.3 "$multiarch/liblapack.so.3"
  ln -sfn openblas-pthread/libopenblas.so.0 "$multiarch/libopenblas.so.0"
  ln -sfn blas/libblas.so "$multiarch/libblas.so"
  ln -sfn lapack/liblapack.so "$multiarch/liblapack.so"
  # dlib's CMake and pkg-config files name libraries by absolute path.
  for f in "$multiarch"/cmake/dlib/*.cmake "$multiarch"/pkgconfig/dlib-1.pc; do
    [ -f "$f" ] && sed -i -E "s#(^|[ \";=])/usr/lib/aarch64-linux-gnu/#\1$multiarch/#g" "$f"
  done
  # dpkg names a foreign package's info files pkg:arm64.* or pkg.* by rules
  # of its own (Multi-Arch and more): give every file both names.
  if [ -d "$admin/info" ]; then
    local f other
    for f in "$admin"/info/*; do
      case $f in
        *:arm64.*) other=${f/:arm64/} ;;
        *) other=$(sed -E 's/\.(list|shlibs|symbols)$/:arm64.\1/' <<<"$f") ;;
      esac
      [ -e "$other" ] || ln -s "$(basename "$f")" "$other"
    done
  fi
  return 0
}

if [ -f "$sysroot/.portier-sysroot" ] && [ "$(cat "$sysroot/.portier-sysroot")" = "$stamp" ]; then
  fix_up
  echo "make-arm64-sysroot: $sysroot is up to date"
  exit 0
fi
rm -rf "$sysroot" "$admin"
mkdir -p "$state"/etc/apt/{sources.list.d,preferences.d,apt.conf.d,trusted.gpg.d} \
         "$state"/var/lib/apt/lists/partial "$state"/var/cache/apt/archives/partial "$state"/var/lib/dpkg "$state"/log
: >"$state/var/lib/dpkg/status"
cat >"$state/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Architectures: arm64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Architectures: arm64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
cat >"$state/apt.conf" <<CONF
Dir "$state/";
Dir::State::status "$state/var/lib/dpkg/status";
Dir::Log "$state/log";
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
Debug::NoLocking "true";
CONF
export APT_CONFIG=$state/apt.conf
apt-get -qq update

# 1. A Pi's set-up resolves: the whole set, simulated from an empty system.
if ! apt-get -s -qq install "${pi_packages[@]}" >"$state/pi-resolution.txt" 2>&1; then
  echo "make-arm64-sysroot: a Raspberry Pi (Debian 12 arm64) could not install scripts/packages.sh's set:" >&2
  cat "$state/pi-resolution.txt" >&2
  exit 1
fi
echo "make-arm64-sysroot: the Pi's set-up resolves: $(grep -c '^Inst ' "$state/pi-resolution.txt") packages for ${#pi_packages[@]} named"

# 2. Download and unpack the sysroot's closure.
apt-get -qq -y --download-only install "${sysroot_packages[@]}" >/dev/null
mkdir -p "$sysroot"
debs=("$state"/var/cache/apt/archives/*.deb)
for deb in "${debs[@]}"; do dpkg-deb -x "$deb" "$sysroot"; done
echo "make-arm64-sysroot: unpacked ${#debs[@]} packages into $sysroot ($(du -sh "$sysroot" | cut -f1))"

# Merged /usr, as Debian 12 systems are: /lib, /bin, /sbin are links into /usr.
for d in bin sbin lib; do
  if [ -d "$sysroot/$d" ] && [ ! -L "$sysroot/$d" ]; then
    mkdir -p "$sysroot/usr/$d"
    cp -a "$sysroot/$d/." "$sysroot/usr/$d/"
    rm -rf "${sysroot:?}/$d"
  fi
  ln -sfn "usr/$d" "$sysroot/$d"
done
# Absolute links point at the build machine's files: make them relative.
while IFS= read -r link; do
  target=$(readlink "$link")
  case $target in
    /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot$target")" "$link" ;;
  esac
done < <(find "$sysroot" -type l)
fix_up

# 3. The sysroot's dpkg database. Paths are recorded as they are on this
# machine (inside the sysroot), so dpkg-query --search answers for them.
mkdir -p "$admin/info" "$admin/updates"
: >"$admin/status"
for deb in "${debs[@]}"; do
  pkg=$(dpkg-deb -f "$deb" Package)
  name=$pkg
  [ "$(dpkg-deb -f "$deb" Multi-Arch)" = same ] && name="$pkg:arm64"
  { dpkg-deb -f "$deb" | sed '/^Status:/d' | sed '1a Status: install ok installed'; echo; } >>"$admin/status"
  dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's#^\./#/#; s#/$##' | grep -v '^$' |
    sed -E "s#^/(lib|bin|sbin)/#/usr/\1/#" | sed "s#^#$sysroot#" >"$admin/info/$name.list"
  control=$(mktemp -d)
  dpkg-deb -e "$deb" "$control"
  for part in shlibs symbols; do
    [ -f "$control/$part" ] && cp "$control/$part" "$admin/info/$name.$part"
  done
  rm -rf "$control"
done
fix_up
echo "$stamp" >"$sysroot/.portier-sysroot"
echo "make-arm64-sysroot: done: $sysroot (dpkg database: $admin)"
