#include "bench/liveness_samples.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "bench/liveness_augment.h"
#include "bench/liveness_labels.h"
#include "models/face_models.h"
#include "models/image_io.h"

namespace portier {

std::vector<LivenessSample> extract_liveness_samples(const std::filesystem::path& root,
                                                     const std::vector<LivenessImage>& images,
                                                     const FaceDetector& detector, const TextureStem& stem,
                                                     const SampleOptions& options, const OnImage& on_image) {
  std::vector<LivenessSample> out(images.size());
  std::atomic<size_t> next{0};
  std::mutex progress_mutex;
  std::string failure;  // the first unreadable image, guarded by progress_mutex

  auto work = [&] {
    auto own = detector.clone();
    for (size_t i = next.fetch_add(1, std::memory_order_relaxed); i < images.size();
         i = next.fetch_add(1, std::memory_order_relaxed)) {
      const auto& image = images[i];
      {
        std::lock_guard lock(progress_mutex);
        if (!failure.empty()) return;
        if (on_image) on_image(images.size(), image.path);
      }
      auto loaded = load_bgr_image(root / image.path);
      if (auto* why = std::get_if<std::string>(&loaded)) {
        std::lock_guard lock(progress_mutex);
        if (failure.empty()) failure = *why;
        return;
      }
      const cv::Mat& bgr = std::get<cv::Mat>(loaded);
      const auto faces = own->detect(bgr);
      const int chosen = face_nearest_centre(faces, bgr.size());
      std::optional<cv::Rect> box;
      if (chosen >= 0)
        box = faces[static_cast<size_t>(chosen)].rect;
      else if (image.crop)
        box = cv::Rect(0, 0, bgr.cols, bgr.rows);
      if (!box) continue;  // face_found stays false
      auto cut = [&](const cv::Mat& picture, const cv::Rect& face) {
        return image.crop ? cut_face_only_crops(picture, face) : cut_liveness_crops(picture, face);
      };
      // What the pipeline's liveness stage pays per face: crops and features.
      const auto start = std::chrono::steady_clock::now();
      out[i].features = liveness_features(cut(bgr, *box), stem);
      out[i].feature_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      out[i].face_found = true;
      for (int v = 0; v < options.augmented_views; ++v) {
        const auto view = augment_view(bgr, *box, image.crop, options.seed * 1'000'003u + i * 101u + static_cast<unsigned>(v));
        out[i].augmented.push_back(liveness_features(cut(view.image, view.box), stem));
      }
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, options.threads); ++t) workers.emplace_back(work);
  for (auto& w : workers) w.join();
  if (!failure.empty()) throw std::invalid_argument(failure);
  return out;
}

LabelledSamples labelled_samples(const std::filesystem::path& root, const std::filesystem::path& labels,
                                 const std::function<bool(const std::string& path)>& is_crop,
                                 const FaceDetector& detector, const TextureStem& stem, const SampleOptions& options,
                                 const OnImage& on_image) {
  LabelledSamples out;
  for (const auto& l : read_liveness_labels(labels)) out.images.push_back({l.path, l.live, is_crop(l.path), capture_source(l), l.live ? "" : l.attack});
  out.samples = extract_liveness_samples(root, out.images, detector, stem, options, on_image);
  return out;
}

}  // namespace portier
