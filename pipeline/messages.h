// What moves through the queues. Each message is owned by exactly one stage
// at a time (std::unique_ptr through BoundedQueue); stages share nothing else.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "access/decision.h"
#include "hal/credential_reader.h"
#include "models/face_types.h"

namespace portier {

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

// One face of one track, to be described and judged: the policy's
// observation plus what the stages need to get there.
struct FaceSample : FaceObservation {
  cv::Rect box;
  AlignedFace aligned;
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

// decide -> track (feedback): stop spending embeddings on a decided track.
struct TrackDecided {
  std::uint64_t track_id = 0;
  // granted or spoof: never look at the track again; denied: re-check now and then.
  enum { Granted, Denied, Spoof } outcome = Denied;
};

// decide -> act and reader -> act: a face track's decision, a presented
// credential, or neither (a tick, so that a waiting credential expires on time).
struct ActInput {
  std::unique_ptr<Decision> face;
  std::optional<Credential> credential;
};

}  // namespace portier
