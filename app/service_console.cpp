#include "app/service_console.h"

#include <thread>

#include "models/image_io.h"

namespace portier {
namespace {

// Up to `count` frames of the live view that `keep` accepts, each kept frame
// `gap` after the one before, for at most `give_up`. While this looks, the
// pipeline publishes frames (watch); the guard stops that however it returns.
template <typename Keep>
std::vector<LiveFrame> collect_frames(LiveView& live, size_t count, std::chrono::milliseconds gap,
                                      std::chrono::milliseconds give_up, Keep keep) {
  struct Watching {
    LiveView& live;
    explicit Watching(LiveView& l) : live(l) { live.watch(); }
    ~Watching() { live.unwatch(); }
  } watching(live);
  std::vector<LiveFrame> kept;
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t seq = 0;
  while (kept.size() < count && std::chrono::steady_clock::now() - start < give_up) {
    auto frame = live.newest(seq);
    if (!frame) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    seq = frame->seq;
    if (!keep(*frame)) continue;
    kept.push_back(std::move(*frame));
    if (kept.size() < count) std::this_thread::sleep_for(gap);
  }
  return kept;
}

}  // namespace

ConsoleStatus ServiceConsole::status() {
  ConsoleStatus s;
  s.device_id = parts_.device_id;
  s.version = parts_.version;
  s.mode = parts_.mode();
  s.face_access_armed = parts_.armed();
  s.door_open = parts_.door_open();
  s.unlocked = parts_.unlocked && parts_.unlocked();
  parts_.counters(s.captured, s.dropped, s.decisions, s.granted);
  const auto now = std::chrono::steady_clock::now();
  s.uptime_s = std::chrono::duration<double>(now - started_).count();
  {
    // Frames per second over the time since the last look (at least a second).
    std::lock_guard lock(mutex_);
    const double since = std::chrono::duration<double>(now - rate_at_).count();
    if (rate_at_ == std::chrono::steady_clock::time_point{}) {
      fps_ = s.uptime_s > 0 ? static_cast<double>(s.captured) / s.uptime_s : 0;
      rate_at_ = now, rate_captured_ = s.captured;
    } else if (since >= 1.0) {
      fps_ = static_cast<double>(s.captured - rate_captured_) / since;
      rate_at_ = now, rate_captured_ = s.captured;
    }
    s.fps = fps_;
  }
  if (parts_.checks) {
    std::lock_guard lock(mutex_);
    if (checked_at_ == std::chrono::steady_clock::time_point{} || now - checked_at_ > std::chrono::minutes(5)) {
      checks_ = parts_.checks();
      checked_at_ = now;
    }
    s.checks = checks_;
  }
  if (parts_.links) parts_.links(s);
  if (parts_.recent) s.recent = parts_.recent->newest_first();
  return s;
}

void ServiceConsole::watch(bool on) {
  if (encoder_) encoder_->watch(on);
}

// Drawn and encoded on the encoder's thread, never the pipeline's, once for
// every viewer.
std::optional<std::pair<std::uint64_t, std::string>> ServiceConsole::live_jpeg(std::uint64_t after) {
  if (!encoder_) return std::nullopt;
  auto jpeg = encoder_->newest(after);
  if (!jpeg) return std::nullopt;
  return std::make_pair(jpeg->first, *jpeg->second);
}

namespace {
EnrolResult failed(std::string why) {
  EnrolResult r;
  r.error = std::move(why);
  return r;
}
}  // namespace

std::optional<std::string> ServiceConsole::remove_user(const std::string& name) {
  if (!parts_.remove_user) return "users cannot be changed here";
  return parts_.remove_user(name);
}

EnrolResult ServiceConsole::enrol(const std::string& name, const std::vector<UploadedPhoto>& photos) {
  if (!parts_.enrol) return failed("enrolment is not available here");
  std::vector<std::string> sources;
  for (const auto& p : photos) sources.push_back(p.filename.empty() ? "photo" : p.filename);
  return parts_.enrol(name, sources, [&](size_t i) { return decode_bgr_image(photos[i].bytes, sources[i]); });
}

EnrolResult ServiceConsole::enrol_from_camera(const std::string& name) {
  if (!parts_.enrol || !parts_.live) return failed("enrolment from the camera is not available here");
  // Four frames 0.4 s apart: the person moves a little between them, so the
  // samples differ as the visits to come will.
  const auto frames = collect_frames(*parts_.live, 4, std::chrono::milliseconds(400), std::chrono::seconds(4),
                                     [](const LiveFrame&) { return true; });
  if (frames.empty()) return failed("no frame came from the camera in 4 s: see the status page");
  std::vector<std::string> sources;
  for (size_t i = 0; i < frames.size(); ++i) sources.push_back("camera frame " + std::to_string(i + 1));
  // The frames are shared with the pipeline, read-only: the check does not write.
  return parts_.enrol(name, sources, [&](size_t i) -> std::variant<cv::Mat, std::string> { return frames[i].bgr; });
}

CalibrationResult ServiceConsole::calibrate_liveness() {
  if (!parts_.calibrate || !parts_.live) return {false, "liveness calibration is not available here"};
  // The frames with exactly one face (whose face it is would otherwise be a
  // guess), 0.2 s apart, up to 40 of them or 20 s.
  const auto frames = collect_frames(*parts_.live, 40, std::chrono::milliseconds(200), std::chrono::seconds(20),
                                     [](const LiveFrame& f) { return f.faces.size() == 1; });
  std::vector<std::pair<cv::Mat, cv::Rect>> faces;
  for (const auto& f : frames) faces.emplace_back(f.bgr, f.faces.front().box);
  return parts_.calibrate(faces);
}

}  // namespace portier
