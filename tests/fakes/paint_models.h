// Painted faces: a scripted camera and face models that read the paint, so
// that a pipeline test runs fast and always the same (the real models are
// tested in tests/models and tests/app).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "hal/camera.h"
#include "models/face_aligner.h"
#include "models/face_detector.h"
#include "models/face_embedder.h"
#include "models/liveness_model.h"

namespace portier::test {

// A person is a rectangle painted with their code (1..9) in the blue channel.
// A negative code is a photo of that person: the same code, and a red
// channel that only the scripted liveness check reads.
struct Face {
  int code;
  cv::Rect box;
};
using Scene = std::vector<Face>;

class ScriptedCamera final : public Camera {
 public:
  ScriptedCamera(std::vector<Scene> scenes, bool realtime, std::chrono::microseconds interval = {})
      : scenes_(std::move(scenes)), realtime_(realtime), interval_(interval) {}
  std::optional<CapturedFrame> read() override {
    if (next_ >= scenes_.size()) return std::nullopt;
    if (interval_.count() > 0) std::this_thread::sleep_for(interval_);
    cv::Mat image(240, 320, CV_8UC3, cv::Scalar(0, 0, 0));
    for (const auto& f : scenes_[next_])
      cv::rectangle(image, f.box, cv::Scalar(std::abs(f.code), 0, f.code < 0 ? 200 : 0), cv::FILLED);
    ++next_;
    return CapturedFrame{image, Clock::now()};
  }
  bool realtime() const override { return realtime_; }
  double nominal_fps() const override { return 0; }
  std::string error() const override { return {}; }
  std::string describe() const override { return "scripted"; }

 private:
  std::vector<Scene> scenes_;
  bool realtime_;
  std::chrono::microseconds interval_;
  size_t next_ = 0;
};

class PaintDetector final : public FaceDetector {
 public:
  explicit PaintDetector(std::chrono::microseconds cost = {}, std::shared_ptr<std::atomic<int>> calls = nullptr)
      : cost_(cost), calls_(calls ? calls : std::make_shared<std::atomic<int>>(0)) {}
  std::vector<FaceBox> detect(const cv::Mat& image) override {
    calls_->fetch_add(1);
    if (cost_.count() > 0) std::this_thread::sleep_for(cost_);
    std::vector<cv::Mat> channels;
    cv::split(image, channels);
    std::vector<FaceBox> faces;
    for (int code = 1; code <= 9; ++code) {
      cv::Mat mask = channels[0] == code;
      if (cv::countNonZero(mask) > 0) faces.push_back({cv::boundingRect(mask), 1.0});
    }
    return faces;
  }
  std::unique_ptr<FaceDetector> clone() const override { return std::make_unique<PaintDetector>(cost_, calls_); }

 private:
  std::chrono::microseconds cost_;
  std::shared_ptr<std::atomic<int>> calls_;  // shared by the clones
};

class PaintAligner final : public FaceAligner {
 public:
  AlignedFace align(const cv::Mat& bgr, const cv::Rect& face) const override {
    const auto centre = bgr.at<cv::Vec3b>(face.y + face.height / 2, face.x + face.width / 2);
    AlignedFace out;
    out.chip = cv::Mat(kChipSize, kChipSize, CV_8UC3, cv::Scalar(centre[0], 0, 0));
    return out;
  }
};

inline Embedding one_hot(int code) {
  Embedding e{};
  e[static_cast<size_t>(code)] = 1.0f;
  return e;
}

class PaintEmbedder final : public FaceEmbedder {
 public:
  explicit PaintEmbedder(bool fail = false) : fail_(fail) {}
  std::vector<Embedding> embed(const std::vector<cv::Mat>& chips) override {
    if (fail_) throw std::runtime_error("embedder exploded");
    std::vector<Embedding> out;
    for (const auto& chip : chips) out.push_back(one_hot(chip.at<cv::Vec3b>(0, 0)[0]));
    return out;
  }

 private:
  bool fail_;
};

class PaintLiveness final : public LivenessScorer {
 public:
  double score(const cv::Mat& frame, const cv::Rect& face) const override {
    return frame.at<cv::Vec3b>(face.y + face.height / 2, face.x + face.width / 2)[2] > 100 ? 0.05 : 0.95;
  }
};


// Hands out its first `before` scenes, then holds the rest back until
// `ready` says so (or 10 s pass): a test can wait for the pipeline's feedback
// to have been given instead of hoping the scheduler was quick enough.
class GatedCamera final : public Camera {
 public:
  GatedCamera(std::vector<Scene> scenes, size_t before, std::function<bool()> ready)
      : inner_(std::move(scenes), false), before_(before), ready_(std::move(ready)) {}
  std::optional<CapturedFrame> read() override {
    if (read_++ == before_) {
      const auto give_up = Clock::now() + std::chrono::seconds(10);
      while (!ready_() && Clock::now() < give_up) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return inner_.read();
  }
  bool realtime() const override { return false; }
  double nominal_fps() const override { return 0; }
  std::string error() const override { return {}; }
  std::string describe() const override { return "gated"; }

 private:
  ScriptedCamera inner_;
  size_t before_;
  std::function<bool()> ready_;
  size_t read_ = 0;
};

}  // namespace portier::test
