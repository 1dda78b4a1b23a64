// Paths and small helpers the tests share.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace portier::test {

inline const std::filesystem::path kSourceDir = PORTIER_TEST_SOURCE_DIR;
inline const std::filesystem::path kDataDir = PORTIER_TEST_DATA_DIR;
inline const std::filesystem::path kModelsDir = PORTIER_TEST_MODELS_DIR;
inline const std::filesystem::path kBinary = PORTIER_TEST_BINARY;

// A fresh directory, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("portier-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A config for tests: the installed models, a gallery in `dir`, and `extra`
// appended (TOML tables).
inline std::filesystem::path write_config(const TempDir& dir, const std::string& extra = "") {
  const auto file = dir / "portier.toml";
  write_file(file, "device_id = \"test-door\"\n[models]\ndir = \"" + kModelsDir.string() + "\"\n[gallery]\npath = \"" +
                       (dir / "gallery.db").string() + "\"\n" + extra);
  return file;
}

// The Hamilton clip is a recorded stage show (stage light, 640x360, heavy
// compression), not a door camera: the liveness model rightly scores its
// faces as a replay (under 0.01, docs/liveness.md). Tests that need a grant
// from it are about recognition and access through the pipeline, so they
// turn liveness off, explicitly, in the config. Liveness through the service
// is tested on NUAA's frames (DoorApproaches, ServiceWithBackend).
inline const std::string kClipLiveness = "[liveness]\nenabled = false\n";

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout; stderr goes to err
  std::string err;
};

// Runs a shell command line, capturing stdout and stderr.
inline CommandResult run_command(const std::string& command_line) {
  TempDir tmp;
  const auto out = tmp / "out", err = tmp / "err";
  const std::string full = command_line + " >" + out.string() + " 2>" + err.string() + " </dev/null";
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out), read_file(err)};
}

inline std::string portier(const std::string& args) { return kBinary.string() + " " + args; }

}  // namespace portier::test
