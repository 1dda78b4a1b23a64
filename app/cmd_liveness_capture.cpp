// portier liveness capture: the guided capture that `liveness adapt` learns
// from. The installer is asked, in turn, for live faces at the door, a
// printed photo and a phone showing a face; the frames with exactly one face
// are kept with a labels file. It refuses to finish without both classes.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>

#include "app/command_context.h"
#include "app/frame_source.h"
#include "hal/camera.h"
#include "models/face_models.h"

namespace portier {
namespace {

struct CaptureArgs {
  std::string config, source, out;
  int frames = 40;
  int timeout_s = 120;
};

struct Step {
  const char* prompt;
  const char* label;  // live or spoof
  const char* name;   // file name prefix
};

// What the installer is asked for, in order.
constexpr Step kSteps[] = {
    {"Stand at the door about a metre from the camera, look at it and move a little (turn, nod, step closer).",
     "live", "live"},
    {"Hold up a printed photo of a face (a person's, ideally someone who uses this door) in front of the camera, "
     "moving it a little; nobody else in view.",
     "spoof", "print"},
    {"Hold up a phone showing a face (a photo or a video) in front of the camera, moving it a little; nobody else "
     "in view.",
     "spoof", "phone"},
};

// Asks and waits for Enter (or the next line of stdin, when it is not a terminal).
void ask(const Step& step, int index, int frames) {
  std::fprintf(stderr, "step %d of %zu: %s\n  %d frames will be taken. Press Enter to start.\n", index,
               std::size(kSteps), step.prompt, frames);
  std::string line;
  std::getline(std::cin, line);
}

// Up to `frames` frames with exactly one face, saved as DIR/<label>/<name>-NNN.jpg.
std::vector<std::string> take(Camera& camera, FaceDetector& detector, const Step& step, const CaptureArgs& args) {
  const std::filesystem::path folder = std::filesystem::path(args.out) / step.label;
  std::filesystem::create_directories(folder);
  std::vector<std::string> saved;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.timeout_s);
  // From a camera, frames a quarter of a second apart differ as visits do.
  const auto gap = camera.realtime() ? std::chrono::milliseconds(250) : std::chrono::milliseconds(0);
  auto last = std::chrono::steady_clock::time_point{};
  while (static_cast<int>(saved.size()) < args.frames && std::chrono::steady_clock::now() < deadline) {
    const auto frame = camera.read();
    if (!frame) break;
    if (frame->captured - last < gap) continue;
    if (detector.detect(frame->bgr).size() != 1) continue;
    last = frame->captured;
    const std::string name = fmt::format("{}/{}-{:03}.jpg", step.label, step.name, saved.size() + 1);
    if (!cv::imwrite((std::filesystem::path(args.out) / name).string(), frame->bgr))
      throw CommandError(kExitFailure, "cannot write " + (std::filesystem::path(args.out) / name).string());
    saved.push_back(name);
  }
  std::fprintf(stderr, "  %zu frames with one face kept\n", saved.size());
  return saved;
}

int capture(const CaptureArgs& args) {
  const Config config = prepare(args.config, ModelCheck::FaceModelsOnly);
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(args.out) / "labels.csv", ec))
    throw CommandError(kExitBadInput, args.out + " holds a capture already (labels.csv): name another folder");
  const std::string source = args.source.empty() ? config.camera_source : args.source;
  auto camera = open_unpaced_source(config, source);
  const auto detector = make_face_detector(config.models);

  std::vector<std::pair<std::string, const char*>> rows;
  size_t live = 0, spoof = 0;
  int index = 0;
  for (const auto& step : kSteps) {
    ask(step, ++index, args.frames);
    for (auto& name : take(*camera, *detector, step, args)) {
      rows.emplace_back(std::move(name), step.label);
      (std::string(step.label) == "live" ? live : spoof) += 1;
    }
  }
  if (live < 10 || spoof < 10)
    throw CommandError(kExitFailure, fmt::format("{} live frames and {} attack frames with one face were taken: a site "
                                                 "model needs at least 10 of each; capture again",
                                                 live, spoof));
  const auto labels = std::filesystem::path(args.out) / "labels.csv";
  std::ofstream out(labels);
  out << "path,label\n";
  for (const auto& [path, label] : rows) out << path << ',' << label << '\n';
  if (!out.flush()) throw CommandError(kExitFailure, "cannot write " + labels.string());
  std::printf("captured          %zu live and %zu attack frames in %s\n", live, spoof, args.out.c_str());
  std::printf("next              portier liveness adapt --root %s %s\n", args.out.c_str(), labels.c_str());
  return kExitOk;
}

}  // namespace

void add_liveness_capture_command(CLI::App& liveness, int& exit_code) {
  auto* c = liveness.add_subcommand(
      "capture", "Guided capture for 'liveness adapt': live faces at the door, then a printed photo, then a phone");
  auto args = std::make_shared<CaptureArgs>();
  c->add_option("--config", args->config, "Config file");
  c->add_option("--source", args->source, "Frame source (default: camera.source)");
  c->add_option("--frames", args->frames, "Frames with one face to take at each step")
      ->check(CLI::Range(5, 1000))
      ->capture_default_str();
  c->add_option("--timeout", args->timeout_s, "Give up on a step after this many seconds")
      ->check(CLI::Range(5, 3600))
      ->capture_default_str();
  c->add_option("--out", args->out, "Folder to write the frames and labels.csv into")->required();
  c->callback([&exit_code, args] { exit_code = guarded([&] { return capture(*args); }); });
}

}  // namespace portier
