// Liveness through the portier binary: the service shown a printed photo, and
// the train, eval and calibrate commands on the shared spoof data.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/test_support.h"

namespace portier {
namespace {

namespace fs = std::filesystem;
const fs::path kSpoof = test::kDataDir / "spoof";

// The first `n` files of a NUAA subject's folder whose session is `session`.
std::vector<fs::path> nuaa_frames(const std::string& kind, const std::string& subject, const std::string& session,
                                  size_t n) {
  std::vector<fs::path> all;
  for (const auto& e : fs::directory_iterator(kSpoof / "nuaa" / kind / subject)) {
    // ID_glasses_pos_session_pic.jpg
    std::istringstream name(e.path().filename().string());
    std::string field;
    for (int i = 0; i < 4; ++i) std::getline(name, field, '_');
    if (field == session) all.push_back(e.path());
  }
  std::sort(all.begin(), all.end());
  if (all.size() > n) all.resize(n);
  if (all.size() < n) throw std::runtime_error("the shared data lacks NUAA frames of subject " + subject);
  return all;
}

std::string fmt_name(int n) {
  std::string digits = std::to_string(n);
  return std::string(4 - digits.size(), '0') + digits + ".jpg";
}

fs::path folder_of(const test::TempDir& dir, const std::string& name, const std::vector<fs::path>& files) {
  const auto folder = dir / name;
  fs::create_directories(folder);
  for (const auto& f : files) fs::copy_file(f, folder / f.filename());
  return folder;
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

nlohmann::json last_json(const std::string& out) {
  const auto end = out.find_last_not_of('\n');
  const auto start = out.rfind('\n', end);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1, end + 1));
}

TEST(LivenessService, APrintedPhotoIsDeniedAlertedAndKeptWhileTheLivePersonGetsIn) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto enrol = test::run_command(test::portier("enroll --config " + config.string() + " --name subject1 " +
                                                     nuaa_frames("live", "0001", "02", 1).front().string()));
  ASSERT_EQ(enrol.exit_code, 0) << enrol.err;

  const auto live = folder_of(dir, "live", nuaa_frames("live", "0001", "01", 12));
  auto run = test::run_command(test::portier("run --config " + config.string() + " --source images:" + live.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto events = json_lines(run.out);
  ASSERT_EQ(events.size(), 1u) << run.out;
  EXPECT_EQ(events[0]["result"], "granted");
  EXPECT_EQ(events[0]["user_name"], "subject1");
  EXPECT_GT(events[0]["liveness_score"].get<double>(), 0.5);

  const auto photo = folder_of(dir, "photo", nuaa_frames("spoof", "0001", "02", 12));
  run = test::run_command(test::portier("run --config " + config.string() + " --source images:" + photo.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  events = json_lines(run.out);
  int spoofs = 0, alerts = 0;
  for (const auto& e : events) {
    EXPECT_NE(e["result"], "granted") << "a printed photo opened the door: " << e.dump();
    if (e["type"] == "alert") {
      ++alerts;
      EXPECT_EQ(e["alert"], "spoof_suspected");
      continue;
    }
    if (e["result"] != "denied_spoof") continue;
    ++spoofs;
    EXPECT_LT(e["liveness_score"].get<double>(), 0.5);
    ASSERT_TRUE(e["evidence"].is_string()) << e.dump();
    const fs::path jpeg = e["evidence"].get<std::string>();
    EXPECT_EQ(jpeg.parent_path(), dir / "evidence") << "kept beside the gallery by default";
    EXPECT_GT(fs::file_size(jpeg), 1000u);
  }
  EXPECT_GE(spoofs, 1) << run.out;
  EXPECT_EQ(alerts, spoofs) << "one alert per spoof decision";
  EXPECT_EQ(run.err.find("relay (simulated): energised"), std::string::npos);
}

TEST(LivenessService, DisabledLivenessSaysSoAndScoresNothing) {
  test::TempDir dir;
  const auto config = test::write_config(dir, "[liveness]\nenabled = false\n");
  const auto enrol = test::run_command(test::portier("enroll --config " + config.string() + " --name subject1 " +
                                                     nuaa_frames("live", "0001", "02", 1).front().string()));
  ASSERT_EQ(enrol.exit_code, 0) << enrol.err;
  const auto live = folder_of(dir, "live", nuaa_frames("live", "0001", "01", 6));
  const auto run = test::run_command(test::portier("run --config " + config.string() + " --source images:" + live.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("liveness is disabled"), std::string::npos) << run.err;
  const auto events = json_lines(run.out);
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events[0]["liveness_score"].is_null());
}

// A labels file over ../shared/data: NUAA frames (training data, so this
// checks the plumbing and the contract, not generalisation) and one image
// with no face at all.
fs::path mixed_labels(const test::TempDir& dir) {
  std::string text = "path,label,note\n";
  for (const auto* subject : {"0002", "0005", "0009"})
    for (const auto* kind : {"live", "spoof"})
      for (const auto& f : nuaa_frames(kind, subject, "01", 8))
        text += fs::relative(f, test::kDataDir).string() + "," + kind + ",x\n";
  text += "faces/dlib_examples_faces/dogs.jpg,live,no face here\n";
  test::write_file(dir / "labels.csv", text);
  return dir / "labels.csv";
}

TEST(EvalLiveness, EndsWithTheContractJsonAndCountsAFacelessLiveImageAsRejected) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto r = test::run_command(test::portier("eval liveness --config " + config.string() + " --json --root " +
                                                 test::kDataDir.string() + " --roc " + (dir / "roc.png").string() + " " +
                                                 mixed_labels(dir).string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = last_json(r.out);
  for (const auto* key : {"images", "apcer", "bpcer", "acer", "threshold", "no_face"}) EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["images"], 49);
  EXPECT_EQ(j["no_face"], 1);
  EXPECT_GE(j["bpcer"].get<double>(), 1.0 / 25) << "the dog picture is a rejected live image";
  EXPECT_LE(j["apcer"].get<double>(), 0.10);
  EXPECT_LE(j["bpcer"].get<double>(), 0.20);
  EXPECT_NEAR(j["acer"].get<double>(), (j["apcer"].get<double>() + j["bpcer"].get<double>()) / 2, 1e-9);
  EXPECT_GT(j["threshold"].get<double>(), 0.0);
  EXPECT_GT(fs::file_size(dir / "roc.png"), 1000u);
}

TEST(EvalLiveness, FaceCropsSkipDetection) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  std::string text = "path,label\n";
  for (const auto* kind : {"live", "spoof"})
    for (const auto& e : fs::directory_iterator(kSpoof / "replay_crops" / kind))
      text += "replay_crops/" + std::string(kind) + "/" + e.path().filename().string() + "," + kind + "\n";
  test::write_file(dir / "crops.csv", text);
  const auto r = test::run_command(test::portier("eval liveness --config " + config.string() + " --crops --json --root " +
                                                 kSpoof.string() + " " + (dir / "crops.csv").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = last_json(r.out);
  EXPECT_EQ(j["images"], 63);
  EXPECT_EQ(j["no_face"], 0) << "no detection: every crop is a face";
  EXPECT_LE(j["apcer"].get<double>(), 0.10);
  EXPECT_LE(j["bpcer"].get<double>(), 0.10);
}

TEST(EvalLiveness, BadLabelsAndMissingImagesAreNamed) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  test::write_file(dir / "bad.csv", "path,label\nnuaa/x.jpg,genuine\n");
  auto r = test::run_command(test::portier("eval liveness --config " + config.string() + " --root " + kSpoof.string() +
                                           " " + (dir / "bad.csv").string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.csv:2: label must be 'live' or 'spoof', got 'genuine'"), std::string::npos) << r.err;

  test::write_file(dir / "missing.csv", "path,label\nnuaa/nothing-here.jpg,live\n");
  r = test::run_command(test::portier("eval liveness --config " + config.string() + " --root " + kSpoof.string() + " " +
                                      (dir / "missing.csv").string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("nothing-here.jpg"), std::string::npos) << r.err;
}

TEST(LivenessTrain, TrainsACheckedModelThatTheConfigCanPin) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  // Two capture conditions: NUAA (both sessions: one office, one webcam) with
  // prints, and one webcam source with phone replays.
  std::string text = "path,label,attack_type\n";
  for (const auto* session : {"01", "02"})
    for (const auto* subject : {"0001", "0004", "0009"})
      for (const auto* kind : {"live", "spoof"})
        for (const auto& f : nuaa_frames(kind, subject, session, 5))
          text += fs::relative(f, kSpoof).string() + "," + kind + "," + (kind == std::string("live") ? "none" : "print") + "\n";
  for (const auto* kind : {"live", "spoof"}) {
    std::vector<fs::path> frames;
    for (const auto& e : fs::directory_iterator(kSpoof / "extra" / "codersworld_antispoof" / kind)) frames.push_back(e.path());
    std::sort(frames.begin(), frames.end());
    frames.resize(15);
    for (const auto& f : frames)
      text += fs::relative(f, kSpoof).string() + "," + kind + "," + (kind == std::string("live") ? "none" : "replay") + "\n";
  }
  test::write_file(dir / "train.csv", text);
  const auto model = dir / "mine.json";
  const auto r = test::run_command(test::portier("liveness train --config " + config.string() + " --json --root " +
                                                 kSpoof.string() + " --out " + model.string() + " " +
                                                 (dir / "train.csv").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = last_json(r.out);
  ASSERT_EQ(j["sources"].size(), 2u) << "one fold per capture condition, NUAA's two sessions in one";
  EXPECT_EQ(j["sources"][1]["source"], "nuaa");
  EXPECT_EQ(j["sources"][1]["tracks"]["live"], 6) << "3 subjects' 5 live frames in each of 2 sessions: a track each";
  ASSERT_EQ(j["worst_by_attack"].size(), 2u) << j["worst_by_attack"].dump();
  EXPECT_EQ(j["worst_by_attack"][0]["attack"], "print");
  EXPECT_EQ(j["worst_by_attack"][0]["source"], "nuaa");
  EXPECT_EQ(j["worst_by_attack"][1]["attack"], "replay");
  EXPECT_EQ(j["worst_by_attack"][1]["source"], "extra");
  EXPECT_DOUBLE_EQ(j["worst_eer"].get<double>(),
                   std::max(j["sources"][0]["eer"].get<double>(), j["sources"][1]["eer"].get<double>()));
  ASSERT_TRUE(fs::exists(model));
  const std::string sha = j["sha256"];

  const auto pinned = test::write_config(dir, "[liveness]\nmodel = \"" + model.string() + "\"\nmodel_sha256 = \"" + sha + "\"\n");
  auto eval = test::run_command(test::portier("eval liveness --config " + pinned.string() + " --json --root " +
                                              kSpoof.string() + " " + (dir / "train.csv").string()));
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NEAR(last_json(eval.out)["threshold"].get<double>(), j["threshold"].get<double>(), 1e-9);

  const auto wrong = test::write_config(dir, "[liveness]\nmodel = \"" + model.string() + "\"\nmodel_sha256 = \"" +
                                                 std::string(64, '0') + "\"\n");
  eval = test::run_command(test::portier("eval liveness --config " + wrong.string() + " --root " + kSpoof.string() + " " +
                                         (dir / "train.csv").string()));
  EXPECT_EQ(eval.exit_code, 2);
  EXPECT_NE(eval.err.find("key 'liveness.model'"), std::string::npos) << eval.err;
  EXPECT_NE(eval.err.find("sha256"), std::string::npos) << eval.err;
}

TEST(LivenessAdapt, FitsASiteModelThatTheServiceAndEvalUseAndRefusesOneClass) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  // This "door": two people's live faces and prints of them, one session.
  std::string adapt_labels = "path,label\n", live_only = "path,label\n";
  for (const auto* subject : {"0001", "0004"})
    for (const auto* kind : {"live", "spoof"})
      for (const auto& f : nuaa_frames(kind, subject, "01", 12)) {
        adapt_labels += fs::relative(f, kSpoof).string() + "," + kind + "\n";
        if (std::string(kind) == "live") live_only += fs::relative(f, kSpoof).string() + ",live\n";
      }
  test::write_file(dir / "site.csv", adapt_labels);
  auto r = test::run_command(test::portier("liveness adapt --config " + config.string() + " --json --root " +
                                           kSpoof.string() + " " + (dir / "site.csv").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = last_json(r.out);
  for (const char* key : {"live", "spoof", "no_face", "threshold", "apcer", "bpcer", "eer", "separated", "model", "sha256"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["live"].get<int>() + j["spoof"].get<int>() + j["no_face"].get<int>(), 48);
  EXPECT_EQ(j["model"], (dir / "liveness-site.json").string()) << "installed where the service reads it";
  ASSERT_TRUE(fs::exists(dir / "liveness-site.json"));

  // Another person at the same door, scored by the model in force (the site's) and by --model.
  std::string other = "path,label\n";
  for (const auto* kind : {"live", "spoof"})
    for (const auto& f : nuaa_frames(kind, "0009", "01", 4)) other += fs::relative(f, kSpoof).string() + "," + kind + "\n";
  test::write_file(dir / "other.csv", other);
  auto eval = test::run_command(test::portier("eval liveness --config " + config.string() + " --json --root " +
                                              kSpoof.string() + " " + (dir / "other.csv").string()));
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NEAR(last_json(eval.out)["threshold"].get<double>(), j["threshold"].get<double>(), 1e-9);
  EXPECT_NE(eval.out.find("from the site model"), std::string::npos) << eval.out;
  fs::rename(dir / "liveness-site.json", dir / "elsewhere.json");
  eval = test::run_command(test::portier("eval liveness --config " + config.string() + " --json --root " + kSpoof.string() +
                                         " --model " + (dir / "elsewhere.json").string() + " " + (dir / "other.csv").string()));
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NEAR(last_json(eval.out)["threshold"].get<double>(), j["threshold"].get<double>(), 1e-9);

  // Pinned, the site model must be there and be the one.
  const auto pinned = test::write_config(dir, "[liveness]\nsite_model_sha256 = \"" + j["sha256"].get<std::string>() + "\"\n");
  eval = test::run_command(test::portier("eval liveness --config " + pinned.string() + " --root " + kSpoof.string() + " " +
                                         (dir / "other.csv").string()));
  EXPECT_EQ(eval.exit_code, 2);
  EXPECT_NE(eval.err.find("key 'liveness.site_model'"), std::string::npos) << eval.err;

  test::write_file(dir / "live-only.csv", live_only);
  r = test::run_command(test::portier("liveness adapt --config " + config.string() + " --root " + kSpoof.string() +
                                      " --out " + (dir / "x.json").string() + " " + (dir / "live-only.csv").string()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("attacks (spoof) given"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_FALSE(fs::exists(dir / "x.json"));
}

TEST(LivenessCapture, TakesEachStepsFramesWithALabelsFileAndRefusesWithoutAttacks) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  // The "camera": live frames, then a print held up (a folder is read in name order).
  const auto feed = dir / "feed";
  fs::create_directories(feed);
  int n = 0;
  for (const auto& f : nuaa_frames("live", "0004", "02", 10)) fs::copy_file(f, feed / fmt_name(n++));
  for (const auto& f : nuaa_frames("spoof", "0004", "02", 14)) fs::copy_file(f, feed / fmt_name(n++));
  auto r = test::run_command(test::portier("liveness capture --config " + config.string() + " --frames 10 --source images:" +
                                           feed.string() + " --out " + (dir / "site").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("step 2 of 3: Hold up a printed photo"), std::string::npos) << r.err;
  const auto labels = test::read_file(dir / "site" / "labels.csv");
  EXPECT_GE(std::count(labels.begin(), labels.end(), '\n'), 21) << "a header, 10 live, 10 or more attacks: " << labels;
  EXPECT_NE(labels.find("live/live-001.jpg,live\n"), std::string::npos) << labels;
  EXPECT_NE(labels.find("spoof/print-010.jpg,spoof\n"), std::string::npos) << labels;
  EXPECT_TRUE(fs::exists(dir / "site" / "spoof" / "print-001.jpg"));
  EXPECT_NE(r.out.find("liveness adapt --root"), std::string::npos) << "says what comes next: " << r.out;

  r = test::run_command(test::portier("liveness capture --config " + config.string() + " --frames 10 --source images:" +
                                      feed.string() + " --out " + (dir / "site").string()));
  EXPECT_EQ(r.exit_code, 2) << "a capture is never overwritten";
  const auto live_feed = folder_of(dir, "live-feed", nuaa_frames("live", "0004", "02", 14));
  r = test::run_command(test::portier("liveness capture --config " + config.string() + " --frames 10 --source images:" +
                                      live_feed.string() + " --out " + (dir / "no-attacks").string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("needs at least 10 of each"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "no-attacks" / "labels.csv"));
}

TEST(LivenessCalibrate, SetsTheThresholdFromLiveCapturesAndRefusesAPhoto) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const auto live = folder_of(dir, "live", nuaa_frames("live", "0007", "02", 15));
  auto r = test::run_command(test::portier("liveness calibrate --config " + config.string() + " --faces 12 --source images:" +
                                           live.string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto calibration = nlohmann::json::parse(test::read_file(dir / "liveness-calibration.json"));
  EXPECT_EQ(calibration["faces"], 12);
  EXPECT_GT(calibration["threshold"].get<double>(), 0.0);

  // The service and eval now use it.
  std::string labels = "path,label\n";
  for (const auto& f : nuaa_frames("live", "0007", "02", 3)) labels += fs::relative(f, kSpoof).string() + ",live\n";
  test::write_file(dir / "l.csv", labels);
  const auto eval = test::run_command(test::portier("eval liveness --config " + config.string() + " --json --root " +
                                                    kSpoof.string() + " " + (dir / "l.csv").string()));
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NEAR(last_json(eval.out)["threshold"].get<double>(), calibration["threshold"].get<double>(), 1e-9);
  EXPECT_NE(eval.out.find("from the calibration"), std::string::npos) << eval.out;

  // A photo held up during calibration must not drag the threshold down.
  fs::remove(dir / "liveness-calibration.json");
  const auto photo = folder_of(dir, "photo", nuaa_frames("spoof", "0007", "02", 15));
  r = test::run_command(test::portier("liveness calibrate --config " + config.string() + " --faces 12 --source images:" +
                                      photo.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("score too low"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "liveness-calibration.json")) << "nothing written";
}

}  // namespace
}  // namespace portier
