// `portier run` in card+face mode over the Hamilton clip, with the card
// reader a FIFO fed the key records a USB reader sends, as an installer would
// try it without the reader: Lin-Manuel Miranda and Barack Obama enrolled,
// each with a card; nobody but Lin-Manuel is in the clip.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "tests/hal/evdev_records.h"
#include "tests/test_support.h"

namespace portier {
namespace {

const std::string kClip = (test::kDataDir / "video/short_hamilton_clip.mp4").string();
const std::string kLinsCard = "0004567123", kObamasCard = "0009876543";

struct CardDoor {
  test::TempDir dir;
  std::filesystem::path config, fifo;
};

// Two users with a card each, and a config in card+face mode reading the FIFO.
void set_up(CardDoor& door, int auth_timeout_s, const std::string& extra = "") {
  door.fifo = door.dir / "reader";
  ASSERT_EQ(::mkfifo(door.fifo.c_str(), 0600), 0);
  // These tests are about the second credential. Against Lin's one
  // enrolment photo the clip's frames of him are at times just over the
  // default rule's distance for two users (0.481: a CI run found him
  // unrecognised), so they state a looser rate (distance 0.529), as the
  // installer of a card+face door may: the card names the user.
  door.config = test::write_config(door.dir, "[access]\nmode = \"card+face\"\nauth_timeout_s = " +
                                                 std::to_string(auth_timeout_s) + "\n[reader]\ntype = \"evdev\"\ndevice = \"" +
                                                 door.fifo.string() + "\"\n[decision]\nmax_fpir = 0.005\n" +
                                                 test::kClipLiveness + extra);
  const auto faces = test::kDataDir / "faces";
  const std::string config = " --config " + door.config.string();
  for (const auto& [name, photo] : {std::pair{"lin_manuel_miranda", faces / "face_recognition_examples/lin-manuel-miranda.png"},
                                    std::pair{"barack_obama", faces / "knn_examples/train/obama/obama.jpg"}}) {
    const auto r = test::run_command(test::portier("enroll" + config + " --name " + name + " " + photo.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_EQ(test::run_command(test::portier("users" + config + " card add lin_manuel_miranda " + kLinsCard)).exit_code, 0);
  ASSERT_EQ(test::run_command(test::portier("users" + config + " card add barack_obama " + kObamasCard)).exit_code, 0);
}

struct Run {
  int exit_code = -1;
  std::vector<nlohmann::json> access;  // access events, in order
  std::string err;
};

// Runs the clip; `on_log` sees each line portier logs and may act on it (a
// card swiped when the log says a face waits for one), at most once.
Run run_clip(const CardDoor& door, const std::function<void(const std::string&)>& on_log) {
  const auto out_file = door.dir / "events.jsonl";
  int err_pipe[2];
  if (::pipe(err_pipe) != 0) return {};
  const pid_t child = fork();
  if (child == 0) {
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    dup2(err_pipe[1], STDERR_FILENO);
    ::close(err_pipe[0]);
    const std::string source = "video:" + kClip;
    execl(test::kBinary.c_str(), "portier", "run", "--config", door.config.c_str(), "--source", source.c_str(), nullptr);
    _exit(127);
  }
  ::close(err_pipe[1]);
  Run run;
  std::string pending;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(err_pipe[0], buffer, sizeof buffer)) > 0) {
    pending.append(buffer, static_cast<size_t>(n));
    for (size_t eol; (eol = pending.find('\n')) != std::string::npos; pending.erase(0, eol + 1)) {
      const std::string line = pending.substr(0, eol);
      run.err += line + "\n";
      on_log(line);
    }
  }
  ::close(err_pipe[0]);
  int status = 0;
  waitpid(child, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream lines(test::read_file(out_file));
  for (std::string line; std::getline(lines, line);) {
    auto event = nlohmann::json::parse(line);
    if (event["type"] == "access") run.access.push_back(std::move(event));
  }
  return run;
}

// Swipes `card` the first time the log says Lin-Manuel's face waits for one.
std::function<void(const std::string&)> swipe_when_he_waits(const CardDoor& door, const std::string& card, bool& swiped) {
  return [&door, card, &swiped](const std::string& line) {
    if (swiped || line.find("face of 'lin_manuel_miranda' waits") == std::string::npos) return;
    swiped = test::write_fifo(door.fifo, test::key_records(card + "\n"));
  };
}

std::string summary(const Run& run) {
  std::string s;
  for (const auto& e : run.access) s += e.dump() + "\n";
  return s + run.err;
}

TEST(RunCardAndFace, HisCardWhileHeIsInViewOpens) {
  CardDoor door;
  set_up(door, 30);
  bool swiped = false;
  const auto run = run_clip(door, swipe_when_he_waits(door, kLinsCard, swiped));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(swiped) << "his face never waited for a card: " << run.err;
  int granted = 0;
  for (const auto& e : run.access) {
    if (e["result"] != "granted") continue;
    ++granted;
    EXPECT_EQ(e["credentials"], nlohmann::json::array({"card", "face"}));
    EXPECT_EQ(e["mode"], "card+face");
    EXPECT_EQ(e["card"], "******7123") << "masked by default";
    EXPECT_EQ(e["user_name"], "lin_manuel_miranda");
    EXPECT_LT(e["distance"].get<double>(), 0.55);
  }
  EXPECT_EQ(granted, 1) << "one card, one opening: " << summary(run);
  EXPECT_NE(run.err.find("relay (simulated): energised"), std::string::npos);
}

TEST(RunCardAndFace, AnotherUsersCardIsRefusedForHisFace) {
  CardDoor door;
  set_up(door, 30, "[events]\ncard_numbers = \"full\"\n");
  bool swiped = false;
  const auto run = run_clip(door, swipe_when_he_waits(door, kObamasCard, swiped));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(swiped) << run.err;
  int wrong_face = 0;
  for (const auto& e : run.access) {
    EXPECT_NE(e["result"], "granted") << "neither Obama's card nor Lin-Manuel's face opens alone: " << summary(run);
    if (e["result"] != "denied_wrong_face_for_card") continue;
    ++wrong_face;
    EXPECT_EQ(e["card"], kObamasCard) << "events.card_numbers = \"full\"";
    EXPECT_EQ(e["user_name"], "barack_obama") << "the event names the card's holder";
    EXPECT_GE(e["distance"].get<double>(), 0.55);
  }
  EXPECT_EQ(wrong_face, 1) << summary(run);
  EXPECT_EQ(run.err.find("relay (simulated): energised"), std::string::npos);
}

TEST(RunCardAndFace, NoCardMeansNoOpeningAndATimeout) {
  CardDoor door;
  set_up(door, 2);
  const auto run = run_clip(door, [](const std::string&) {});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  int timeouts = 0;
  for (const auto& e : run.access) {
    EXPECT_NE(e["result"], "granted") << summary(run);
    if (e["result"] == "denied_second_factor_timeout") {
      ++timeouts;
      EXPECT_EQ(e["credentials"], nlohmann::json::array({"face"}));
      EXPECT_TRUE(e["card"].is_null());
      EXPECT_NE(e["reason"].get<std::string>().find("no card within 2 s"), std::string::npos) << e;
    }
  }
  EXPECT_GE(timeouts, 1) << summary(run);
  EXPECT_EQ(run.err.find("relay (simulated): energised"), std::string::npos);
}

}  // namespace
}  // namespace portier
