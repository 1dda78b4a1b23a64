#include "app/live_jpeg_encoder.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/spdlog.h>

namespace portier {

LiveJpegEncoder::LiveJpegEncoder(LiveView& live, double fps, int max_width)
    : live_(live),
      period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / std::max(0.1, fps)))),
      max_width_(max_width),
      thread_([this] { run(); }) {}

LiveJpegEncoder::~LiveJpegEncoder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void LiveJpegEncoder::watch(bool on) {
  {
    std::lock_guard lock(mutex_);
    viewers_ += on ? 1 : -1;
  }
  if (on) live_.watch();
  else live_.unwatch();
  wake_.notify_all();
}

std::optional<std::pair<std::uint64_t, std::shared_ptr<const std::string>>> LiveJpegEncoder::newest(
    std::uint64_t after) const {
  std::lock_guard lock(mutex_);
  if (!jpeg_ || seq_ <= after) return std::nullopt;
  return std::make_pair(seq_, jpeg_);
}

std::uint64_t LiveJpegEncoder::encoded() const {
  std::lock_guard lock(mutex_);
  return encoded_;
}

void LiveJpegEncoder::run() {
  // Linux gives each thread its own nice value: this one yields to the
  // pipeline's threads whenever both want a core. Lowering a priority needs
  // no privilege; should it fail, the viewer still works, only less politely.
  if (setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10) != 0)
    spdlog::debug("live view: cannot lower the encoder's priority");
  std::uint64_t last = 0;
  auto next = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || viewers_ > 0; });
    if (stopping_) return;
    // One frame per period at most, whoever asks.
    if (wake_.wait_until(lock, next, [&] { return stopping_; })) return;
    lock.unlock();
    std::shared_ptr<const std::string> jpeg;
    std::uint64_t seq = last;
    if (auto frame = live_.newest(last)) {
      // Scale first, then draw: the boxes land on a 640 px copy, and the
      // captured frame (shared with the pipeline) is only read.
      LiveFrame small = *frame;
      if (frame->bgr.cols > max_width_) {
        const double scale = static_cast<double>(max_width_) / frame->bgr.cols;
        cv::resize(frame->bgr, small.bgr, cv::Size(), scale, scale, cv::INTER_AREA);
        for (auto& f : small.faces)
          f.box = cv::Rect(cv::Point(cvRound(f.box.x * scale), cvRound(f.box.y * scale)),
                           cv::Size(cvRound(f.box.width * scale), cvRound(f.box.height * scale)));
      }
      std::vector<unsigned char> bytes;
      if (!small.bgr.empty() && cv::imencode(".jpg", LiveView::draw(small), bytes, {cv::IMWRITE_JPEG_QUALITY, 75})) {
        jpeg = std::make_shared<const std::string>(bytes.begin(), bytes.end());
        seq = frame->seq;
      }
    }
    next = std::chrono::steady_clock::now() + (jpeg ? period_ : std::chrono::milliseconds(20));
    lock.lock();
    if (jpeg) {
      last = seq_ = seq;
      jpeg_ = std::move(jpeg);
      ++encoded_;
    }
  }
}

}  // namespace portier
