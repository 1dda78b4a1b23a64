# The Debian 12 packages portier needs, in one place: scripts/setup.sh installs
# them, scripts/make-arm64-sysroot.sh resolves the same lists for arm64 (so CI
# proves a Pi's set-up resolves) and unpacks the libraries into its sysroot.
# Sourced, not run.

# To build on the machine itself.
portier_build_packages=(build-essential cmake ninja-build pkg-config dpkg-dev)

# The libraries and their headers. ARCH is dpkg's architecture name.
portier_library_packages() {
  local arch=$1
  local p=(
    libopencv-dev libdlib-dev
    # dlib's CMake file names the reference BLAS and LAPACK by path: their -dev
    # packages must be there to link, whatever BLAS runs (libopenblas0-pthread).
    libblas-dev liblapack-dev
    libspdlog-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
    libsqlite3-dev libssl-dev uuid-dev
    # PIN hashes (argon2id, crypto_pwhash).
    libsodium-dev
    # Schedules in the door's time zone (date/tz.h over /usr/share/zoneinfo).
    libhowardhinnant-date-dev
    libgpiod-dev libsystemd-dev libcamera-dev
    libpaho-mqttpp-dev libpaho-mqtt-dev libcurl4-openssl-dev libjwt-dev
    # The console's HTTPS server.
    libcpp-httplib-dev
  )
  # Debian 12 builds atomic_queue for amd64 only; elsewhere the same headers
  # come from third_party/atomic_queue.
  [ "$arch" = amd64 ] && p+=(libatomic-queue-dev)
  echo "${p[@]}"
}

# What the service needs at run time beyond the libraries' own dependencies.
# libopenblas0-pthread takes over libblas.so.3 through alternatives: dlib's
# ResNet goes from ~210 ms to ~14 ms a face.
portier_runtime_packages=(libopenblas0-pthread systemd ca-certificates tzdata)

# Installs those of the named packages that are missing (root or sudo).
# LABEL prefixes the message.
portier_install_missing() {
  local label=$1; shift
  local sudo="" missing=() p
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "$label: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What only the tests need: the test framework, real peers (a TLS broker, an
# HTTPS server, a PKI) and the fuzzer (clang).
portier_test_library_packages=(libgtest-dev)
# A real browser for the console (tests/console/browser_test.py).
portier_test_tool_packages=(mosquitto openssl clang libclang-rt-14-dev chromium chromium-driver python3-selenium)
