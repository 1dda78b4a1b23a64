#include "access/face_access_state.h"

#include <fstream>

#include "access/atomic_file.h"

namespace portier {

namespace {
const char* kFaceAccessFile = "face-access";
}

bool load_face_access(const std::filesystem::path& state_dir) {
  std::ifstream file(state_dir / kFaceAccessFile);
  std::string text;
  return !(file >> text && text == "disarmed");
}

std::optional<std::string> save_face_access(const std::filesystem::path& state_dir, bool armed) {
  return write_file_atomically(state_dir / kFaceAccessFile, armed ? "armed\n" : "disarmed\n");
}

}  // namespace portier
