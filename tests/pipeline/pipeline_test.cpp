// The pipeline wired end to end with scripted models: fast and deterministic,
// so that the threads, queues, drop policy and shutdown are what is tested
// (and what ThreadSanitizer watches). The real models are tested in
// tests/models and tests/app.
#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <mutex>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "hal/simulated_relay.h"
#include "tests/fakes/paint_models.h"
#include "tests/fakes/recording_indicator.h"
#include "tests/fakes/recording_sink.h"
#include "tests/fakes/scripted_reader.h"
#include "tests/fakes/scripted_verifier.h"
#include "tests/test_support.h"

namespace portier {
namespace {

using namespace test;  // the fakes

PipelineOptions test_options() {
  PipelineOptions o;
  o.queue_capacity = 2;
  o.detect_workers = 2;
  o.detect_every = 3;
  o.tracking.embed_every = 1;
  o.tracking.recheck_every = 3;
  o.tracking.tracker.max_missed = 2;
  o.decision.threshold = 0.5f;
  o.decision.grant_frames = 3;
  o.decision.deny_frames = 4;
  o.decision.max_frames = 12;
  o.device_id = "test";
  return o;
}

PipelineModels paint_models(std::chrono::microseconds detect_cost = {}, bool embedder_fails = false) {
  return {std::make_unique<PaintDetector>(detect_cost), std::make_unique<PaintAligner>(),
          std::make_unique<PaintEmbedder>(embedder_fails), nullptr};
}

EmbeddingIndex alice_enrolled() {
  EmbeddingIndex index;
  index.add(1, "alice", one_hot(1));
  return index;
}

const cv::Rect kLeft(20, 40, 80, 80), kRight(200, 40, 80, 80);

std::vector<Scene> repeat(const Scene& scene, int n) { return std::vector<Scene>(static_cast<size_t>(n), scene); }

struct Run {
  PipelineReport report;
  std::vector<AccessEvent> events;
  std::vector<SimulatedRelay::Pulse> pulses;
  std::vector<AlertEvent> alerts;
};

Run run_to_end(std::unique_ptr<Camera> camera, PipelineModels models = paint_models(),
               PipelineOptions options = test_options()) {
  SimulatedRelay relay;
  RecordingSink sink;
  Pipeline pipeline(options, std::move(models), std::move(camera), alice_enrolled(), nullptr, relay, sink);
  pipeline.start();
  pipeline.wait();
  return {pipeline.report(), sink.events(), relay.pulses(), sink.alerts()};
}

PipelineModels paint_models_with_liveness() {
  auto models = paint_models();
  models.liveness = std::make_unique<PaintLiveness>();
  return models;
}

PipelineOptions liveness_options() {
  auto o = test_options();
  o.decision.liveness_threshold = 0.5;
  o.decision.liveness_frames = 3;
  o.decision.liveness_min_frames = 3;
  return o;
}

size_t count(const std::vector<AccessEvent>& events, Verdict v) {
  return static_cast<size_t>(std::count_if(events.begin(), events.end(), [&](const auto& e) { return e.result == v; }));
}

TEST(Pipeline, GrantsTheEnrolledAndDeniesTheUnknown) {
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({{1, kLeft}, {2, kRight}}, 20), false));
  EXPECT_TRUE(run.report.failure.empty()) << run.report.failure;
  ASSERT_EQ(count(run.events, Verdict::Granted), 1u);
  EXPECT_EQ(count(run.events, Verdict::DeniedUnknown), 1u);
  EXPECT_EQ(run.events.size(), 2u);
  const auto granted = *std::find_if(run.events.begin(), run.events.end(),
                                     [](const auto& e) { return e.result == Verdict::Granted; });
  EXPECT_EQ(granted.user_name, "alice");
  EXPECT_EQ(granted.frames_used, 3);
  EXPECT_EQ(granted.device_id, "test");
  EXPECT_GE(granted.latency_ms, 0.0);
  EXPECT_EQ(run.pulses.size(), 1u) << "one relay pulse per grant";
}

TEST(Pipeline, APersonInViewIsGrantedOnceAndAgainAfterLeaving) {
  std::vector<Scene> scenes = repeat({{1, kLeft}}, 10);
  for (const auto& s : repeat({}, 12)) scenes.push_back(s);  // missed by more than max_missed detections
  for (const auto& s : repeat({{1, kLeft}}, 10)) scenes.push_back(s);
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(scenes, false));
  EXPECT_EQ(count(run.events, Verdict::Granted), 2u);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_NE(run.events[0].track_id, run.events[1].track_id);
}

TEST(Pipeline, BetweenDetectionsFacesAreTrackedAndStillDecided) {
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto options = test_options();
  options.detect_every = 3;
  PipelineModels models{std::make_unique<PaintDetector>(std::chrono::microseconds{}, calls),
                        std::make_unique<PaintAligner>(), std::make_unique<PaintEmbedder>(), nullptr};
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 30), false), std::move(models), options);
  EXPECT_EQ(calls->load(), 10) << "the detector ran on every third frame only";
  EXPECT_EQ(run.report.processed, 30u);
  ASSERT_EQ(count(run.events, Verdict::Granted), 1u);
  EXPECT_EQ(run.events[0].frames_used, 3);
}

TEST(Pipeline, LosslessSourceFeedsEveryFrame) {
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 60), false),
                              paint_models(std::chrono::milliseconds(2)));
  EXPECT_EQ(run.report.captured, 60u);
  EXPECT_EQ(run.report.dropped, 0u);
  EXPECT_EQ(run.report.processed, 60u);
}

TEST(Pipeline, RealtimeSourceDropsWhenDetectionFallsBehind) {
  // A frame every 1 ms, detection 100 ms on every frame on two workers: most
  // frames must go. The margin is wide on purpose: under ThreadSanitizer on a
  // loaded two-core machine a 1 ms sleep can take several, and half the frames
  // would still have to go unless a frame took 25 ms to capture (measured: 9).
  auto options = test_options();
  options.detect_every = 1;
  const auto run = run_to_end(
      std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 400), true, std::chrono::milliseconds(1)),
      paint_models(std::chrono::milliseconds(100)), options);
  EXPECT_EQ(run.report.captured, 400u);
  EXPECT_GT(run.report.dropped, 200u) << "processed " << run.report.processed;
  EXPECT_EQ(run.report.processed + run.report.dropped, run.report.captured) << "every frame processed or counted";
  EXPECT_EQ(count(run.events, Verdict::Granted), 1u) << "dropping frames still decides";
}

TEST(Pipeline, StopDrainsWhatIsInFlightAndActsOnIt) {
  SimulatedRelay relay;
  RecordingSink sink;
  Pipeline pipeline(test_options(), paint_models(std::chrono::milliseconds(1)),
                    std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 100000), true, std::chrono::milliseconds(1)),
                    alice_enrolled(), nullptr, relay, sink);
  pipeline.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(pipeline.running());
  pipeline.request_stop();
  pipeline.wait();
  EXPECT_FALSE(pipeline.running());
  const auto report = pipeline.report();
  EXPECT_LT(report.captured, 100000u);
  EXPECT_EQ(report.processed + report.dropped, report.captured) << "frames in flight were processed, not lost";
  EXPECT_EQ(count(sink.events(), Verdict::Granted), 1u);
  EXPECT_EQ(relay.pulses().size(), 1u);
}

TEST(Pipeline, AFailingStageStopsEverythingAndSaysWhy) {
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 1000), false),
                              paint_models({}, true));
  EXPECT_NE(run.report.failure.find("embedder exploded"), std::string::npos) << run.report.failure;
  EXPECT_TRUE(run.events.empty());
}

TEST(Pipeline, EmptyGalleryDeniesEveryone) {
  SimulatedRelay relay;
  RecordingSink sink;
  Pipeline pipeline(test_options(), paint_models(), std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 10), false),
                    EmbeddingIndex{}, nullptr, relay, sink);
  pipeline.start();
  pipeline.wait();
  const auto events = sink.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, Verdict::DeniedUnknown);
  EXPECT_TRUE(relay.pulses().empty());
}

TEST(Pipeline, PicksUpANewEnrolmentWithoutRestarting) {
  SimulatedRelay relay;
  RecordingSink sink;
  std::atomic<int> calls{0};
  GalleryRefresh refresh = [&]() -> std::optional<EmbeddingIndex> {
    if (calls.fetch_add(1) != 0) return std::nullopt;
    EmbeddingIndex index;
    index.add(2, "bob", one_hot(2));
    return index;
  };
  // Bob stands there for ~1.6 s; the gallery is polled once a second.
  Pipeline pipeline(test_options(), paint_models(),
                    std::make_unique<ScriptedCamera>(repeat({{2, kLeft}}, 400), true, std::chrono::milliseconds(4)),
                    alice_enrolled(), refresh, relay, sink);
  pipeline.start();
  pipeline.wait();
  const auto events = sink.events();
  ASSERT_GE(calls.load(), 1);
  ASSERT_EQ(count(events, Verdict::Granted), 1u);
  EXPECT_EQ(std::find_if(events.begin(), events.end(), [](auto& e) { return e.result == Verdict::Granted; })->user_name,
            "bob");
}

TEST(PipelineLiveness, ALiveEnrolledFaceIsGrantedWithItsScore) {
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 20), false),
                              paint_models_with_liveness(), liveness_options());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
  ASSERT_TRUE(run.events[0].liveness_score);
  EXPECT_NEAR(*run.events[0].liveness_score, 0.95, 1e-9);
  EXPECT_EQ(run.pulses.size(), 1u);
}

TEST(PipelineLiveness, APhotoOfAnEnrolledUserIsDeniedAlertedAndKept) {
  test::TempDir dir;
  auto options = liveness_options();
  options.evidence_dir = dir / "evidence";
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({{-1, kLeft}, {2, kRight}}, 20), false),
                              paint_models_with_liveness(), options);
  EXPECT_TRUE(run.pulses.empty()) << "the photo must not open the door";
  ASSERT_EQ(count(run.events, Verdict::DeniedSpoof), 1u);
  EXPECT_EQ(count(run.events, Verdict::DeniedUnknown), 1u) << "the live stranger beside it is judged as usual";
  const auto spoof = *std::find_if(run.events.begin(), run.events.end(),
                                   [](const auto& e) { return e.result == Verdict::DeniedSpoof; });
  EXPECT_EQ(spoof.user_name, "alice") << "whom the photo shows";
  ASSERT_TRUE(spoof.evidence);
  EXPECT_TRUE(std::filesystem::exists(*spoof.evidence));
  EXPECT_GT(std::filesystem::file_size(*spoof.evidence), 100u);
  ASSERT_EQ(run.alerts.size(), 1u);
  EXPECT_EQ(run.alerts[0].alert, "spoof_suspected");
  EXPECT_EQ(run.alerts[0].access_event_id, spoof.id);
}

TEST(PipelineLiveness, ASpoofTrackStopsCostingEmbeddings) {
  // Embeddings are counted through the track stage's work: a spoof track is
  // judged on liveness_min_frames frames, then dropped from judging. The
  // camera holds 40 of the 60 frames back until the spoof was decided, so
  // the feedback has been given before they arrive, however slow the machine.
  auto calls = std::make_shared<std::atomic<int>>(0);
  class CountingEmbedder final : public FaceEmbedder {
   public:
    explicit CountingEmbedder(std::shared_ptr<std::atomic<int>> n) : n_(std::move(n)) {}
    std::vector<Embedding> embed(const std::vector<cv::Mat>& chips) override {
      n_->fetch_add(static_cast<int>(chips.size()));
      return PaintEmbedder().embed(chips);
    }

   private:
    std::shared_ptr<std::atomic<int>> n_;
  };
  auto models = paint_models_with_liveness();
  models.embedder = std::make_unique<CountingEmbedder>(calls);
  SimulatedRelay relay;
  RecordingSink sink;
  auto camera = std::make_unique<GatedCamera>(repeat({{-1, kLeft}}, 60), 20, [&sink] {
    const auto events = sink.events();
    return std::any_of(events.begin(), events.end(), [](const auto& e) { return e.result == Verdict::DeniedSpoof; });
  });
  Pipeline pipeline(liveness_options(), std::move(models), std::move(camera), alice_enrolled(), nullptr, relay, sink);
  pipeline.start();
  pipeline.wait();
  ASSERT_EQ(count(sink.events(), Verdict::DeniedSpoof), 1u);
  EXPECT_LE(calls->load(), 20) << "the 40 frames after the spoof decision cost no embedding";
  EXPECT_GE(calls->load(), 3) << "judged on liveness_min_frames frames";
}


Run run_with_links(const std::vector<Scene>& scenes, ActLinks links, PipelineModels models = paint_models(),
                   PipelineOptions options = test_options()) {
  SimulatedRelay relay;
  RecordingSink sink;
  Pipeline pipeline(options, std::move(models), std::make_unique<ScriptedCamera>(scenes, false), alice_enrolled(), nullptr,
                    relay, sink, nullptr, links);
  pipeline.start();
  pipeline.wait();
  return {pipeline.report(), sink.events(), relay.pulses(), sink.alerts()};
}

TEST(PipelineBackendMode, TheBackendCanGrantAFaceTheDeviceDoesNotKnow) {
  ScriptedVerifier backend(RemoteVerdict{true, 77, "bob-from-backend", "valid badge"});
  const auto run = run_with_links(repeat({{2, kLeft}}, 20), {&backend, nullptr, {}, {}});
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
  EXPECT_EQ(run.events[0].user_name, "bob-from-backend");
  EXPECT_EQ(run.events[0].decided_by, "backend");
  EXPECT_FALSE(run.events[0].offline);
  EXPECT_EQ(backend.asked(), std::vector<Verdict>{Verdict::DeniedUnknown}) << "asked with the local verdict";
  EXPECT_EQ(run.pulses.size(), 1u);
}

TEST(PipelineBackendMode, TheBackendCanRefuseWhomTheDeviceWouldLetIn) {
  ScriptedVerifier backend(RemoteVerdict{false, std::nullopt, std::nullopt, "access revoked"});
  const auto run = run_with_links(repeat({{1, kLeft}}, 20), {&backend, nullptr, {}, {}});
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::DeniedBackend);
  EXPECT_NE(run.events[0].reason.find("access revoked"), std::string::npos);
  EXPECT_TRUE(run.pulses.empty());
}

TEST(PipelineBackendMode, WithoutAnAnswerTheDeviceDecidesAloneAndSaysSo) {
  ScriptedVerifier backend(std::string("connection refused"));
  const auto run = run_with_links(repeat({{1, kLeft}}, 20), {&backend, nullptr, {}, {}});
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
  EXPECT_TRUE(run.events[0].offline);
  EXPECT_EQ(run.events[0].decided_by, "local");
  EXPECT_EQ(run.pulses.size(), 1u);
}

TEST(PipelineBackendMode, NeitherABackendGrantNorAnyoneElseOverridesASpoof) {
  ScriptedVerifier backend(RemoteVerdict{true, 1, "alice", ""});
  const auto run = run_with_links(repeat({{-1, kLeft}}, 20), {&backend, nullptr, {}, {}}, paint_models_with_liveness(),
                                  liveness_options());
  ASSERT_EQ(count(run.events, Verdict::DeniedSpoof), 1u);
  EXPECT_TRUE(backend.asked().empty()) << "a spoof is not put to the backend";
  EXPECT_TRUE(run.pulses.empty());
}

TEST(PipelineBackendMode, ADisarmedGateKeepsTheDoorShutOnAGrant) {
  AccessGate gate(false);
  const auto run = run_with_links(repeat({{1, kLeft}}, 20), {nullptr, &gate, {}, {}});
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::DeniedDisarmed);
  EXPECT_EQ(run.events[0].user_name, "alice") << "recognised and reported all the same";
  EXPECT_TRUE(run.pulses.empty());
}

TEST(PipelineRecord, EachDecisionIsRecordedWithAThumbnailOfTheFace) {
  std::mutex mutex;
  std::vector<std::pair<std::string, cv::Mat>> recorded;  // (event id, decoded thumbnail)
  ActLinks links;
  links.record = [&](const AccessEvent& event, std::string_view jpeg) {
    const cv::Mat bytes(1, static_cast<int>(jpeg.size()), CV_8UC1, const_cast<char*>(jpeg.data()));
    std::lock_guard lock(mutex);
    recorded.emplace_back(event.id, jpeg.empty() ? cv::Mat() : cv::imdecode(bytes, cv::IMREAD_COLOR));
  };
  auto scenes = repeat({{1, kLeft}}, 20);
  for (const auto& s : repeat({}, 10)) scenes.push_back(s);  // alice leaves
  for (const auto& s : repeat({{2, kLeft}}, 20)) scenes.push_back(s);  // a stranger comes
  const auto run = run_with_links(scenes, links);
  ASSERT_EQ(run.events.size(), 2u);
  ASSERT_EQ(recorded.size(), 2u) << "the granted and the denied alike";
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(recorded[i].first, run.events[i].id);
    ASSERT_FALSE(recorded[i].second.empty()) << "a JPEG the log page can show";
    EXPECT_LE(std::max(recorded[i].second.cols, recorded[i].second.rows), 160) << "a thumbnail";
  }
}

AccessDirectory alice_and_bob_with_cards() {
  AccessDirectory d;
  d.faces.add(1, "alice", one_hot(1));
  d.faces.add(2, "bob", one_hot(2));
  d.cards.add("1001", {1, "alice", {}});
  d.cards.add("2002", {2, "bob", {}});
  return d;
}

PipelineOptions card_and_face(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto o = test_options();
  o.access.mode = VerificationMode::CardAndFace;
  o.access.auth_timeout = timeout;
  o.access.card_face_fixed_threshold = 0.5f;
  return o;
}

Run run_with_reader(const std::vector<Scene>& scenes, ScriptedReader& reader, PipelineOptions options) {
  SimulatedRelay relay;
  RecordingSink sink;
  ActLinks links;
  links.readers = {&reader};
  links.directory = [] { return std::optional(alice_and_bob_with_cards()); };
  Pipeline pipeline(options, paint_models(), std::make_unique<ScriptedCamera>(scenes, false, std::chrono::milliseconds(10)),
                    alice_enrolled(), nullptr, relay, sink, nullptr, links);
  pipeline.start();
  pipeline.wait();
  return {pipeline.report(), sink.events(), relay.pulses(), sink.alerts()};
}

TEST(PipelineCardAndFace, TheHoldersCardWhileTheyAreInViewOpensOnce) {
  ScriptedReader reader({card_at(std::chrono::milliseconds(400), "1001")});
  const auto run = run_with_reader(repeat({{1, kLeft}}, 80), reader, card_and_face());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
  EXPECT_EQ(run.events[0].credentials, (std::vector<std::string>{"card", "face"}));
  EXPECT_EQ(run.events[0].mode, "card+face");
  EXPECT_EQ(run.events[0].card, "**01") << "masked in events by default";
  EXPECT_EQ(run.events[0].user_name, "alice");
  EXPECT_EQ(run.pulses.size(), 1u);
}


TEST(PipelineCardAndFace, TheVisitorIsShownWhatIsAwaitedThenTheOutcome) {
  ScriptedReader reader({card_at(std::chrono::milliseconds(400), "1001")});
  SimulatedRelay relay;
  RecordingSink sink;
  RecordingIndicator indicator;
  ActLinks links;
  links.readers = {&reader};
  links.directory = [] { return std::optional(alice_and_bob_with_cards()); };
  Pipeline pipeline(card_and_face(), paint_models(),
                    std::make_unique<ScriptedCamera>(repeat({{1, kLeft}}, 80), false, std::chrono::milliseconds(10)),
                    alice_enrolled(), nullptr, relay, sink, &indicator, links);
  pipeline.start();
  pipeline.wait();
  EXPECT_EQ(indicator.seen(), (std::vector<std::string>{"show card for 10000 ms", "granted"}))
      << "her face is seen first: the door asks for the card, then opens";
}

TEST(PipelineCardAndFace, AnotherUsersCardIsTheWrongFaceAndTheDoorStaysShut) {
  ScriptedReader reader({card_at(std::chrono::milliseconds(400), "2002")});
  const auto run = run_with_reader(repeat({{1, kLeft}}, 80), reader, card_and_face());
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::DeniedWrongFaceForCard);
  EXPECT_EQ(run.events[0].user_name, "bob");
  EXPECT_TRUE(run.pulses.empty());
}

TEST(PipelineCardAndFace, NoCardNoGrantAndTheFaceTimesOut) {
  ScriptedReader reader({});
  const auto run = run_with_reader(repeat({{1, kLeft}}, 60), reader, card_and_face(std::chrono::milliseconds(200)));
  ASSERT_GE(run.events.size(), 1u);
  for (const auto& e : run.events) EXPECT_EQ(e.result, Verdict::DeniedSecondFactorTimeout);
  EXPECT_TRUE(run.pulses.empty());
}

TEST(PipelineCardAndFace, ACardLongAfterTheFaceWasDecidedHasItJudgedAfresh) {
  // alice's face is decided within a few frames and waits 200 ms for a card
  // in vain; the card comes at 500 ms while she is still there: her track is
  // judged again and the door opens, without her stepping out and back.
  ScriptedReader reader({card_at(std::chrono::milliseconds(500), "1001")});
  const auto run = run_with_reader(repeat({{1, kLeft}}, 100), reader, card_and_face(std::chrono::milliseconds(200)));
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].result, Verdict::DeniedSecondFactorTimeout);
  EXPECT_EQ(run.events[1].result, Verdict::Granted);
  EXPECT_EQ(run.events[1].credentials, (std::vector<std::string>{"card", "face"}));
  EXPECT_EQ(run.pulses.size(), 1u);
}

TEST(PipelineCardMode, ACardOpensWithNobodyInViewAndAnUnknownOneDoesNot) {
  ScriptedReader reader({card_at(std::chrono::milliseconds(50), "2002"), card_at(std::chrono::milliseconds(100), "31337")});
  auto options = test_options();
  options.access.mode = VerificationMode::Card;
  const auto run = run_with_reader(repeat({}, 40), reader, options);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
  EXPECT_EQ(run.events[0].user_name, "bob");
  EXPECT_EQ(run.events[1].result, Verdict::DeniedCardUnknown);
  EXPECT_EQ(run.events[1].card, "***37");
  EXPECT_EQ(run.events[1].credentials, std::vector<std::string>{"card"});
  EXPECT_EQ(run.events[1].mode, "card");
  EXPECT_EQ(run.pulses.size(), 1u);
}

TEST(PipelineCardMode, FiveUnknownCardsLockTheDoorWithAnAlert) {
  std::vector<ScriptedReader::Step> reads;
  for (int i = 1; i <= 5; ++i) reads.push_back(card_at(std::chrono::milliseconds(20 * i), "31337"));
  reads.push_back(card_at(std::chrono::milliseconds(120), "2002"));
  ScriptedReader reader(reads);
  auto options = test_options();
  options.access.mode = VerificationMode::Card;
  const auto run = run_with_reader(repeat({}, 60), reader, options);
  ASSERT_EQ(run.events.size(), 6u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(run.events[i].result, Verdict::DeniedCardUnknown);
  EXPECT_EQ(run.events[5].result, Verdict::DeniedLockout) << "bob's card, but the door is locked out";
  ASSERT_EQ(run.alerts.size(), 1u);
  EXPECT_EQ(run.alerts[0].alert, "lockout");
  EXPECT_TRUE(run.pulses.empty());
}

ScriptedReader::Step pin_at(std::chrono::milliseconds at, const std::string& digits) {
  return {at, {Credential{Credential::Kind::Pin, digits, {}}, {}, {}}};
}

TEST(PipelineCardAndPin, ACardAndTheDuressPinFromTwoReadersOpenAndAlertSilently) {
  ScriptedReader cards({card_at(std::chrono::milliseconds(50), "1001")});
  ScriptedReader keypad({pin_at(std::chrono::milliseconds(150), "9999")});
  auto options = test_options();
  options.access.mode = VerificationMode::CardAndPin;
  SimulatedRelay relay;
  RecordingSink sink;
  ActLinks links;
  links.readers = {&cards, &keypad};
  links.directory = [] {
    auto d = alice_and_bob_with_cards();
    d.pins.add(1, {hash_pin("2468", minimal_pin_cost()), hash_pin("9999", minimal_pin_cost())});
    return std::optional(std::move(d));
  };
  Pipeline pipeline(options, paint_models(), std::make_unique<ScriptedCamera>(repeat({}, 40), false, std::chrono::milliseconds(10)),
                    alice_enrolled(), nullptr, relay, sink, nullptr, links);
  pipeline.start();
  pipeline.wait();
  const auto events = sink.events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].result, Verdict::Granted) << events[0].reason;
  EXPECT_EQ(events[0].credentials, (std::vector<std::string>{"card", "pin"}));
  EXPECT_EQ(events[0].user_name, "alice");
  EXPECT_EQ(events[0].reason.find("duress"), std::string::npos) << "the event itself looks like any grant";
  EXPECT_EQ(relay.pulses().size(), 1u) << "the door opens as usual";
  const auto alerts = sink.alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert, "duress");
  EXPECT_EQ(alerts[0].access_event_id, events[0].id);
  EXPECT_EQ(alerts[0].detail.find("9999"), std::string::npos) << "never the digits";
}

TEST(PipelineCardMode, AReaderThatIsNotThereIsReportedOnceAndAgainWhenItIsBack) {
  ScriptedReader reader({{std::chrono::milliseconds(0), {std::nullopt, "cannot open /dev/input/x: No such device", {}}},
                         {std::chrono::milliseconds(0), {std::nullopt, "cannot open /dev/input/x: No such device", {}}},
                         card_at(std::chrono::milliseconds(0), "2002")});
  auto options = test_options();
  options.access.mode = VerificationMode::Card;
  const auto run = run_with_reader(repeat({}, 250), reader, options);
  std::vector<std::string> kinds;
  for (const auto& a : run.alerts) kinds.push_back(a.alert);
  EXPECT_EQ(kinds, (std::vector<std::string>{"reader_down", "reader_up"}));
  ASSERT_EQ(run.events.size(), 1u) << "the card read once the reader was back";
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
}

TEST(PipelineCardMode, AReaderFaultIsAnAlertAndTheCardWithItStillReads) {
  ReaderResult fault_and_card{Credential{Credential::Kind::Card, "2002", {}}, {},
                              "5 bad Wiegand frames within 10 s (the last: a 13-bit frame)"};
  ScriptedReader reader({{std::chrono::milliseconds(0), fault_and_card}});
  auto options = test_options();
  options.access.mode = VerificationMode::Card;
  const auto run = run_with_reader(repeat({}, 250), reader, options);
  ASSERT_EQ(run.alerts.size(), 1u);
  EXPECT_EQ(run.alerts[0].alert, "reader_fault");
  EXPECT_NE(run.alerts[0].detail.find("13-bit frame"), std::string::npos) << run.alerts[0].detail;
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].result, Verdict::Granted);
}

TEST(PipelineSchedule, OfficeHoursHoldTheRelayWithNoVisitorAndNoReader) {
  auto options = test_options();
  options.access.policy = std::make_shared<const AccessPolicy>(parse_access_policy(nlohmann::json::parse(R"({
    "profiles": {"office": {"week": {"mon": ["08:00-18:00"]}}},
    "door": {"unlocked": [{"profile": "office"}]}
  })")));
  options.access.local_now = [] { return LocalTime(date::year(2026) / 12 / 7, 17 * 60 + 59, 20); };  // a Monday
  const auto run = run_to_end(std::make_unique<ScriptedCamera>(repeat({}, 150), false, std::chrono::milliseconds(10)),
                              paint_models(), options);
  EXPECT_TRUE(run.events.empty());
  ASSERT_FALSE(run.pulses.empty()) << "the clock alone must wake the act stage";
  EXPECT_EQ(run.pulses[0].hold, std::chrono::seconds(40)) << "held to the window's end, 18:00, and no longer";
  ASSERT_FALSE(run.alerts.empty());
  EXPECT_EQ(run.alerts[0].alert, "schedule_unlocked");
  EXPECT_NE(run.alerts[0].detail.find("profile office"), std::string::npos) << run.alerts[0].detail;
}

}  // namespace
}  // namespace portier
