#include "bench/liveness_training_run.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
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

// The print head's rows: the live camera frames and the print attacks among
// `rows`, each (source, class) thinned to at most `cap` (every k-th, in input
// order), so that NUAA's thousands of frames do not drown a source of
// thirty, and the support vectors stay few enough to score in well under a
// millisecond. Empty without print attacks.
HeadData print_data(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                    const std::vector<size_t>& rows, int cap) {
  std::map<std::pair<std::string, bool>, std::vector<size_t>> groups;
  for (size_t i : rows)
    if (samples[i].face_found && !images[i].crop && (images[i].live || images[i].attack == "print"))
      groups[{images[i].source, images[i].live}].push_back(i);
  HeadData d;
  bool prints = false;
  for (const auto& [group, members] : groups) {
    const size_t step = (members.size() + static_cast<size_t>(cap) - 1) / static_cast<size_t>(cap);
    for (size_t k = 0; k < members.size(); k += step) {
      d.x.push_back(samples[members[k]].features.scene);
      d.live.push_back(group.second);
      d.group.push_back(group);
    }
    prints = prints || !group.second;
  }
  if (!prints) return {};
  return d;
}

std::optional<KernelHead> fit_print_head(const HeadData& d) {
  if (d.x.empty()) return std::nullopt;
  return train_kernel_head(d.x, d.live, 1.0, 1.0 / static_cast<double>(d.x.front().size()));
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

struct ScoredImage {
  double score;
  bool live;
  std::string source;
};

// The share of live faces scoring under t, every source weighing the same.
double balanced_live_share_below(const std::vector<ScoredImage>& s, double t) {
  std::map<std::string, std::pair<double, double>> by_source;  // below, all
  for (const auto& x : s)
    if (x.live) {
      auto& [below, all] = by_source[x.source];
      below += x.score < t;
      all += 1;
    }
  double sum = 0;
  for (const auto& [source, counts] : by_source) sum += counts.first / counts.second;
  return by_source.empty() ? 0.0 : sum / static_cast<double>(by_source.size());
}

// Where the held-out APCER and BPCER meet, every source weighing the same
// (each source's attacks as a share of its attacks, its live faces of its
// live faces): the threshold that minimises the larger of the two.
double balanced_eer_threshold(const std::vector<ScoredImage>& s) {
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> by_source;  // live, spoof; sorted below
  for (const auto& x : s) (x.live ? by_source[x.source].first : by_source[x.source].second).push_back(x.score);
  size_t with_live = 0, with_spoof = 0;
  for (auto& [source, part] : by_source) {
    std::sort(part.first.begin(), part.first.end());
    std::sort(part.second.begin(), part.second.end());
    with_live += !part.first.empty();
    with_spoof += !part.second.empty();
  }
  double best = 0.5, best_worse = 2;
  for (const auto& candidate : s) {
    const double t = candidate.score;
    double bpcer = 0, apcer = 0;
    for (const auto& [source, part] : by_source) {
      const auto& [live, spoof] = part;
      if (!live.empty())
        bpcer += static_cast<double>(std::lower_bound(live.begin(), live.end(), t) - live.begin()) / static_cast<double>(live.size());
      if (!spoof.empty())
        apcer += static_cast<double>(spoof.end() - std::lower_bound(spoof.begin(), spoof.end(), t)) / static_cast<double>(spoof.size());
    }
    const double worse = std::max(with_live ? bpcer / static_cast<double>(with_live) : 0.0,
                                  with_spoof ? apcer / static_cast<double>(with_spoof) : 0.0);
    if (worse < best_worse || (worse == best_worse && t < best)) best_worse = worse, best = t;
  }
  return best;
}

// The threshold rule: with a target BPCER (> 0), the score under which that
// share of the live faces falls, every source weighing the same; otherwise
// the balanced EER point.
double choose_threshold(const std::vector<ScoredImage>& s, double target_bpcer) {
  if (!(target_bpcer > 0)) return balanced_eer_threshold(s);
  std::vector<double> live;
  std::vector<std::string> groups;
  for (const auto& x : s)
    if (x.live) live.push_back(x.score), groups.push_back(x.source);
  return balanced_threshold_at_bpcer(live, groups, target_bpcer);
}

// The print head fitted on every image, and Platt's mapping of its
// held-out margins (live frames against print attacks).
void fit_print_part(const std::vector<LivenessImage>& images, const std::vector<LivenessSample>& samples,
                    const std::vector<double>& print_margin, const LivenessHyperparameters& hyper, LivenessModel& model) {
  std::vector<size_t> all(images.size());
  std::iota(all.begin(), all.end(), size_t{0});
  model.print = fit_print_head(print_data(images, samples, all, hyper.print_head_cap));
  if (!model.print) return;
  std::vector<double> margins;
  std::vector<bool> live;
  for (size_t i = 0; i < images.size(); ++i)
    if (!std::isinf(print_margin[i]) && samples[i].face_found && (images[i].live || images[i].attack == "print")) {
      margins.push_back(print_margin[i]);
      live.push_back(images[i].live);
    }
  std::tie(model.print->platt_a, model.print->platt_b) = fit_platt(margins, live);
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

namespace {

// Each attack type of one source against that source's live faces.
std::vector<AttackFigures> figures_by_attack(const std::vector<LivenessImage>& images,
                                             const std::vector<LivenessResult>& results, double threshold) {
  std::set<std::string> types;
  for (const auto& image : images)
    if (!image.live && !image.attack.empty()) types.insert(image.attack);
  std::vector<AttackFigures> out;
  for (const auto& type : types) {
    std::vector<LivenessResult> part;
    for (size_t i = 0; i < images.size(); ++i)
      if (images[i].live || images[i].attack == type) part.push_back(results[i]);
    const auto report = evaluate_liveness(part, threshold);
    out.push_back({type, report.spoof, report.apcer, report.eer});
  }
  return out;
}

}  // namespace

std::vector<WorstByAttack> worst_by_attack(const std::vector<SourceFigures>& figures) {
  std::map<std::string, WorstByAttack> worst;
  for (const auto& f : figures)
    for (const auto& a : f.by_attack) {
      auto [it, fresh] = worst.try_emplace(a.attack, WorstByAttack{a.attack, f.source, a.eer, a.apcer});
      if (!fresh && a.eer >= it->second.eer) it->second = {a.attack, f.source, a.eer, a.apcer};
    }
  std::vector<WorstByAttack> out;
  for (auto& [type, w] : worst) out.push_back(std::move(w));
  return out;
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
    out.push_back({source, crops, evaluate_liveness(part.second, threshold), track_figures(part.first, part.second, threshold),
                   figures_by_attack(part.first, part.second, threshold)});
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
  // A print margin of +infinity: no print head (none asked for, or no
  // print attack to learn from), so the scene head alone decides.
  std::vector<double> face_margin(images.size(), 0.0), scene_margin(images.size(), 0.0),
      print_margin(images.size(), std::numeric_limits<double>::infinity());
  for (const auto& held : sources) {
    std::vector<size_t> train;
    for (size_t i = 0; i < images.size(); ++i)
      if (images[i].source != held) train.push_back(i);
    const LogisticHead face = fit_head(head_data(images, samples, train, false), hyper);
    const HeadData scene_data = head_data(images, samples, train, true);
    std::optional<LogisticHead> scene;
    if (!scene_data.x.empty()) scene = fit_head(scene_data, hyper);
    std::optional<KernelHead> print;
    if (hyper.print_head) print = fit_print_head(print_data(images, samples, train, hyper.print_head_cap));
    for (size_t i = 0; i < images.size(); ++i) {
      if (images[i].source != held || !samples[i].face_found) continue;
      face_margin[i] = face.margin(samples[i].features.face);
      if (!images[i].crop) {
        if (!scene) throw std::invalid_argument("liveness training needs full frames (not only face crops) in every fold");
        scene_margin[i] = scene->margin(samples[i].features.scene);
        if (print) print_margin[i] = print->margin(samples[i].features.scene);
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
  if (hyper.print_head) fit_print_part(images, samples, print_margin, hyper, model);

  // The threshold, on held-out scores of camera frames (what the door sees),
  // every source weighing the same (choose_threshold). The face head's Platt
  // offset is moved so that the same threshold falls at the face head's own
  // such point on its held-out scores (or the target): a face crop carries
  // less than a frame, so its scores sit elsewhere. With a print head, its offset is first moved so that its held-out
  // live faces fall below the scene head's threshold as often as the scene
  // head's do; the threshold is then chosen again on the lower of the two
  // scores, which is what a frame is scored by.
  auto scene_score = [&](size_t i) { return platt_probability(model.scene.platt_a, model.scene.platt_b, scene_margin[i]); };
  auto face_score = [&](size_t i) { return platt_probability(model.face.platt_a, model.face.platt_b, face_margin[i]); };
  auto frame_score = [&](size_t i) {
    const double s = scene_score(i);
    if (!model.print || std::isinf(print_margin[i])) return s;
    return std::min(s, platt_probability(model.print->platt_a, model.print->platt_b, print_margin[i]));
  };
  auto scored = [&](const std::function<double(size_t)>& score_of, bool frames_only) {
    std::vector<ScoredImage> out;
    for (size_t i = 0; i < images.size(); ++i)
      if (samples[i].face_found && !(frames_only && images[i].crop))
        out.push_back({score_of(i), images[i].live, images[i].source});
    return out;
  };
  model.threshold = choose_threshold(scored(scene_score, true), target_bpcer);
  if (model.print) {
    const double rejected = balanced_live_share_below(scored(scene_score, true), model.threshold);
    std::vector<double> live_print;
    std::vector<std::string> groups;
    for (const auto& p : scored([&](size_t i) { return platt_probability(model.print->platt_a, model.print->platt_b, print_margin[i]); }, true))
      if (p.live) live_print.push_back(p.score), groups.push_back(p.source);
    model.print->platt_b += logit(model.threshold) - logit(balanced_threshold_at_bpcer(live_print, groups, rejected));
    model.threshold = choose_threshold(scored(frame_score, true), target_bpcer);
  }
  // The face head's own threshold is chosen as the frames' is: where its
  // held-out APCER and BPCER meet, every source weighing the same (or at the
  // target). Aligned to refuse a fixed 5% of its held-out live faces, the
  // retrained heads of 2026-12-07 let 37% of the replay crops through; to
  // refuse as many as the frame score does (16%), 13% (docs/liveness.md).
  model.face.platt_b += logit(model.threshold) - logit(choose_threshold(scored(face_score, false), target_bpcer));

  run.held_out.resize(images.size());
  std::vector<LivenessResult> frames, by_face(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    const double by_face_head = face_score(i);
    const double score = images[i].crop ? by_face_head : frame_score(i);
    run.held_out[i] = {score, images[i].live, samples[i].face_found};
    by_face[i] = {by_face_head, images[i].live, samples[i].face_found};
    if (!images[i].crop) frames.push_back(run.held_out[i]);
  }
  run.pooled = evaluate_liveness(run.held_out, model.threshold);
  model.calibration_floor = std::min(model.threshold, floor_at_apcer(frames, 0.10));

  run.sources = figures_by_source(images, run.held_out, model.threshold);
  run.face_sources = figures_by_source(images, by_face, model.threshold);
  std::tie(run.worst_source, run.worst_eer) = worst_by_eer(run.sources, false);
  std::tie(run.worst_frame_source, run.worst_frame_eer) = worst_by_eer(run.sources, true);
  run.worst_by_attack = worst_by_attack(run.sources);
  std::tie(run.worst_face_source, run.worst_face_eer) = worst_by_eer(run.face_sources, false);
  return run;
}

}  // namespace portier
