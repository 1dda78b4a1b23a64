#include "bench/liveness_training_run.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "bench/liveness_labels.h"

namespace portier {
namespace {

std::string top_folder(const std::string& path) {
  const auto slash = path.find('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// The spoof score above which `share` of the held-out attacks lie: a
// calibration that sets the threshold lower would let more than that through
// on the training data.
double floor_at_apcer(const std::vector<LivenessResult>& results, double share) {
  std::vector<double> spoof;
  size_t total = 0;
  for (const auto& r : results)
    if (!r.live) {
      ++total;
      if (r.face_found) spoof.push_back(r.score);
    }
  if (spoof.empty()) return 0.0;
  std::sort(spoof.begin(), spoof.end(), std::greater<>());
  const auto k = static_cast<size_t>(share * static_cast<double>(total));
  return spoof[std::min(k, spoof.size() - 1)];
}

}  // namespace

std::vector<int> assign_folds(const std::vector<LivenessImage>& images, int* folds) {
  std::set<std::string> sessions;
  for (const auto& image : images)
    if (auto s = capture_session(image.path)) sessions.insert(*s);
  const int k = std::max<int>(2, static_cast<int>(sessions.size()));
  std::map<std::string, int> session_fold;
  for (const auto& s : sessions) session_fold.emplace(s, static_cast<int>(session_fold.size()));

  std::vector<int> fold(images.size(), 0);
  std::map<std::string, std::vector<size_t>> groups;  // folder + label -> rows without a session
  for (size_t i = 0; i < images.size(); ++i) {
    if (auto s = capture_session(images[i].path))
      fold[i] = session_fold.at(*s);
    else
      groups[top_folder(images[i].path) + (images[i].live ? "/live" : "/spoof")].push_back(i);
  }
  for (auto& [key, rows] : groups) {
    std::sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return images[a].path < images[b].path; });
    for (size_t j = 0; j < rows.size(); ++j) fold[rows[j]] = static_cast<int>(j * static_cast<size_t>(k) / rows.size());
  }
  *folds = k;
  return fold;
}

LivenessModel fit_liveness_heads(const std::vector<LivenessSample>& samples, const std::vector<LivenessImage>& images,
                                 const std::vector<size_t>& rows, const LivenessHyperparameters& hyper) {
  std::vector<std::vector<float>> face_x, scene_x;
  std::vector<bool> face_live, scene_live;
  for (size_t i : rows) {
    if (!samples[i].face_found) continue;
    face_x.push_back(samples[i].features.face);
    face_live.push_back(images[i].live);
    if (!samples[i].features.scene.empty()) {
      scene_x.push_back(samples[i].features.scene);
      scene_live.push_back(images[i].live);
    }
  }
  if (scene_x.empty()) throw std::invalid_argument("liveness training needs full frames (not only face crops)");
  LivenessModel model;
  model.face = train_face_head(face_x, face_live, hyper.face_c, hyper.face_gamma);
  model.scene = train_scene_head(scene_x, scene_live, hyper.scene_c);
  return model;
}

TrainingRun train_liveness_model(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                                 const LivenessHyperparameters& hyper, double target_bpcer) {
  int k = 0;
  const auto fold = assign_folds(images, &k);

  // Held-out margins: each image scored by heads that never saw its fold.
  std::vector<double> margin(images.size(), 0.0);
  for (int f = 0; f < k; ++f) {
    std::vector<size_t> train;
    for (size_t i = 0; i < images.size(); ++i)
      if (fold[i] != f) train.push_back(i);
    const LivenessModel heads = fit_liveness_heads(samples, images, train, hyper);
    for (size_t i = 0; i < images.size(); ++i)
      if (fold[i] == f && samples[i].face_found) margin[i] = heads.margin(samples[i].features);
  }

  TrainingRun run;
  std::vector<double> found_margins;
  std::vector<bool> found_live;
  for (size_t i = 0; i < images.size(); ++i)
    if (samples[i].face_found) {
      found_margins.push_back(margin[i]);
      found_live.push_back(images[i].live);
    }
  const auto [a, b] = fit_platt(found_margins, found_live);

  std::vector<double> live_scores;
  run.held_out.resize(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const double score = platt_probability(a, b, margin[i]);
    run.held_out[i] = {score, images[i].live, samples[i].face_found};
    if (images[i].live && samples[i].face_found) live_scores.push_back(score);
  }
  const double threshold = threshold_at_bpcer(live_scores, target_bpcer);
  run.pooled = evaluate_liveness(run.held_out, threshold);

  for (int f = 0; f < k; ++f) {
    std::vector<LivenessResult> part;
    std::set<std::string> sessions;
    for (size_t i = 0; i < images.size(); ++i)
      if (fold[i] == f) {
        part.push_back(run.held_out[i]);
        if (auto s = capture_session(images[i].path)) sessions.insert(*s);
      }
    FoldFigures figures;
    figures.held_out = sessions.empty() ? fmt::format("block {} of {}", f + 1, k)
                                        : fmt::format("session {} and block {} of {} of the rest",
                                                      fmt::join(sessions, ","), f + 1, k);
    figures.at_threshold = evaluate_liveness(part, threshold);
    figures.calibrated_apcer = figures.at_threshold.apcer_at_bpcer_5;
    run.folds.push_back(std::move(figures));
  }
  std::map<std::string, std::vector<LivenessResult>> folders;
  for (size_t i = 0; i < images.size(); ++i) folders[top_folder(images[i].path)].push_back(run.held_out[i]);
  for (const auto& [name, part] : folders) run.by_folder.emplace_back(name, evaluate_liveness(part, threshold));

  std::vector<size_t> all(images.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  run.model = fit_liveness_heads(samples, images, all, hyper);
  run.model.platt_a = a;
  run.model.platt_b = b;
  run.model.threshold = threshold;
  run.model.calibration_floor = std::min(threshold, floor_at_apcer(run.held_out, 0.10));
  return run;
}

}  // namespace portier
