// The users list and one user's page: enrolment, removal, and the changes of
// `portier users` (cards, groups, mode, validity, PIN).
#include <fmt/format.h>

#include "access/verification_mode.h"
#include "console/console_pages.h"
#include "console/page_layout.h"

namespace portier {

namespace {

std::string report_section(const std::string& message_html) {
  return message_html.empty() ? "" : "<section class=\"wide\" id=\"report\">" + message_html + "</section>";
}

}  // namespace

std::string users_page(const std::string& device_id, const ConsoleUsers& u, const std::string& search,
                       const std::string& admin, const std::string& csrf, const std::string& message_html) {
  const std::string token = csrf_field(csrf);
  const bool can_change = !u.from_backend;
  std::string rows;
  size_t shown = 0;
  for (const auto& user : u.users) {
    if (!search.empty() && lower(user.name).find(lower(search)) == std::string::npos) continue;
    ++shown;
    const std::string actions =
        can_change ? "<a class=\"edit\" href=\"/users/edit?name=" + url_encode(user.name) + "\">Edit</a> " +
                         "<form method=\"post\" action=\"/users/remove\" data-confirm=\"Remove " + html_escape(user.name) +
                         " and every photo of them?\">" + token + "<input type=\"hidden\" name=\"name\" value=\"" +
                         html_escape(user.name) + "\"><button class=\"remove\">Remove</button></form>"
                   : "";
    rows += fmt::format(
        "<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td class=\"lookalike\">{}</td><td class=\"actions\">{}</td></tr>",
        html_escape(user.name), user.photos, html_escape(user.created_at), html_escape(joined(user.cards)),
        user.pin ? "set" : "", html_escape(joined(user.groups)), html_escape(user.mode.empty() ? "the door's" : user.mode),
        html_escape(user.valid), user.synced ? "backend" : "here", html_escape(user.lookalike), actions);
  }
  if (rows.empty())
    rows = search.empty() ? "<tr><td colspan=\"11\">nobody is enrolled yet</td></tr>"
                          : "<tr><td colspan=\"11\">nobody's name contains that</td></tr>";
  std::string forms;
  if (can_change) {
    forms = fmt::format(
        R"(<section><h2>Enrol from photos</h2>
<form method="post" action="/users/enrol" enctype="multipart/form-data">{token}
<label>Name <input name="name" id="enrol_name" maxlength="64" required></label>
<label>Photos (JPEG or PNG, one face each, up to 5) <input type="file" name="photos" id="photos" accept="image/jpeg,image/png" multiple required></label>
<button id="enrol">Enrol</button></form></section>
<section><h2>Enrol from the camera</h2>
<form method="post" action="/users/enrol-camera">{token}
<p>The person stands at the door, facing the camera; a few frames are taken over about two seconds and each is checked as a photo is.</p>
<label>Name <input name="name" id="camera_name" maxlength="64" required></label>
<button id="enrol_camera">Take it from the camera</button></form></section>)",
        fmt::arg("token", token));
  } else {
    forms = "<section><p id=\"from-backend\">The backend owns the users of this door (<code>backend.sync_users</code>): "
            "enrol, change and remove them there; changes made here would be replaced at its next sync.</p></section>";
  }
  const std::string body =
      top_bar(device_id, admin, csrf, "/users") +
      fmt::format(
          R"(<main>{message}<section class="wide"><h2>Users</h2>
<form method="get" action="/users" class="filters"><label>Name contains <input name="q" id="q" value="{search}"></label><button id="search">Search</button></form>
<table id="users"><tr><th>name</th><th>photos</th><th>enrolled</th><th>cards</th><th>PIN</th><th>groups</th><th>mode</th><th>valid</th><th>from</th><th>looks like</th><th></th></tr>{rows}</table>
<p>{shown} of {total} users.</p></section>{forms}</main>)",
          fmt::arg("message", report_section(message_html)), fmt::arg("search", html_escape(search)),
          fmt::arg("rows", rows), fmt::arg("shown", shown), fmt::arg("total", u.users.size()), fmt::arg("forms", forms));
  return layout("Users: portier " + device_id, body);
}

std::string user_page(const std::string& device_id, const ConsoleUser& user, const std::string& admin,
                      const std::string& csrf, const std::string& message_html) {
  const std::string name = html_escape(user.name);
  // Every form posts the user, the change and this session's token.
  const auto form = [&](const char* what, const std::string& fields, const std::string& button,
                        const std::string& confirm = "") {
    return fmt::format(
        "<form method=\"post\" action=\"/users/change\"{}>{}<input type=\"hidden\" name=\"name\" value=\"{}\">"
        "<input type=\"hidden\" name=\"what\" value=\"{}\">{}{}</form>",
        confirm.empty() ? "" : " data-confirm=\"" + html_escape(confirm) + "\"", csrf_field(csrf), name, what, fields,
        button);
  };
  std::string cards;
  for (size_t i = 0; i < user.cards.size(); ++i)
    cards += "<li><span class=\"card\">" + html_escape(user.cards[i]) + "</span> " +
             form("card-remove",
                  fmt::format("<input type=\"hidden\" name=\"index\" value=\"{}\"><input type=\"hidden\" name=\"value\" "
                              "value=\"{}\">",
                              i, html_escape(user.cards[i])),
                  "<button class=\"remove\">Take back</button>", "Take card " + user.cards[i] + " back from " + user.name + "?") +
             "</li>";
  std::string groups;
  for (const auto& g : user.groups)
    groups += "<li>" + html_escape(g) + " " +
              form("group-remove", "<input type=\"hidden\" name=\"value\" value=\"" + html_escape(g) + "\">",
                   "<button class=\"remove\">Take out</button>") +
              "</li>";
  std::string modes = fmt::format("<option value=\"\"{}>the door's</option>", user.mode.empty() ? " selected" : "");
  for (const auto m : {VerificationMode::Face, VerificationMode::Card, VerificationMode::CardOrFace,
                       VerificationMode::CardAndFace, VerificationMode::FaceAndPin, VerificationMode::CardAndPin})
    modes += fmt::format("<option value=\"{0}\"{1}>{0}</option>", html_escape(to_string(m)),
                         user.mode == to_string(m) ? " selected" : "");
  const std::string body =
      top_bar(device_id, admin, csrf, "/users") +
      fmt::format(
          R"(<main>{message}<section class="wide"><h2 id="user">{name}</h2>
<p>{photos} photo{plural} enrolled {created}; {source}. <a href="/users">All users</a></p>{lookalike}</section>
<section><h2>Cards</h2><ul id="cards">{cards}</ul>
{add_card}</section>
<section><h2>Groups</h2><p>The access policy says when each group may enter.</p><ul id="groups">{groups}</ul>
{add_group}</section>
<section><h2>Verification mode</h2><p>Their own mode applies where it asks for more than the door's.</p>
{mode}</section>
<section><h2>Valid</h2><p id="valid">{valid}</p>
{validity}</section>
<section><h2>PIN</h2><p id="pin">{pin}</p>
{set_pin}{remove_pin}</section></main>)",
          fmt::arg("message", report_section(message_html)), fmt::arg("name", name), fmt::arg("photos", user.photos),
          fmt::arg("plural", user.photos == 1 ? "" : "s"), fmt::arg("created", html_escape(user.created_at)),
          fmt::arg("source", user.synced ? "from the backend" : "enrolled here"), fmt::arg("cards", cards),
          fmt::arg("lookalike", user.lookalike.empty() ? std::string()
                                                       : "<p id=\"lookalike\">Looks like " + html_escape(user.lookalike) +
                                                             " (a look-alike is enrolled).</p>"),
          fmt::arg("add_card",
                   form("card-add",
                        "<label>Card number, as the reader gives it <input name=\"value\" id=\"card\" maxlength=\"32\" "
                        "autocomplete=\"off\" required></label>",
                        "<button id=\"add_card\">Give card</button>")),
          fmt::arg("groups", groups),
          fmt::arg("add_group", form("group-add",
                                     "<label>Group <input name=\"value\" id=\"group\" maxlength=\"64\" required></label>",
                                     "<button id=\"add_group\">Put in group</button>")),
          fmt::arg("mode", form("mode", "<label>Mode <select name=\"value\" id=\"mode\">" + modes + "</select></label>",
                                "<button id=\"set_mode\">Set mode</button>")),
          fmt::arg("valid", html_escape(user.valid)),
          fmt::arg("validity",
                   form("valid",
                        fmt::format("<label>From (first day) <input type=\"date\" name=\"from\" id=\"valid_from\" "
                                    "value=\"{}\"></label><label>Until (last day, included) <input type=\"date\" "
                                    "name=\"until\" id=\"valid_until\" value=\"{}\"></label><p>Both empty: always.</p>",
                                    html_escape(user.valid_from), html_escape(user.valid_until)),
                        "<button id=\"set_valid\">Set validity</button>")),
          fmt::arg("pin", user.pin ? "A PIN is set." : "No PIN."),
          fmt::arg("set_pin", form("pin-set",
                                   "<label>New PIN (digits) <input type=\"password\" name=\"value\" id=\"new_pin\" "
                                   "inputmode=\"numeric\" autocomplete=\"new-password\" maxlength=\"12\" required></label>",
                                   "<button id=\"set_pin\">Set PIN</button>")),
          fmt::arg("remove_pin", user.pin ? form("pin-remove", "", "<button id=\"remove_pin\" class=\"remove\">Remove PIN</button>",
                                                 "Remove the PIN of " + user.name + "?")
                                          : ""));
  return layout(user.name + ": portier " + device_id, body);
}

}  // namespace portier
