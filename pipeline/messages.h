// What moves through the queues. Each message is owned by exactly one stage
// at a time (std::unique_ptr through BoundedQueue); stages share nothing else.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/face_types.h"

namespace portier {

using Clock = std::chrono::steady_clock;

// capture -> detect
struct Frame {
  std::uint64_t seq = 0;  // consecutive over the frames that entered the pipeline
  cv::Mat bgr;
  Clock::time_point captured;
};

// detect -> track (detect runs on several workers, so these arrive out of order)
struct DetectedFrame {
  std::unique_ptr<Frame> frame;
  // Empty on the frames between two detections: the tracks' last boxes stand in.
  std::optional<std::vector<FaceBox>> faces;
};

// One face of one track, to be described and judged.
struct FaceSample {
  std::uint64_t track_id = 0;
  cv::Rect box;
  AlignedFace aligned;
  Embedding embedding{};
  std::optional<double> liveness;  // filled by the liveness stage; empty = not scored
  cv::Mat evidence;                // the face as the camera saw it, kept with a spoof event
  Clock::time_point track_started;
};

// track -> liveness -> embed -> decide: the faces of one frame that need a
// decision, and the tracks that left the scene before this frame.
struct FaceBatch {
  std::uint64_t frame_seq = 0;
  Clock::time_point captured;
  cv::Mat frame;  // read-only from capture on: liveness looks around each face
  std::vector<FaceSample> faces;
  std::vector<std::uint64_t> ended_tracks;
};

enum class Verdict { Granted, DeniedUnknown, DeniedSpoof, DeniedBackend, DeniedDisarmed, DeniedOther };

// decide -> act
struct Decision {
  std::uint64_t track_id = 0;
  Verdict verdict = Verdict::DeniedOther;
  std::optional<std::int64_t> user_id;
  std::optional<std::string> user_name;
  std::optional<float> distance;
  int frames_used = 0;
  std::optional<double> liveness;
  // The track had a live verdict (or liveness is off): a backend may grant it.
  bool liveness_passed = false;
  std::string reason;
  Embedding embedding{};  // of the deciding frame: what the backend is asked about
  cv::Mat evidence;       // the face: the spoof event's JPEG, the backend's optional crop
  bool decided_by_backend = false;
  bool offline = false;  // the backend was asked and did not answer: the device decided alone
  Clock::time_point captured;       // the frame that completed the decision
  Clock::time_point track_started;  // the track's first frame
};

// decide -> track (feedback): stop spending embeddings on a decided track.
struct TrackDecided {
  std::uint64_t track_id = 0;
  // granted or spoof: never look at the track again; denied: re-check now and then.
  enum { Granted, Denied, Spoof } outcome = Denied;
};

}  // namespace portier
