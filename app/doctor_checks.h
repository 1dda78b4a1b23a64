// What `portier doctor` checks: everything an installer can get wrong, each
// with a fix. The running service shows the checks that do not need the
// devices or links it holds on the console's status page.
#pragma once

#include <string>
#include <vector>

#include "app/config.h"

namespace portier {

struct DoctorCheck {
  enum class Status { Ok, Warn, Fail };
  std::string name;
  Status status = Status::Ok;
  std::string detail;
  std::string fix;  // what to do when it is not ok
};

// "ok", "warn" or "FAIL", as doctor prints it and the status page shows it.
const char* mark(DoctorCheck::Status status);

// Every check, in the order doctor prints them: config, models, liveness,
// camera, GPIO lines, reader, gallery, recognition, backend, broker, outbox,
// console, clock, BLAS. Opens the camera and requests the lines: not while
// the service runs.
std::vector<DoctorCheck> doctor_checks(const Config& config);
// Those a running service can make without disturbing itself: not the camera
// and lines it holds, nor its links (the status page shows them live).
std::vector<DoctorCheck> running_service_checks(const Config& config);

}  // namespace portier
