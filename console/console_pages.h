// The console's pages as HTML text: plain markup, one stylesheet and one
// small script served from the binary (a door may have no internet: no CDN).
// Every value shown is escaped here.
#pragma once

#include <string>

#include "access/access_log.h"
#include "console/door_console.h"
#include "console/page_layout.h"

namespace portier {

// Nobody can log in yet: how to make the first account, and nothing else.
std::string no_admin_page(const std::string& device_id);
std::string login_page(const std::string& device_id, const std::string& message);
std::string status_page(const ConsoleStatus& status, const std::string& admin, const std::string& csrf);
// The access log, one page of it, with the filters that chose it.
std::string log_page(const std::string& device_id, const AccessLogPage& page, const AccessLogQuery& query,
                     const std::string& admin, const std::string& csrf);
// The camera, live, with the faces drawn in (/live.mjpg).
std::string live_page(const std::string& device_id, const std::string& admin, const std::string& csrf, double fps);
// The enrolled users (those whose name contains `search`, any case), with
// enrolment by upload or from the camera and removal; `message_html` (made
// here or by the server, escaped) above the list.
std::string users_page(const std::string& device_id, const ConsoleUsers& users, const std::string& search,
                       const std::string& admin, const std::string& csrf, const std::string& message_html);
// One user, with the forms that change their cards, groups, mode, validity
// and PIN (/users/change).
std::string user_page(const std::string& device_id, const ConsoleUser& user, const std::string& admin,
                      const std::string& csrf, const std::string& message_html);
// The status as JSON, for the page's refresh.
std::string status_json(const ConsoleStatus& status);
std::string message_page(const std::string& title, const std::string& message);

extern const char* const kConsoleCss;
extern const char* const kConsoleJs;

}  // namespace portier
