// `portier run` with its backend: the decisions of the real pipeline reach
// the broker and the backend, and in backend mode the backend decides.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "tests/backend-client/fixtures.h"

namespace portier {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

// Twelve live NUAA frames of one subject, and one more of theirs to enrol.
struct Visitor {
  fs::path frames, enrol_photo;
};

Visitor a_visitor(const test::TempDir& dir) {
  const auto nuaa = test::kDataDir / "spoof/nuaa/live/0001";
  std::vector<fs::path> session1, session2;
  for (const auto& e : fs::directory_iterator(nuaa))
    (e.path().filename().string().substr(11, 2) == "01" ? session1 : session2).push_back(e.path());
  std::sort(session1.begin(), session1.end());
  std::sort(session2.begin(), session2.end());
  Visitor v{dir / "frames", session2.at(0)};
  fs::create_directories(v.frames);
  for (size_t i = 0; i < 12; ++i) fs::copy_file(session1.at(i), v.frames / session1[i].filename());
  return v;
}

struct ServiceRig {
  test::TempDir dir;
  test::Pki pki{dir};
  test::MosquittoBroker broker{pki, dir};
  test::TestBackend backend{pki, "service-token"};
  Visitor visitor = a_visitor(dir);

  ServiceRig() {
    broker.start();
    backend.start();
    test::write_file(dir / "token", "service-token");
  }
  fs::path config(const std::string& mode, const std::string& backend_extra = "") {
    return test::write_config(
        dir, "[backend]\nmode = \"" + mode + "\"\n" + backend_extra + "url = \"" + backend.url() + "\"\nca_file = \"" +
                 pki.file("ca.pem").string() + "\"\ntoken_file = \"" + (dir / "token").string() + "\"\n[mqtt]\nurl = \"" +
                 broker.url() + "\"\nca_file = \"" + pki.file("ca.pem").string() + "\"\ncert_file = \"" +
                 pki.file("client.pem").string() + "\"\nkey_file = \"" + pki.file("client.key").string() + "\"\n");
  }
  test::CommandResult enrol_and_run(const fs::path& config) {
    const auto enrol = test::run_command(test::portier("enroll --config " + config.string() + " --name visitor " +
                                                       visitor.enrol_photo.string()));
    EXPECT_EQ(enrol.exit_code, 0) << enrol.err;
    return test::run_command(test::portier("run --config " + config.string() + " --source images:" + visitor.frames.string()));
  }
};

std::vector<nlohmann::json> stdout_events(const std::string& out) {
  std::vector<nlohmann::json> events;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) events.push_back(nlohmann::json::parse(line));
  return events;
}

TEST(ServiceWithBackend, EveryDecisionReachesTheBrokerAndTheBackend) {
  ServiceRig rig;
  test::TestSubscriber watcher(rig.pki, rig.broker.url(), "service-watcher");
  std::string error;
  ASSERT_TRUE(watcher.connect("door/test-door/#", &error)) << error;
  const auto run = rig.enrol_and_run(rig.config("local"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto events = stdout_events(run.out);
  ASSERT_EQ(events.size(), 1u) << run.out << run.err;
  EXPECT_EQ(events[0]["result"], "granted");
  EXPECT_EQ(events[0]["decided_by"], "local");
  const std::string id = events[0]["id"];

  ASSERT_TRUE(test::eventually([&] { return !rig.backend.events().empty(); }, 10s)) << run.err;
  EXPECT_EQ(rig.backend.events()[0].id, id);
  ASSERT_TRUE(watcher.wait([&](const std::vector<test::TestSubscriber::Message>& m) {
    for (const auto& x : m)
      if (x.topic == "door/test-door/access" && nlohmann::json::parse(x.payload)["id"] == id) return true;
    return false;
  }, 10s));
  ASSERT_TRUE(watcher.wait([](const std::vector<test::TestSubscriber::Message>& m) {
    for (const auto& x : m)
      if (x.topic == "door/test-door/state" && nlohmann::json::parse(x.payload)["lock"] == "unlocked") return true;
    return false;
  }, 5s)) << "the grant unlocked the door, and the retained state said so";
}

TEST(ServiceWithBackend, InBackendModeTheBackendsRefusalKeepsTheDoorShut) {
  ServiceRig rig;
  rig.backend.verify_reply(R"({"access_granted": false, "reason": "outside the visitor's hours"})");
  const auto run = rig.enrol_and_run(rig.config("backend"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto events = stdout_events(run.out);
  ASSERT_EQ(events.size(), 1u) << run.out;
  EXPECT_EQ(events[0]["result"], "denied_backend");
  EXPECT_EQ(events[0]["decided_by"], "backend");
  EXPECT_NE(events[0]["reason"].get<std::string>().find("outside the visitor's hours"), std::string::npos);
  EXPECT_EQ(run.err.find("relay (simulated): energised"), std::string::npos);
  const auto asked = rig.backend.verify_requests();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0]["local"]["result"], "granted");
  EXPECT_GT(asked[0]["liveness_score"].get<double>(), 0.5);
}

TEST(ServiceWithBackend, TheBackendsAccessPolicyDecidesWhoEntersWhen) {
  ServiceRig rig;
  // The visitor's group may never enter: the backend's policy, not a file, says so.
  rig.backend.policy_reply(200, R"({"version": "b7", "profiles": {"never": {"week": {}}},
                                    "groups": {"night": {"profile": "never"}}})", "\"b7\"");
  const auto config = rig.config("local", "sync_policy = true\n");
  const auto enrol = test::run_command(test::portier("enroll --config " + config.string() + " --name visitor " +
                                                     rig.visitor.enrol_photo.string()));
  ASSERT_EQ(enrol.exit_code, 0) << enrol.err;
  ASSERT_EQ(test::run_command(test::portier("users group add --config " + config.string() + " visitor night")).exit_code, 0);
  const auto synced = test::run_command(test::portier("backend sync-policy --config " + config.string()));
  ASSERT_EQ(synced.exit_code, 0) << synced.err;
  EXPECT_NE(synced.out.find("synced     access policy version b7"), std::string::npos) << synced.out;
  const auto check = test::run_command(test::portier("policy check --config " + config.string()));
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("the backend (ETag \"b7\"): valid (version b7)"), std::string::npos) << check.out;
  const auto shown = test::run_command(test::portier("users show --config " + config.string() + " visitor"));
  EXPECT_NE(shown.out.find("enters now  no: no group of theirs (night)"), std::string::npos) << shown.out;
  const auto run = test::run_command(test::portier("run --config " + config.string() + " --source images:" +
                                                   rig.visitor.frames.string()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<nlohmann::json> decisions;
  for (const auto& e : stdout_events(run.out))
    if (e.contains("result")) decisions.push_back(e);
  ASSERT_EQ(decisions.size(), 1u) << run.out << run.err;
  EXPECT_EQ(decisions[0]["result"], "denied_schedule") << decisions[0].dump();
  EXPECT_NE(run.err.find("version b7 from the backend now applies"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find("relay (simulated): energised"), std::string::npos);
  // The service asked again at its start, with the ETag it keeps: 304.
  ASSERT_TRUE(test::eventually([&] { return rig.backend.policy_conditions().size() >= 2; }, 10s));
  EXPECT_EQ(rig.backend.policy_conditions()[1], "\"b7\"");
}

TEST(ServiceWithBackend, WhenTheBackendIsDownTheDoorStillWorksAndTheEventWaits) {
  ServiceRig rig;
  rig.backend.stop();
  const auto config = rig.config("backend");
  const auto run = rig.enrol_and_run(config);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto events = stdout_events(run.out);
  ASSERT_EQ(events.size(), 1u) << run.out;
  EXPECT_EQ(events[0]["result"], "granted");
  EXPECT_EQ(events[0]["offline"], true);
  const std::string id = events[0]["id"];
  rig.backend.start();
  const auto flush = test::run_command(test::portier("backend flush --timeout 30 --config " + config.string()));
  ASSERT_EQ(flush.exit_code, 0) << flush.out << flush.err;
  std::set<std::string> ids;
  for (const auto& e : rig.backend.events()) ids.insert(e.id);
  EXPECT_TRUE(ids.count(id)) << "the offline decision reached the backend once it was back";
}

TEST(ServiceWithBackend, DoctorChecksTheBackendTheBrokerAndTheToken) {
  ServiceRig rig;
  const auto config = rig.config("local");
  auto r = test::run_command(test::portier("doctor --config " + config.string()));
  EXPECT_NE(r.out.find("TLS verified, token accepted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mutual TLS accepted"), std::string::npos) << r.out;
  test::write_file(rig.dir / "token", "stolen-or-stale");
  r = test::run_command(test::portier("doctor --config " + config.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("refused the token (HTTP 401)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace portier
