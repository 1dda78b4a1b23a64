// `portier backend test | flush | sync-users` as an installer runs them, with
// a real HTTPS backend: what they report and what reaches the backend.
#include <gtest/gtest.h>

#include "tests/backend-client/fixtures.h"

namespace portier {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct CommandRig {
  test::TempDir dir;
  test::Pki pki{dir};
  test::TestBackend backend{pki, "command-token"};

  CommandRig() { test::write_file(dir / "token", "command-token"); }
  fs::path config(const std::string& extra = "") {
    return test::write_config(dir, "[backend]\nurl = \"" + backend.url() + "\"\nca_file = \"" +
                                       pki.file("ca.pem").string() + "\"\ntoken_file = \"" + (dir / "token").string() +
                                       "\"\n" + extra + "[outbox]\nmax_events = 100\nretry_base_ms = 50\nretry_max_s = 1\n");
  }
  test::CommandResult backend_command(const std::string& args) {
    return test::run_command(test::portier("backend " + args + " --config " + config().string()));
  }
  std::vector<nlohmann::json> alerts(const std::string& kind) const {
    std::vector<nlohmann::json> out;
    for (const auto& e : backend.events())
      if (e.event.value("alert", "") == kind) out.push_back(e.event);
    return out;
  }
};

TEST(BackendCommands, TheRefusedCountAndTheRecoverySurviveARestart) {
  CommandRig rig;
  // The backend down: the cap (100) takes 100 events and the outbox_full
  // alert; the other 10 are refused, and the command says so.
  const auto full = rig.backend_command("test --count 110 --timeout 1");
  EXPECT_NE(full.exit_code, 0) << full.out;
  EXPECT_NE(full.out.find("refused    10 of 110 test events"), std::string::npos) << full.out << full.err;
  EXPECT_EQ(full.out.find("delivered  every event"), std::string::npos) << full.out;

  // A later run, with the backend back: the backlog goes, and the recovery is
  // reported once, with the count the first run left in the outbox file.
  rig.backend.start();
  const auto flush = rig.backend_command("flush --timeout 30");
  EXPECT_EQ(flush.exit_code, 0) << flush.out << flush.err;
  const auto more = rig.backend_command("test --count 5 --timeout 30");
  EXPECT_EQ(more.exit_code, 0) << more.out << more.err;
  EXPECT_NE(more.out.find("delivered  every event"), std::string::npos) << more.out;

  ASSERT_EQ(rig.alerts("outbox_full").size(), 1u);
  const auto recovered = rig.alerts("outbox_recovered");
  ASSERT_EQ(recovered.size(), 1u) << "the recovery is stored once, across three runs";
  EXPECT_NE(recovered[0]["detail"].get<std::string>().find("10 events were refused"), std::string::npos)
      << recovered[0].dump();
  EXPECT_EQ(rig.alerts("test").size(), 105u) << "100 from the first run, 5 from the last";
}

TEST(BackendCommands, AFailedSyncUsersStoresTheSameAlertAsTheService) {
  CommandRig rig;
  rig.backend.start();
  rig.backend.users_reply(200, R"({"users": [{"id": "u9", "name": "half", "embeddings": [[1, 2]]}]})");
  const auto bad = rig.backend_command("sync-users");
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("user sync failed, the gallery is unchanged"), std::string::npos) << bad.err;
  ASSERT_TRUE(test::eventually([&] { return rig.alerts("user_sync_failed").size() == 1; }, 10s));
  EXPECT_NE(rig.alerts("user_sync_failed")[0]["detail"].get<std::string>().find("must hold 128 numbers"), std::string::npos)
      << rig.alerts("user_sync_failed")[0].dump();

  rig.backend.users_reply(200, R"({"users": []})");
  const auto good = rig.backend_command("sync-users");
  EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
  EXPECT_NE(good.out.find("synced     0 users"), std::string::npos) << good.out;
  EXPECT_EQ(rig.alerts("user_sync_failed").size(), 1u) << "a good sync raises nothing";
}

}  // namespace
}  // namespace portier
