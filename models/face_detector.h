#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "models/face_types.h"

namespace portier {

// Finds faces in one image. Not thread-safe: every worker thread owns its own
// instance, made with clone(), so detection can run on several frames at once.
class FaceDetector {
 public:
  virtual ~FaceDetector() = default;
  // image: 8-bit BGR, BGRA or grey.
  virtual std::vector<FaceBox> detect(const cv::Mat& image) = 0;
  virtual std::unique_ptr<FaceDetector> clone() const = 0;
};

// dlib's HOG frontal detector. upsample doubles the image that many times with
// pyramid_up before scanning (its 80x80 window then finds 40x40 faces);
// threshold is the SVM score cut (dlib's second call argument, not an upsample).
std::unique_ptr<FaceDetector> make_hog_detector(int upsample, double threshold);

// dlib's MMOD CNN detector: more robust to pose, ~0.7 s a VGA frame on a CPU.
std::unique_ptr<FaceDetector> make_mmod_detector(const std::filesystem::path& model_file, int upsample);

// Runs chain[0] on every image and the next ones, in order, only where all
// before them found nothing; the first non-empty answer stands. every: 1 =
// on every empty image (stills); N > 1 = on one empty image in N (live
// frames, where the next frame shows the same scene); 0 = never.
std::unique_ptr<FaceDetector> make_fallback_detector(std::vector<std::unique_ptr<FaceDetector>> chain, int every);

}  // namespace portier
