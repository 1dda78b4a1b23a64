#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "pipeline/credential_stage.h"

namespace portier {

void CredentialStage::run(const std::atomic<bool>& stop, const std::atomic<bool>& faces_done) {
  // Ticks as often as a waiting credential needs to expire on time, and a
  // reader that is not there is retried from 0.5 s doubling up to 30 s, like the camera.
  constexpr auto kTick = std::chrono::milliseconds(200);
  constexpr auto kFirstRetry = std::chrono::milliseconds(500);
  constexpr auto kMaxRetry = std::chrono::milliseconds(30000);
  auto retry = kFirstRetry;
  bool down = false;
  auto tick = [&] {
    auto input = std::make_unique<ActInput>();
    out_.try_push(input);  // a full queue already wakes the act stage
  };
  auto stopping = [&] { return stop.load(std::memory_order_acquire) || faces_done.load(std::memory_order_acquire); };
  while (!stopping()) {
    auto result = reader_.read(kTick);
    if (!result.error.empty()) {
      if (!down) {
        down = true;
        events_.publish(make_alert_event(device_id_, "reader_down", result.error));
      }
      spdlog::debug("reader: {}; retrying in {} ms", result.error, retry.count());
      for (auto waited = std::chrono::milliseconds(0); waited < retry && !stopping(); waited += kTick) {
        tick();
        std::this_thread::sleep_for(kTick);
      }
      retry = std::min(retry * 2, kMaxRetry);
      continue;
    }
    if (down) {
      down = false;
      events_.publish(make_alert_event(device_id_, "reader_up", reader_.describe() + " reads again"));
    }
    retry = kFirstRetry;
    if (!result.fault.empty()) {
      spdlog::warn("reader: {}", result.fault);
      events_.publish(make_alert_event(device_id_, "reader_fault", reader_.describe() + ": " + result.fault));
    }
    if (!result.credential) {
      tick();
      continue;
    }
    ++credentials_;
    auto input = std::make_unique<ActInput>();
    input->credential = std::move(result.credential);
    out_.push(std::move(input));
  }
  out_.producer_done();
}

}  // namespace portier
