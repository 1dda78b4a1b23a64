// portier eval liveness: APCER, BPCER and ACER of the liveness model at the
// threshold the service would use, and its ROC.
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "app/command_context.h"
#include "app/liveness_setup.h"
#include "app/progress_bar.h"
#include "bench/liveness_metrics.h"
#include "bench/liveness_samples.h"
#include "bench/liveness_training_run.h"
#include "models/face_models.h"
#include "pipeline/stage_timings.h"

namespace portier {
namespace {

// APCER against BPCER, both 0..1 on linear axes, with the operating point.
void write_roc_png(const LivenessReport& r, const std::string& file) {
  constexpr int kSize = 480, kMargin = 50;
  cv::Mat canvas(kSize + 2 * kMargin, kSize + 2 * kMargin, CV_8UC3, cv::Scalar::all(255));
  auto at = [](double apcer, double bpcer) {
    return cv::Point(kMargin + static_cast<int>(bpcer * kSize), kMargin + kSize - static_cast<int>(apcer * kSize));
  };
  cv::rectangle(canvas, at(1, 0), at(0, 1), cv::Scalar::all(0));
  for (double g = 0.1; g < 1.0; g += 0.1) {
    cv::line(canvas, at(0, g), at(1, g), cv::Scalar::all(225));
    cv::line(canvas, at(g, 0), at(g, 1), cv::Scalar::all(225));
  }
  cv::line(canvas, at(0, 0), at(1, 1), cv::Scalar(200, 200, 255));  // APCER = BPCER
  for (size_t i = 1; i < r.roc.size(); ++i)
    cv::line(canvas, at(r.roc[i - 1].apcer, r.roc[i - 1].bpcer), at(r.roc[i].apcer, r.roc[i].bpcer),
             cv::Scalar(160, 60, 0), 2, cv::LINE_AA);
  cv::circle(canvas, at(r.apcer, r.bpcer), 6, cv::Scalar(0, 0, 220), 2, cv::LINE_AA);
  const auto font = cv::FONT_HERSHEY_SIMPLEX;
  cv::putText(canvas, "BPCER (live rejected)", {kMargin + 140, kSize + 2 * kMargin - 12}, font, 0.5, cv::Scalar::all(0));
  cv::putText(canvas, "APCER", {4, kMargin - 10}, font, 0.5, cv::Scalar::all(0));
  cv::putText(canvas, fmt::format("EER {:.3f}; o = threshold {:.3f}: APCER {:.3f}, BPCER {:.3f}", r.eer, r.threshold,
                                  r.apcer, r.bpcer),
              {kMargin, 30}, font, 0.45, cv::Scalar::all(0));
  if (!cv::imwrite(file, canvas)) throw CommandError(kExitFailure, "cannot write the ROC to " + file);
}

struct EvalArgs {
  std::string config, root, labels, roc, model;
  bool json = false, crops = false;
};

int eval_liveness(const EvalArgs& args) {
  const Config config = prepare(args.config);
  // --model: that file and its own threshold, as `liveness adapt --out` wrote it.
  const LivenessSetup liveness = args.model.empty() ? load_liveness(config, true) : load_liveness_file(config, args.model);
  // The still-image detector (up to a CNN pass on a miss): each image is
  // looked at once here, where a camera gives the door many frames.
  const auto detector = make_still_detector(config.models);
  LabelledSamples data;
  try {
    ProgressBar progress("scoring", 0);
    data = labelled_samples(args.root, args.labels, [&](const std::string&) { return args.crops; }, *detector,
                            *liveness.stem, {2, 0, 1},
                            [&](size_t total, const std::string& path) { progress.step(path, total); });
  } catch (const std::invalid_argument& e) {
    throw CommandError(kExitBadInput, e.what());
  }
  const auto& images = data.images;
  const auto& samples = data.samples;

  std::vector<LivenessResult> results;
  std::vector<double> ms;
  for (size_t i = 0; i < images.size(); ++i) {
    LivenessResult r{0.0, images[i].live, samples[i].face_found};
    if (r.face_found) {
      const auto start = std::chrono::steady_clock::now();
      r.score = liveness.model->score(samples[i].features);
      ms.push_back(samples[i].feature_ms + std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    results.push_back(r);
  }
  const auto report = evaluate_liveness(results, liveness.threshold);

  std::printf("images           %zu (%zu live, %zu spoof), %zu without a detected face%s\n", report.images, report.live,
              report.spoof, report.no_face, args.crops ? " (face crops: the face looked for inside, no surroundings)" : "");
  std::printf("threshold        %.4f (from the %s)\n", report.threshold, liveness.threshold_source.c_str());
  std::printf("APCER            %.4f  (attacks accepted as live)\n", report.apcer);
  std::printf("BPCER            %.4f  (live faces rejected, faces not found included)\n", report.bpcer);
  std::printf("ACER             %.4f\n", report.acer);
  std::printf("EER              %.4f\n", report.eer);
  std::printf("APCER @ BPCER 5%% %.4f, @ 1%% %.4f (threshold chosen on these images: what a calibration could reach)\n",
              report.apcer_at_bpcer_5, report.apcer_at_bpcer_1);
  std::printf("time per face    p50 %.2f ms, p95 %.2f ms (crops, features, score; not detection)\n", percentile(ms, 50),
              percentile(ms, 95));
  // Per capture source, when the labels name them: a mean over sources hides the one that fails.
  const auto by_source = figures_by_source(images, results, report.threshold);
  if (by_source.size() > 1) {
    std::printf("by source        %-30s %6s  APCER   BPCER   EER     | tracks of %d: APCER  BPCER\n", "", "images",
                kFramesPerTrack);
    for (const auto& s : by_source)
      std::printf("                 %-30s %6zu  %.4f  %.4f  %.4f  |               %.4f %.4f\n", s.source.c_str(),
                  s.at_threshold.images, s.at_threshold.apcer, s.at_threshold.bpcer, s.at_threshold.eer, s.tracks.apcer,
                  s.tracks.bpcer);
  }
  std::printf("ROC              threshold  APCER   BPCER\n");
  const size_t step = std::max<size_t>(1, report.roc.size() / 12);
  for (size_t i = 0; i < report.roc.size(); i += step)
    std::printf("                 %9.4f  %.4f  %.4f\n", report.roc[i].threshold, report.roc[i].apcer, report.roc[i].bpcer);
  if (!args.roc.empty()) {
    write_roc_png(report, args.roc);
    std::printf("ROC plot         %s\n", args.roc.c_str());
  }
  if (args.json) {
    const nlohmann::json out{{"images", report.images},
                             {"apcer", report.apcer},
                             {"bpcer", report.bpcer},
                             {"acer", report.acer},
                             {"threshold", report.threshold},
                             {"no_face", report.no_face},
                             {"eer", report.eer},
                             {"apcer_at_bpcer_5", report.apcer_at_bpcer_5},
                             {"apcer_at_bpcer_1", report.apcer_at_bpcer_1},
                             {"ms_per_face_p50", percentile(ms, 50)}};
    std::printf("%s\n", out.dump().c_str());
  }
  return kExitOk;
}

}  // namespace

void add_eval_liveness_command(CLI::App& eval, int& exit_code) {
  auto* cmd = eval.add_subcommand("liveness", "Liveness error rates (ISO/IEC 30107-3) over labelled images");
  auto args = std::make_shared<EvalArgs>();
  cmd->add_option("--config", args->config, "Config file");
  cmd->add_option("--root", args->root, "Folder the image paths are relative to")->required();
  cmd->add_flag("--json", args->json, "End stdout with one JSON object");
  cmd->add_flag("--crops", args->crops, "The images are face crops: no detection, the whole image is the face");
  cmd->add_option("--roc", args->roc, "Also draw the ROC into this PNG file");
  cmd->add_option("--model", args->model,
                  "Score with this model file (e.g. liveness adapt --out) and its own threshold, not the one in force");
  cmd->add_option("LABELS", args->labels, "CSV with columns path,label (live or spoof)")->required();
  cmd->callback([&exit_code, args] { exit_code = guarded([&] { return eval_liveness(*args); }); });
}

}  // namespace portier
