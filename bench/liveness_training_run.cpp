#include "bench/liveness_training_run.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <stdexcept>
#include <tuple>

#include "models/track_score.h"

namespace portier {
namespace {

// Every (source, class) weighs the same in training, whatever its size: NUAA
// has thirty times the frames of a small source, and must not drown it.
std::vector<double> balanced_weights(const std::vector<std::pair<std::string, bool>>& groups) {
  std::map<std::pair<std::string, bool>, double> count;
  for (const auto& g : groups) count[g] += 1;
  std::vector<double> w;
  double total = 0;
  for (const auto& g : groups) total += w.emplace_back(1.0 / count[g]);
  for (auto& v : w) v *= static_cast<double>(w.size()) / total;  // mean 1
  return w;
}

struct HeadData {
  std::vector<std::vector<float>> x;
  std::vector<bool> live;
  std::vector<std::pair<std::string, bool>> group;
};

// The training rows of one head: each image's own features, and for the face
// head its augmented views. Face crops come from cameras and encoders no
// source here has (JPEG at quality 40 halved the live crops that passed
// without them); the scene head did worse on held-out sources with them
// (docs/liveness.md), so it sees each frame as it was captured.
HeadData head_data(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                   const std::vector<size_t>& rows, bool scene) {
  HeadData d;
  for (size_t i : rows) {
    const auto& s = samples[i];
    if (!s.face_found || (scene && images[i].crop)) continue;
    auto add = [&](const LivenessFeatures& f) {
      d.x.push_back(scene ? f.scene : f.face);
      d.live.push_back(images[i].live);
      d.group.emplace_back(images[i].source, images[i].live);
    };
    add(s.features);
    if (!scene)
      for (const auto& view : s.augmented) add(view);
  }
  return d;
}

LogisticHead fit_head(const HeadData& d, const LivenessHyperparameters& hyper) {
  return train_logistic_head(d.x, d.live, balanced_weights(d.group), hyper.c);
}

double logit(double p) {
  p = std::clamp(p, 1e-9, 1 - 1e-9);
  return std::log(p / (1 - p));
}

// The spoof score above which `share` of the held-out attacks lie: a
// calibration that sets the threshold lower would let more than that through
// on the development data.
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

std::string track_key(const LivenessImage& image) {
  // NUAA keeps one subject per folder; elsewhere a source's class is one clip.
  const auto slash = image.path.rfind('/');
  const std::string folder = slash == std::string::npos ? std::string() : image.path.substr(0, slash);
  return image.source + "|" + (image.live ? "live" : "spoof") + "|" + folder;
}

// The source with the highest held-out EER (the last of equals), among
// camera-frame sources only when frames_only.
std::pair<std::string, double> worst_by_eer(const std::vector<SourceFigures>& figures, bool frames_only) {
  std::pair<std::string, double> worst{"", 0.0};
  for (const auto& f : figures)
    if ((!frames_only || !f.crops) && f.at_threshold.eer >= worst.second) worst = {f.source, f.at_threshold.eer};
  return worst;
}

}  // namespace

double balanced_threshold_at_bpcer(const std::vector<double>& scores, const std::vector<std::string>& groups, double share) {
  if (scores.empty()) return 0.5;
  std::map<std::string, double> count;
  for (const auto& g : groups) count[g] += 1;
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  const double total = static_cast<double>(count.size());
  double below = 0;
  for (size_t i : order) {
    // The lowest score such that no more than `share` of the weight lies below it.
    if (below + 1.0 / count[groups[i]] / total > share + 1e-12) return scores[i];
    below += 1.0 / count[groups[i]] / total;
  }
  return scores[order.back()];
}

TrackFigures track_figures(const std::vector<LivenessImage>& images, const std::vector<LivenessResult>& results,
                           double threshold) {
  std::map<std::string, std::vector<size_t>> clips;
  for (size_t i = 0; i < images.size(); ++i) clips[track_key(images[i])].push_back(i);
  TrackFigures t;
  size_t accepted_spoof = 0, rejected_live = 0;
  for (auto& [key, rows] : clips) {
    std::sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return images[a].path < images[b].path; });
    for (size_t start = 0; start < rows.size(); start += kFramesPerTrack) {
      std::vector<double> scores;
      const size_t end = std::min(rows.size(), start + kFramesPerTrack);
      for (size_t j = start; j < end; ++j)
        if (results[rows[j]].face_found) scores.push_back(results[rows[j]].score);
      const bool accepted = !scores.empty() && track_liveness_score(scores) >= threshold;
      if (images[rows[start]].live) {
        ++t.live;
        rejected_live += !accepted;
      } else {
        ++t.spoof;
        accepted_spoof += accepted;
      }
    }
  }
  t.apcer = t.spoof ? static_cast<double>(accepted_spoof) / static_cast<double>(t.spoof) : 0.0;
  t.bpcer = t.live ? static_cast<double>(rejected_live) / static_cast<double>(t.live) : 0.0;
  return t;
}

std::vector<SourceFigures> figures_by_source(const std::vector<LivenessImage>& images,
                                             const std::vector<LivenessResult>& results, double threshold) {
  std::map<std::string, std::pair<std::vector<LivenessImage>, std::vector<LivenessResult>>> parts;
  for (size_t i = 0; i < images.size(); ++i) {
    auto& [part_images, part_results] = parts[images[i].source];
    part_images.push_back(images[i]);
    part_results.push_back(results[i]);
  }
  std::vector<SourceFigures> out;
  for (const auto& [source, part] : parts) {
    const bool crops = std::all_of(part.first.begin(), part.first.end(), [](const LivenessImage& i) { return i.crop; });
    out.push_back({source, crops, evaluate_liveness(part.second, threshold), track_figures(part.first, part.second, threshold)});
  }
  return out;
}

TrainingRun train_liveness_model(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                                 const LivenessHyperparameters& hyper, double target_bpcer) {
  std::set<std::string> source_set;
  for (const auto& image : images) source_set.insert(image.source);
  if (source_set.size() < 2) throw std::invalid_argument("liveness training needs at least two capture sources to hold out");
  const std::vector<std::string> sources(source_set.begin(), source_set.end());

  // Held-out margins: each image scored by heads that never saw its source.
  std::vector<double> face_margin(images.size(), 0.0), scene_margin(images.size(), 0.0);
  for (const auto& held : sources) {
    std::vector<size_t> train;
    for (size_t i = 0; i < images.size(); ++i)
      if (images[i].source != held) train.push_back(i);
    const LogisticHead face = fit_head(head_data(images, samples, train, false), hyper);
    const HeadData scene_data = head_data(images, samples, train, true);
    std::optional<LogisticHead> scene;
    if (!scene_data.x.empty()) scene = fit_head(scene_data, hyper);
    for (size_t i = 0; i < images.size(); ++i) {
      if (images[i].source != held || !samples[i].face_found) continue;
      face_margin[i] = face.margin(samples[i].features.face);
      if (!images[i].crop) {
        if (!scene) throw std::invalid_argument("liveness training needs full frames (not only face crops) in every fold");
        scene_margin[i] = scene->margin(samples[i].features.scene);
      }
    }
  }

  // Platt scaling per head, on held-out margins only.
  std::vector<double> fm, sm;
  std::vector<bool> fl, sl;
  for (size_t i = 0; i < images.size(); ++i) {
    if (!samples[i].face_found) continue;
    fm.push_back(face_margin[i]);
    fl.push_back(images[i].live);
    if (!images[i].crop) {
      sm.push_back(scene_margin[i]);
      sl.push_back(images[i].live);
    }
  }
  if (sm.empty()) throw std::invalid_argument("liveness training needs full frames (not only face crops)");
  TrainingRun run;
  LivenessModel& model = run.model;
  std::vector<size_t> all(images.size());
  std::iota(all.begin(), all.end(), size_t{0});
  model.face = fit_head(head_data(images, samples, all, false), hyper);
  model.scene = fit_head(head_data(images, samples, all, true), hyper);
  std::tie(model.face.platt_a, model.face.platt_b) = fit_platt(fm, fl);
  std::tie(model.scene.platt_a, model.scene.platt_b) = fit_platt(sm, sl);

  // The threshold: from the scene head's held-out live scores (camera
  // frames are what the door sees), every source weighing the same. The
  // face head's Platt offset is moved so that the same threshold rejects the
  // same share of its own held-out live faces.
  std::vector<double> live_scene, live_face;
  std::vector<std::string> scene_groups, face_groups;
  for (size_t i = 0; i < images.size(); ++i) {
    if (!samples[i].face_found || !images[i].live) continue;
    live_face.push_back(platt_probability(model.face.platt_a, model.face.platt_b, face_margin[i]));
    face_groups.push_back(images[i].source);
    if (!images[i].crop) {
      live_scene.push_back(platt_probability(model.scene.platt_a, model.scene.platt_b, scene_margin[i]));
      scene_groups.push_back(images[i].source);
    }
  }
  model.threshold = balanced_threshold_at_bpcer(live_scene, scene_groups, target_bpcer);
  const double face_threshold = balanced_threshold_at_bpcer(live_face, face_groups, target_bpcer);
  model.face.platt_b += logit(model.threshold) - logit(face_threshold);

  run.held_out.resize(images.size());
  std::vector<LivenessResult> frames, by_face(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const double face_score = platt_probability(model.face.platt_a, model.face.platt_b, face_margin[i]);
    const double score =
        images[i].crop ? face_score : platt_probability(model.scene.platt_a, model.scene.platt_b, scene_margin[i]);
    run.held_out[i] = {score, images[i].live, samples[i].face_found};
    by_face[i] = {face_score, images[i].live, samples[i].face_found};
    if (!images[i].crop) frames.push_back(run.held_out[i]);
  }
  run.pooled = evaluate_liveness(run.held_out, model.threshold);
  model.calibration_floor = std::min(model.threshold, floor_at_apcer(frames, 0.10));

  run.sources = figures_by_source(images, run.held_out, model.threshold);
  run.face_sources = figures_by_source(images, by_face, model.threshold);
  std::tie(run.worst_source, run.worst_eer) = worst_by_eer(run.sources, false);
  std::tie(run.worst_frame_source, run.worst_frame_eer) = worst_by_eer(run.sources, true);
  std::tie(run.worst_face_source, run.worst_face_eer) = worst_by_eer(run.face_sources, false);
  return run;
}

}  // namespace portier
