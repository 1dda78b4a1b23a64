// SIGKILL in the middle of a stream: every event the killed process had
// stored reaches the backend and the broker once it runs again. The real
// portier binary, its real outbox file, a real broker and backend.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <sstream>

#include "tests/backend-client/fixtures.h"

namespace portier {
namespace {

using namespace std::chrono_literals;

TEST(BackendKill, EveryStoredEventArrivesAfterASigkillAndARestart) {
  test::TempDir dir;
  test::Pki pki(dir);
  test::MosquittoBroker broker(pki, dir);
  test::TestBackend backend(pki, "kill-test-token");
  broker.start();
  backend.start();
  test::write_file(dir / "token", "kill-test-token");
  const auto config = test::write_config(
      dir, "[backend]\nurl = \"" + backend.url() + "\"\nca_file = \"" + pki.file("ca.pem").string() +
               "\"\ntoken_file = \"" + (dir / "token").string() + "\"\n[mqtt]\nurl = \"" + broker.url() +
               "\"\nca_file = \"" + pki.file("ca.pem").string() + "\"\ncert_file = \"" + pki.file("client.pem").string() +
               "\"\nkey_file = \"" + pki.file("client.key").string() + "\"\n[outbox]\nretry_base_ms = 50\nretry_max_s = 1\n");
  test::TestSubscriber watcher(pki, broker.url(), "kill-watcher");
  std::string error;
  ASSERT_TRUE(watcher.connect("door/test-door/alerts", &error)) << error;

  // The sender prints each event's id once it is stored; it dies mid-stream.
  const auto ids_file = dir / "ids";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int out = ::open(ids_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(out, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execl(test::kBinary.c_str(), "portier", "backend", "test", "--config", config.c_str(), "--count", "500",
          "--interval-ms", "2", nullptr);
    _exit(127);
  }
  // Killed once it has stored 50 events, however fast it runs (under qemu a
  // fixed pause may come before the first).
  const auto stored_lines = [&] {
    std::istringstream in(test::read_file(ids_file));
    size_t n = 0;
    for (std::string line; std::getline(in, line);) n += line.size() == 36;
    return n;
  };
  ASSERT_TRUE(test::eventually([&] { return stored_lines() >= 50; }, 60s)) << "it stored fewer than 50 events";
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "it finished before it could be killed";

  std::vector<std::string> stored;
  std::istringstream lines(test::read_file(ids_file));
  for (std::string line; std::getline(lines, line);)
    if (line.size() == 36) stored.push_back(line);
  ASSERT_GE(stored.size(), 50u);
  ASSERT_LT(stored.size(), 500u);

  const auto flush = test::run_command(test::portier("backend flush --timeout 60 --config " + config.string()));
  ASSERT_EQ(flush.exit_code, 0) << flush.out << flush.err;

  std::set<std::string> at_backend, at_broker;
  for (const auto& e : backend.events()) at_backend.insert(e.id);
  ASSERT_TRUE(watcher.wait([&](const std::vector<test::TestSubscriber::Message>& messages) {
    at_broker.clear();
    for (const auto& m : messages) at_broker.insert(nlohmann::json::parse(m.payload)["id"].get<std::string>());
    return at_broker.size() >= stored.size();
  }, 20s));
  for (const auto& id : stored) {
    EXPECT_TRUE(at_backend.count(id)) << id << " never reached the backend";
    EXPECT_TRUE(at_broker.count(id)) << id << " never reached the broker";
  }
}

}  // namespace
}  // namespace portier
