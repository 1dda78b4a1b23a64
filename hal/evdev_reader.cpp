#include "hal/evdev_reader.h"

#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <spdlog/spdlog.h>

namespace portier {

char evdev_key_char(unsigned short code) {
  switch (code) {
    case KEY_1: case KEY_KP1: return '1';
    case KEY_2: case KEY_KP2: return '2';
    case KEY_3: case KEY_KP3: return '3';
    case KEY_4: case KEY_KP4: return '4';
    case KEY_5: case KEY_KP5: return '5';
    case KEY_6: case KEY_KP6: return '6';
    case KEY_7: case KEY_KP7: return '7';
    case KEY_8: case KEY_KP8: return '8';
    case KEY_9: case KEY_KP9: return '9';
    case KEY_0: case KEY_KP0: return '0';
    case KEY_A: return 'A';
    case KEY_B: return 'B';
    case KEY_C: return 'C';
    case KEY_D: return 'D';
    case KEY_E: return 'E';
    case KEY_F: return 'F';
    case KEY_ENTER: case KEY_KPENTER: return '\n';
    default: return 0;
  }
}

namespace {

class EvdevReader final : public CredentialReader {
 public:
  explicit EvdevReader(EvdevReaderOptions options) : options_(std::move(options)) {}
  ~EvdevReader() override { close_device(); }

  ReaderResult read(std::chrono::milliseconds timeout) override {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto credential = take_buffered()) return {std::move(credential), {}, {}};
      if (fd_ < 0)
        if (auto why = open_device(); !why.empty()) return {std::nullopt, why, {}};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return {};
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
      if (ready <= 0) continue;
      unsigned char chunk[64 * sizeof(input_event)];
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n > 0) {
        bytes_.insert(bytes_.end(), chunk, chunk + n);
      } else if (n == 0) {
        // An end (neither a device nor a FIFO opened as above should give
        // one): open it again and wait for more.
        close_device();
        if (auto why = open_device(); !why.empty()) return {std::nullopt, why, {}};
      } else if (errno != EAGAIN && errno != EINTR) {
        return fail(std::string("read: ") + std::strerror(errno));  // ENODEV: unplugged
      }
    }
  }

  std::string describe() const override {
    return "evdev " + std::string(options_.delivers == Credential::Kind::Card ? "card reader " : "keypad ") +
           options_.device.string();
  }

 private:
  std::string open_device() {
    // A FIFO (the tests', or a bridge from another program) is opened for
    // writing too: holding a write end of its own, the reader never sees it
    // end, so a writer that opens while the last one leaves loses nothing.
    // (Closing and reopening at the end left a window in which such a
    // writer's bytes were dropped, or it died of SIGPIPE.) Linux allows
    // O_RDWR on a FIFO; a device is opened read-only.
    struct stat path_st{};
    const bool fifo = ::stat(options_.device.c_str(), &path_st) == 0 && S_ISFIFO(path_st.st_mode);
    const int fd = ::open(options_.device.c_str(), (fifo ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return "cannot open " + options_.device.string() + ": " + std::strerror(errno);
    struct stat st{};
    if (::fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && ::ioctl(fd, EVIOCGRAB, 1) != 0) {
      // Without the grab, card numbers and PINs would also be typed into
      // whatever has the console: refuse rather than leak them.
      const std::string why = "cannot grab " + options_.device.string() + " (EVIOCGRAB): " + std::strerror(errno);
      ::close(fd);
      return why;
    }
    fd_ = fd;
    return {};
  }

  void close_device() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the grab
    fd_ = -1;
  }

  ReaderResult fail(std::string why) {
    close_device();
    bytes_.clear();
    entry_.clear();
    return {std::nullopt, options_.device.string() + ": " + why, {}};
  }

  // Consumes whole input_event records; returns at the first complete entry.
  std::optional<Credential> take_buffered() {
    constexpr size_t kRecord = sizeof(input_event);
    size_t used = 0;
    std::optional<Credential> out;
    while (!out && bytes_.size() - used >= kRecord) {
      input_event ev;
      std::memcpy(&ev, bytes_.data() + used, kRecord);
      used += kRecord;
      if (ev.type != EV_KEY || ev.value != 1) continue;  // presses only: no releases, repeats or sync
      out = key(ev.code);
    }
    bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(used));
    return out;
  }

  std::optional<Credential> key(unsigned short code) {
    const auto now = std::chrono::steady_clock::now();
    if (!entry_.empty() && now - last_key_ > options_.entry_timeout) {
      spdlog::warn("{}: a partial entry of {} keys without Enter was dropped", describe(), entry_.size());
      entry_.clear();
      bad_entry_ = false;
    }
    last_key_ = now;
    const char c = evdev_key_char(code);
    if (c != '\n') {
      const bool allowed = c != 0 && (c <= '9' || (options_.hex && options_.delivers == Credential::Kind::Card));
      if (allowed) entry_.push_back(c);
      else bad_entry_ = true;
      return std::nullopt;
    }
    std::string value;
    value.swap(entry_);
    const bool bad = bad_entry_;
    bad_entry_ = false;
    if (value.empty()) return std::nullopt;
    if (bad) {
      // Never the entry itself: it may be a PIN.
      spdlog::warn("{}: an entry with a key that is not a {} digit was dropped", describe(),
                   options_.hex && options_.delivers == Credential::Kind::Card ? "hex" : "decimal");
      return std::nullopt;
    }
    if (options_.delivers == Credential::Kind::Card && options_.keep_digits > 0 &&
        value.size() > static_cast<size_t>(options_.keep_digits))
      value.erase(0, value.size() - static_cast<size_t>(options_.keep_digits));
    return Credential{options_.delivers, std::move(value), now};
  }

  EvdevReaderOptions options_;
  int fd_ = -1;
  std::vector<unsigned char> bytes_;
  std::string entry_;
  bool bad_entry_ = false;
  std::chrono::steady_clock::time_point last_key_;
};

}  // namespace

std::unique_ptr<CredentialReader> make_evdev_reader(EvdevReaderOptions options) {
  return std::make_unique<EvdevReader>(std::move(options));
}

}  // namespace portier
