// What every console page shares: escaping, the frame of a page, the bar
// of a logged-in admin, and small text helpers.
#pragma once

#include <string>
#include <vector>

namespace portier {

std::string html_escape(const std::string& text);
// A whole page: the head with the one stylesheet and script, and `body`.
std::string layout(const std::string& title, const std::string& body);
// The bar on every page of a logged-in admin: where to go (`here` marked),
// who is in, and the logout form.
std::string top_bar(const std::string& device_id, const std::string& admin, const std::string& csrf,
                    const std::string& here);
// For a link's query string: everything but unreserved characters escaped.
std::string url_encode(const std::string& text);
// A form's hidden CSRF field.
std::string csrf_field(const std::string& csrf);
std::string lower(std::string text);
std::string joined(const std::vector<std::string>& items);  // "a, b, c"

}  // namespace portier
