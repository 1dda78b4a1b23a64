// The retained door state (locked or unlocked, door open, face access
// armed): every change is published from the task thread, in the order it
// happened. BackendLink is in backend_link.h.
#include "backend-client/backend_link.h"

#include <spdlog/spdlog.h>

#include "access/face_access_state.h"
#include "backend-client/mqtt_link.h"

namespace portier {

void BackendLink::on_door_change(std::optional<DoorState::Clock::time_point> relocks_at) {
  tasks_.post([this] { publish_state(); });
  if (relocks_at) tasks_.post([this] { publish_state(); }, *relocks_at + std::chrono::milliseconds(20));
}

void BackendLink::set_armed(bool armed) {
  gate_.set_armed(armed);
  if (auto why = save_face_access(options_.state_dir, armed))
    spdlog::warn("face access {} but not saved: {}", armed ? "armed" : "disarmed", *why);
  // On the task thread, as every other state change: published inline from
  // the console's thread, it could overtake (or be overtaken by) a door
  // contact's publication, and the retained state would end out of date.
  tasks_.post([this] { publish_state(); });
}

void BackendLink::publish_state(bool even_if_unchanged) {
  if (!mqtt_ || !mqtt_->connected()) return;
  DoorStateMessage s;
  s.face_access_armed = gate_.armed();
  s.unlocked = door_state_.unlocked();
  s.door_open = door_state_.door_open();
  if (!even_if_unchanged && published_state_ == s) return;
  if (auto why = mqtt_->publish(topic("state"), door_state_message(options_.device_id, s), true, std::chrono::seconds(5))) {
    spdlog::warn("mqtt: door state not published: {}", *why);
    return;  // not recorded: the next change or connection sends it
  }
  published_state_ = s;
}

}  // namespace portier
