// The console's live view as JPEGs: one thread draws and encodes the newest
// frame at [console] live_fps while anybody watches, and every viewer takes
// the same bytes. The cost to the door is one encoding per period however
// many watch, and the thread runs at a lower priority (nice 10) than the
// pipeline's stages, so on a busy core a decision always goes first and the
// viewer gets a frame late instead.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "pipeline/live_view.h"

namespace portier {

class LiveJpegEncoder {
 public:
  LiveJpegEncoder(LiveView& live, double fps, int max_width = 640);
  ~LiveJpegEncoder();
  LiveJpegEncoder(const LiveJpegEncoder&) = delete;
  LiveJpegEncoder& operator=(const LiveJpegEncoder&) = delete;

  // A viewer arrives (true) or leaves (false); frames are kept and encoded
  // only while at least one watches.
  void watch(bool on);
  // The newest JPEG when its frame is newer than `after` (a seq it handed
  // back), else nothing; shared, never written once handed out.
  std::optional<std::pair<std::uint64_t, std::shared_ptr<const std::string>>> newest(std::uint64_t after) const;
  std::uint64_t encoded() const;  // frames encoded so far

 private:
  void run();

  LiveView& live_;
  const std::chrono::steady_clock::duration period_;
  const int max_width_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  int viewers_ = 0;
  bool stopping_ = false;
  std::uint64_t seq_ = 0, encoded_ = 0;
  std::shared_ptr<const std::string> jpeg_;
  std::thread thread_;  // last: started once the rest is ready
};

}  // namespace portier
