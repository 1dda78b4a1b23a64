#include "tests/backend-client/fixtures.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <mqtt/async_client.h>

#include <fstream>
#include <stdexcept>

namespace portier::test {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool eventually(const std::function<bool()>& predicate, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!predicate()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

Pki::Pki(const TempDir& temp) : dir(temp / "pki") {
  const std::string command = "bash " + (kSourceDir / "tests/backend-client/make-certs.sh").string() + " " + dir.string();
  if (std::system(command.c_str()) != 0) throw std::runtime_error("make-certs.sh failed");
}

MosquittoBroker::MosquittoBroker(const Pki& pki, const TempDir& dir, std::string server_cert)
    : config_(dir / ("mosquitto-" + server_cert + ".conf")), state_(dir / ("mosquitto-" + server_cert)), port_(free_port()) {
  std::filesystem::create_directories(state_);
  // mosquitto, started as root, writes its persistence as user mosquitto.
  std::filesystem::permissions(state_, std::filesystem::perms::all);
  std::ofstream(config_) << "per_listener_settings false\n"
                         << "allow_anonymous false\n"
                         << "listener " << port_ << " 127.0.0.1\n"
                         << "cafile " << pki.file("ca.pem").string() << "\n"
                         << "certfile " << pki.file(server_cert + ".pem").string() << "\n"
                         << "keyfile " << pki.file(server_cert + ".key").string() << "\n"
                         << "require_certificate true\n"
                         << "use_identity_as_username true\n"
                         << "persistence true\n"
                         << "persistence_location " << state_.string() << "/\n"
                         << "autosave_interval 1\n"
                         << "max_queued_messages 100000\n"
                         << "log_dest file " << (state_ / "log").string() << "\n"
                         << "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n";
}

MosquittoBroker::~MosquittoBroker() { stop(); }

void MosquittoBroker::start() {
  // Debian puts it in /usr/sbin, which not every PATH has.
  const char* binary = std::filesystem::exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
  pid_ = ::fork();
  if (pid_ == 0) {
    ::execlp(binary, "mosquitto", "-c", config_.c_str(), nullptr);
    ::_exit(127);
  }
  if (!wait_for_port(port_, std::chrono::seconds(10))) throw std::runtime_error("mosquitto did not start: " + log());
}

void MosquittoBroker::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void MosquittoBroker::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string MosquittoBroker::log() const { return read_file(state_ / "log"); }

TestBackend::TestBackend(const Pki& pki, std::string token, std::string server_cert)
    : pki_(pki), token_(std::move(token)), cert_(std::move(server_cert)), port_(free_port()) {}

TestBackend::~TestBackend() { stop(); }

void TestBackend::start() {
  server_ = std::make_unique<httplib::SSLServer>(pki_.file(cert_ + ".pem").c_str(), pki_.file(cert_ + ".key").c_str());
  auto authorised = [this](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") == "Bearer " + token_) return true;
    std::lock_guard lock(mutex_);
    ++unauthorised_;
    res.status = 401;
    res.set_content(R"({"error":"bad token"})", "application/json");
    return false;
  };
  server_->Post("/api/events", [this, authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    std::lock_guard lock(mutex_);
    if (events_status_ != 0) {
      res.status = events_status_;
      res.set_content("service unavailable", "text/plain");
      return;
    }
    if (events_garbage_) {
      res.set_content("<html>not json", "text/html");
      return;
    }
    const auto body = nlohmann::json::parse(req.body);
    const auto now = std::chrono::steady_clock::now();
    for (const auto& e : body.at("events")) events_.push_back({e.at("id"), e.at("seq"), e, now});
    res.set_content(nlohmann::json{{"accepted", body.at("events").size()}}.dump(), "application/json");
  });
  server_->Post("/api/verify-face", [this, authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    std::chrono::milliseconds delay;
    std::string reply;
    {
      std::lock_guard lock(mutex_);
      verify_requests_.push_back(nlohmann::json::parse(req.body));
      delay = verify_delay_;
      reply = verify_body_;
    }
    std::this_thread::sleep_for(delay);
    res.set_content(reply, "application/json");
  });
  server_->Get("/api/health", [authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    res.set_content(R"({"status":"ok"})", "application/json");
  });
  server_->Get("/api/users", [this, authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    std::lock_guard lock(mutex_);
    res.status = users_status_;
    res.set_content(users_body_, "application/json");
  });
  server_->Get("/api/access-policy", [this, authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    std::lock_guard lock(mutex_);
    const auto condition = req.get_header_value("If-None-Match");
    policy_conditions_.push_back(condition);
    if (!policy_etag_.empty()) res.set_header("ETag", policy_etag_);
    if (policy_status_ == 200 && !policy_etag_.empty() && condition == policy_etag_) {
      res.status = 304;
      return;
    }
    res.status = policy_status_;
    res.set_content(policy_body_, "application/json");
  });
  if (!server_->bind_to_port("127.0.0.1", port_)) throw std::runtime_error("test backend cannot bind");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // The port accepts as soon as it is bound, but stop() only stops a server
  // whose accept loop is running: wait for that, or an early stop() hangs.
  if (!eventually([this] { return server_->is_running(); }, std::chrono::seconds(10)))
    throw std::runtime_error("test backend did not start");
}

std::vector<std::string> TestBackend::policy_conditions() const {
  std::lock_guard lock(mutex_);
  return policy_conditions_;
}

void TestBackend::stop() {
  if (!server_) return;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_.reset();
}

std::vector<TestBackend::Received> TestBackend::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<nlohmann::json> TestBackend::verify_requests() const {
  std::lock_guard lock(mutex_);
  return verify_requests_;
}

int TestBackend::unauthorised() const {
  std::lock_guard lock(mutex_);
  return unauthorised_;
}

class TestSubscriber::Callback final : public virtual mqtt::callback {
 public:
  explicit Callback(TestSubscriber& s) : s_(s) {}
  void message_arrived(mqtt::const_message_ptr msg) override {
    std::lock_guard lock(s_.mutex_);
    s_.messages_.push_back({msg->get_topic(), msg->get_payload_str(), msg->is_retained(), std::chrono::steady_clock::now()});
  }

 private:
  TestSubscriber& s_;
};

TestSubscriber::TestSubscriber(const Pki& pki, std::string url, std::string client_id, std::string cert)
    : pki_(pki), url_(std::move(url)), client_id_(std::move(client_id)), cert_(std::move(cert)) {
  client_ = std::make_unique<mqtt::async_client>(url_, client_id_, mqtt::create_options(MQTTVERSION_3_1_1), nullptr);
  callback_ = std::make_unique<Callback>(*this);
  client_->set_callback(*callback_);
}

TestSubscriber::~TestSubscriber() {
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (...) {
  }
}

bool TestSubscriber::connect(const std::string& filter, std::string* error) {
  auto ssl = mqtt::ssl_options_builder().trust_store(pki_.file("ca.pem").string());
  if (!cert_.empty()) ssl.key_store(pki_.file(cert_ + ".pem").string()).private_key(pki_.file(cert_ + ".key").string());
  auto options = mqtt::connect_options_builder()
                     .clean_session(false)
                     .automatic_reconnect(std::chrono::milliseconds(200), std::chrono::seconds(2))
                     .connect_timeout(std::chrono::seconds(5))
                     .ssl(ssl.finalize())
                     .finalize();
  try {
    client_->connect(options)->wait();
    client_->subscribe(filter, 1)->wait();
    return true;
  } catch (const mqtt::exception& e) {
    if (error) *error = e.what();
    return false;
  }
}

void TestSubscriber::publish(const std::string& topic, const std::string& payload) {
  client_->publish(topic, payload.data(), payload.size(), 1, false)->wait_for(std::chrono::seconds(5));
}

std::vector<TestSubscriber::Message> TestSubscriber::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<TestSubscriber::Message> TestSubscriber::on(const std::string& topic) const {
  std::vector<Message> out;
  for (auto& m : messages())
    if (m.topic == topic) out.push_back(m);
  return out;
}

bool TestSubscriber::wait(const std::function<bool(const std::vector<Message>&)>& predicate,
                          std::chrono::milliseconds timeout) const {
  return eventually([&] { return predicate(messages()); }, timeout);
}

}  // namespace portier::test
