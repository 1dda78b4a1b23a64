// The console's pages as HTML text: plain markup, one stylesheet and one
// small script served from the binary (a door may have no internet: no CDN).
// Every value shown is escaped here.
#pragma once

#include <string>

#include "console/door_console.h"

namespace portier {

std::string html_escape(const std::string& text);

// Nobody can log in yet: how to make the first account, and nothing else.
std::string no_admin_page(const std::string& device_id);
std::string login_page(const std::string& device_id, const std::string& message);
std::string status_page(const ConsoleStatus& status, const std::string& admin, const std::string& csrf);
// The status as JSON, for the page's refresh.
std::string status_json(const ConsoleStatus& status);
std::string message_page(const std::string& title, const std::string& message);

extern const char* const kConsoleCss;
extern const char* const kConsoleJs;

}  // namespace portier
