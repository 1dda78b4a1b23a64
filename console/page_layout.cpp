#include "console/page_layout.h"

#include <cctype>

#include <fmt/format.h>

namespace portier {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string layout(const std::string& title, const std::string& body) {
  return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + html_escape(title) + "</title><link rel=\"stylesheet\" href=\"/static/console.css\">"
         "<script src=\"/static/console.js\" defer></script></head><body>" + body + "</body></html>";
}

std::string top_bar(const std::string& device_id, const std::string& admin, const std::string& csrf,
                    const std::string& here) {
  auto link = [&](const char* href, const char* label) {
    return here == href ? fmt::format("<a href=\"{}\" aria-current=\"page\">{}</a>", href, label)
                        : fmt::format("<a href=\"{}\">{}</a>", href, label);
  };
  return "<header><h1>portier " + html_escape(device_id) + "</h1><nav>" + link("/", "Status") +
         link("/live", "Live view") + link("/users", "Users") + link("/log", "Access log") + "</nav><form method=\"post\" action=\"/logout\"><input type=\"hidden\" "
         "name=\"csrf\" value=\"" + html_escape(csrf) + "\"><span>" + html_escape(admin) +
         "</span> <button id=\"logout\">Log out</button></form></header>";
}

std::string url_encode(const std::string& text) {
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string csrf_field(const std::string& csrf) {
  return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf) + "\">";
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace portier
