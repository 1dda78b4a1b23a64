# Cross-build for the Raspberry Pi (arm64, Debian 12 / Raspberry Pi OS
# bookworm) against a sysroot made by scripts/make-arm64-sysroot.sh:
#
#   cmake -S . -B build-arm64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DPORTIER_SYSROOT=$PWD/build-arm64-sysroot
#
# The tests then run under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR) with
# the sysroot as its library prefix: no binfmt_misc, nothing installed.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(PORTIER_SYSROOT "" CACHE PATH "The arm64 sysroot (scripts/make-arm64-sysroot.sh)")
if(NOT PORTIER_SYSROOT OR NOT EXISTS "${PORTIER_SYSROOT}/.portier-sysroot")
  message(FATAL_ERROR "PORTIER_SYSROOT='${PORTIER_SYSROOT}' is not a sysroot made by scripts/make-arm64-sysroot.sh")
endif()
# try_compile projects see only what is listed here.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PORTIER_SYSROOT)

set(CMAKE_SYSROOT "${PORTIER_SYSROOT}")
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH "${PORTIER_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# The libraries' own dependencies (libopencv_* need libtbb, libgdal, ...) are
# found at link time through the sysroot's library folders.
set(_portier_libdir "${PORTIER_SYSROOT}/usr/lib/aarch64-linux-gnu")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_portier_libdir} -Wl,-rpath-link,${_portier_libdir}/blas -Wl,-rpath-link,${_portier_libdir}/lapack")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${CMAKE_EXE_LINKER_FLAGS_INIT}")

set(ENV{PKG_CONFIG_SYSROOT_DIR} "${PORTIER_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR} "${_portier_libdir}/pkgconfig:${PORTIER_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L "${PORTIER_SYSROOT}")
