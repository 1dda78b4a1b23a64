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
  std::string text = "path,label\n";
  for (const auto* session : {"01", "02"})
    for (const auto* subject : {"0001", "0004", "0009"})
      for (const auto* kind : {"live", "spoof"})
        for (const auto& f : nuaa_frames(kind, subject, session, 5))
          text += fs::relative(f, kSpoof).string() + "," + kind + "\n";
  test::write_file(dir / "train.csv", text);
  const auto model = dir / "mine.json";
  const auto r = test::run_command(test::portier("liveness train --config " + config.string() + " --json --root " +
                                                 kSpoof.string() + " --out " + model.string() + " " +
                                                 (dir / "train.csv").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = last_json(r.out);
  ASSERT_EQ(j["sources"].size(), 2u) << "one fold per capture session";
  EXPECT_NE(j["sources"][0]["source"].get<std::string>().find("session 01"), std::string::npos);
  EXPECT_EQ(j["sources"][0]["tracks"]["live"], 3) << "3 subjects' 5 live frames: one track each";
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
