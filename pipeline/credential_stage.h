#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "access/access_event.h"
#include "hal/credential_reader.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/messages.h"

namespace portier {

// Reads the card reader and hands each credential to the act stage, with a
// tick when nothing came so that waiting credentials expire on time. A
// reader that cannot be read raises reader_down (once) and is retried with
// backoff; reader_up when it reads again.
class CredentialStage {
 public:
  CredentialStage(CredentialReader& reader, EventSink& events, std::string device_id, BoundedQueue<ActInput>& out)
      : reader_(reader), events_(events), device_id_(std::move(device_id)), out_(out) {}
  // Until `stop`, or until the faces' stream has ended (`faces_done`).
  void run(const std::atomic<bool>& stop, const std::atomic<bool>& faces_done);
  std::uint64_t credentials() const { return credentials_; }

 private:
  CredentialReader& reader_;
  EventSink& events_;
  std::string device_id_;
  BoundedQueue<ActInput>& out_;
  std::uint64_t credentials_ = 0;
};

}  // namespace portier
