#include "access/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace portier {
namespace {

std::string failure(const std::string& what, const std::filesystem::path& file) {
  return "cannot " + what + " " + file.string() + ": " + std::strerror(errno);
}

}  // namespace

std::optional<std::string> write_file_atomically(const std::filesystem::path& file, std::string_view bytes) {
  std::error_code ec;
  const auto dir = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
  std::filesystem::create_directories(dir, ec);
  const auto tmp = std::filesystem::path(file.string() + ".tmp");
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return failure("write", tmp);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto why = failure("write", tmp);
      ::close(fd);
      std::filesystem::remove(tmp, ec);
      return why;
    }
    written += static_cast<size_t>(n);
  }
  // Without the fsync a rename can reach the disk before the data it names.
  if (::fsync(fd) != 0) {
    auto why = failure("flush", tmp);
    ::close(fd);
    std::filesystem::remove(tmp, ec);
    return why;
  }
  ::close(fd);
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return "cannot write " + file.string() + ": " + ec.message();
  }
  // The rename itself lives in the folder: flush that too (best effort: some
  // file systems refuse fsync on a folder, and the data is already safe).
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return std::nullopt;
}

}  // namespace portier
