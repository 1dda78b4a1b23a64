// `portier run` over the Hamilton clip, paced like a camera, as an installer
// would run it: Lin-Manuel Miranda enrolled, everyone else a stranger.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/test_support.h"

namespace portier {
namespace {

const std::string kClip = (test::kDataDir / "video/short_hamilton_clip.mp4").string();

TEST(RunVideo, GrantsLinManuelMirandaAndNoOneElse) {
  test::TempDir dir;
  const auto config = test::write_config(dir, test::kClipLiveness);
  const auto enrol = test::run_command(test::portier(
      "enroll --config " + config.string() + " --name lin_manuel_miranda " +
      (test::kDataDir / "faces/face_recognition_examples/lin-manuel-miranda.png").string()));
  ASSERT_EQ(enrol.exit_code, 0) << enrol.err;

  const auto run = test::run_command(test::portier("run --config " + config.string() + " --source video:" + kClip));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(run.out);
  std::string line;
  int granted = 0, denied = 0;
  std::set<std::string> access_ids;
  std::vector<std::string> alert_refs;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);  // stdout holds nothing but events
    EXPECT_EQ(event["device_id"], "test-door");
    EXPECT_EQ(event["id"].get<std::string>().size(), 36u);
    EXPECT_EQ(event["time"].get<std::string>().back(), 'Z');
    if (event["type"] == "alert") {
      EXPECT_EQ(event["alert"], "spoof_suspected") << line;
      alert_refs.push_back(event["access_event_id"].get<std::string>());
      continue;
    }
    access_ids.insert(event["id"].get<std::string>());
    // Liveness is off for this clip (test::kClipLiveness): no decision carries a score.
    EXPECT_TRUE(event["liveness_score"].is_null()) << line;
    if (event["result"] == "granted") {
      ++granted;
      EXPECT_EQ(event["user_name"], "lin_manuel_miranda");
      EXPECT_LT(event["distance"].get<double>(), 0.55);
    } else {
      ++denied;
      // A spoof denial may name whom the face resembles; no other denial names anyone.
      if (event["result"] != "denied_spoof") {
        EXPECT_TRUE(event["user_id"].is_null()) << line;
      }
    }
  }
  for (const auto& ref : alert_refs) EXPECT_TRUE(access_ids.count(ref)) << "alert for an access event in the stream";
  EXPECT_GE(granted, 1) << run.err;
  EXPECT_GE(denied, 1) << "the strangers in the clip are denied: " << run.err;
  EXPECT_NE(run.err.find("relay (simulated): energised"), std::string::npos);
}

TEST(RunVideo, SigtermStopsCleanlyWithExitZero) {
  test::TempDir dir;
  const auto config = test::write_config(dir);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    const std::string source = "video:" + kClip;
    execl(test::kBinary.c_str(), "portier", "run", "--config", config.c_str(), "--source", source.c_str(), nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // models loaded, frames flowing
  const auto stop = std::chrono::steady_clock::now();
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop, std::chrono::seconds(3)) << "drained quickly";
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal instead of exiting";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace portier
