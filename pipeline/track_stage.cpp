#include "pipeline/track_stage.h"
#include "pipeline/stage_loop.h"

namespace portier {

void TrackStage::run() {
  for_each_item(in_, timings_, [&](std::unique_ptr<DetectedFrame> frame) {
    // Detect workers finish out of order; the tracker needs frame order.
    const auto seq = frame->frame->seq;
    reorder_.emplace(seq, std::move(frame));
    for (auto it = reorder_.find(next_seq_); it != reorder_.end(); it = reorder_.find(next_seq_)) {
      handle(*it->second);
      reorder_.erase(it);
      ++next_seq_;
    }
  });
  // End of stream: whatever is left (only after an abort) goes in order, then
  // every track ends so the decide stage forgets them.
  for (auto& [seq, frame] : reorder_) handle(*frame);
  auto last = std::make_unique<FaceBatch>();
  last->ended_tracks = tracker_.end_all();
  if (!last->ended_tracks.empty()) out_.push(std::move(last));
  out_.producer_done();
}

void TrackStage::take_feedback() {
  while (auto decided = decided_.try_pop()) {
    auto it = tracks_.find(decided->track_id);
    if (it != tracks_.end())
      it->second.status = decided->outcome == TrackDecided::Denied    ? TrackState::Denied
                          : decided->outcome == TrackDecided::Granted ? TrackState::Granted
                                                                      : TrackState::Spoof;
  }
}

void TrackStage::maybe_reopen() {
  const auto wanted = fresh_faces_.load(std::memory_order_acquire);
  if (wanted == fresh_faces_seen_) return;
  fresh_faces_seen_ = wanted;
  for (auto& [id, track] : tracks_) {
    if (track.status == TrackState::Spoof) continue;  // a photo stays a photo
    track.status = TrackState::Undecided;
    track.since_embedding = options_.embed_every;  // due at once
  }
}

void TrackStage::handle(DetectedFrame& detected) {
  take_feedback();
  maybe_reopen();
  const Frame& frame = *detected.frame;
  frame_latency_.add(std::chrono::duration<double, std::milli>(Clock::now() - frame.captured).count());
  std::vector<cv::Rect> boxes;
  TrackUpdate update;
  if (detected.faces) {
    for (const auto& face : *detected.faces) boxes.push_back(face.rect);
    update = tracker_.update(boxes);
  } else {
    // Between detections a face moves a few pixels; the landmark predictor
    // re-fits the eyes and nose inside the last box, so the chip stays aligned.
    for (const auto& [id, box] : tracker_.current()) {
      boxes.push_back(box);
      update.faces.push_back({id, false});
    }
  }

  if (live_.watched()) {
    std::vector<std::pair<std::uint64_t, cv::Rect>> in_view;
    for (size_t i = 0; i < boxes.size(); ++i) in_view.emplace_back(update.faces[i].track_id, boxes[i]);
    live_.offer(frame.seq, frame.bgr, in_view);
  }

  auto batch = std::make_unique<FaceBatch>();
  batch->frame_seq = frame.seq;
  batch->captured = frame.captured;
  batch->frame = frame.bgr;  // shared read-only: no stage writes to a captured frame
  batch->ended_tracks = update.ended;
  for (auto id : update.ended) tracks_.erase(id);

  for (size_t i = 0; i < boxes.size(); ++i) {
    const auto [id, is_new] = update.faces[i];
    auto& track = tracks_[id];
    if (is_new) track.started = frame.captured;
    const int every = track.status == TrackState::Undecided ? options_.embed_every : options_.recheck_every;
    const bool due = is_new || ++track.since_embedding >= every;
    if (track.status == TrackState::Granted || track.status == TrackState::Spoof || !due) continue;
    // A frame that went through the detector reached us a detection later
    // than a tracked one: a known face waits for the next tracked frame, so
    // the frame that completes a decision is rarely the slow kind.
    if (!is_new && detected.faces && options_.detect_every > 1) continue;
    track.since_embedding = 0;
    FaceSample& sample = batch->faces.emplace_back();
    sample.track_id = id;
    sample.track_started = track.started;
    sample.box = boxes[i];
    sample.aligned = aligner_.align(frame.bgr, boxes[i]);
  }
  if (!batch->faces.empty() || !batch->ended_tracks.empty()) out_.push(std::move(batch));
  progress_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace portier
