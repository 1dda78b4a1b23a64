#include "console/console_pages.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "console/page_layout.h"

namespace portier {

namespace {

std::string yes_no(const std::optional<bool>& door_open) {
  return !door_open ? "unknown (no contact wired)" : *door_open ? "open" : "closed";
}

std::string decisions_rows(const ConsoleStatus& s) {
  std::string rows;
  for (const auto& e : s.recent) {
    std::string credentials;
    for (const auto& c : e.credentials) credentials += (credentials.empty() ? "" : "+") + c;
    rows += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        e.result == Verdict::Granted ? "granted" : "denied", html_escape(e.time),
                        html_escape(to_string(e.result)), html_escape(e.user_name.value_or("")), html_escape(credentials),
                        e.distance ? fmt::format("{:.3f}", *e.distance) : "",
                        e.liveness_score ? fmt::format("{:.2f}", *e.liveness_score) : "");
  }
  if (rows.empty()) rows = "<tr><td colspan=\"6\">no decisions since the service started</td></tr>";
  return rows;
}

// `portier doctor`'s checks a running service can make, each with its fix.
std::string checks_section(const std::vector<ConsoleCheck>& checks) {
  if (checks.empty()) return "";
  std::string rows;
  for (const auto& c : checks)
    rows += fmt::format("<tr class=\"{}\"><th>{}</th><td class=\"mark\">{}</td><td>{}{}</td></tr>", c.status == "ok" ? "ok" : "problem",
                        html_escape(c.name), html_escape(c.status), html_escape(c.detail),
                        c.fix.empty() || c.status == "ok" ? "" : "<br><span class=\"fix\">fix: " + html_escape(c.fix) + "</span>");
  return "<section class=\"wide\"><h2>Checks</h2><p>As <code>portier doctor</code> makes them, every 5 minutes; the camera "
         "and GPIO lines are the service's while it runs (their state is above): <code>portier doctor</code> checks them "
         "with the service stopped.</p><table id=\"checks\">" +
         rows + "</table></section>";
}

}  // namespace

std::string no_admin_page(const std::string& device_id) {
  return layout("portier " + device_id,
                "<main class=\"narrow\"><h1>portier " + html_escape(device_id) +
                    "</h1><p>No console account exists yet. On the device, make one:</p>"
                    "<pre>sudo portier console user add NAME</pre>"
                    "<p>It asks for the password (10 characters or more). Then reload this page.</p></main>");
}

std::string login_page(const std::string& device_id, const std::string& message) {
  return layout("Log in: portier " + device_id,
                "<main class=\"narrow\"><h1>portier " + html_escape(device_id) + "</h1>" +
                    (message.empty() ? std::string() : "<p class=\"error\" id=\"message\">" + html_escape(message) + "</p>") +
                    "<form method=\"post\" action=\"/login\">"
                    "<label>Name <input name=\"name\" id=\"name\" autocomplete=\"username\" required></label>"
                    "<label>Password <input name=\"password\" id=\"password\" type=\"password\" "
                    "autocomplete=\"current-password\" required></label>"
                    "<button type=\"submit\" id=\"login\">Log in</button></form></main>");
}

std::string status_page(const ConsoleStatus& s, const std::string& admin, const std::string& csrf) {
  const std::string token = "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf) + "\">";
  std::string links;
  for (const auto& [name, state] : s.links)
    links += "<tr><th>" + html_escape(name) + "</th><td>" + html_escape(state) + "</td></tr>";
  if (s.outbox) links += fmt::format("<tr><th>events not yet delivered</th><td id=\"outbox\">{}</td></tr>", *s.outbox);
  if (links.empty()) links = "<tr><th>backend</th><td>none configured: events go to the journal only</td></tr>";
  const std::string body = top_bar(s.device_id, admin, csrf, "/") + fmt::format(
      R"(<main>
<section><h2>Door</h2><table>
<tr><th>face access</th><td id="face_access">{armed}</td></tr>
<tr><th>door</th><td id="door">{door}</td></tr>
<tr><th>lock</th><td id="lock">{lock}</td></tr>
<tr><th>verification mode</th><td id="mode">{mode}</td></tr>
</table>
<div class="controls">
<form method="post" action="/control/{toggle}">{token}<button id="{toggle}">{toggle_label}</button></form>
<form method="post" action="/control/unlock" data-confirm="Open the door now?">{token}<label><input type="checkbox" name="confirm" value="yes" required> I am at the door or know who is</label><button id="unlock">Unlock once</button></form>
<form method="post" action="/control/calibrate">{token}<label><input type="checkbox" name="confirm" value="yes" required> A real person stands at the door, facing the camera, and moves a little</label><button id="calibrate">Calibrate liveness to this camera</button></form>
</div></section>
<section><h2>Camera and decisions</h2><table>
<tr><th>frames per second</th><td id="fps">{fps:.1f}</td></tr>
<tr><th>frames captured / dropped</th><td id="frames">{captured} / {dropped}</td></tr>
<tr><th>decisions / granted</th><td id="decisions">{decisions} / {granted}</td></tr>
<tr><th>running for</th><td id="uptime">{uptime:.0f} s</td></tr>
</table></section>
<section><h2>Links</h2><table>{links}</table></section>
<section class="wide"><h2>Last decisions</h2><table id="recent"><tr><th>time</th><th>result</th><th>user</th><th>presented</th><th>distance</th><th>liveness</th></tr>{rows}</table></section>
{checks}</main>)",
      fmt::arg("token", token),
      fmt::arg("armed", s.face_access_armed ? "armed" : "disarmed"), fmt::arg("door", yes_no(s.door_open)),
      fmt::arg("lock", s.unlocked ? "unlocked" : "locked"),
      fmt::arg("mode", html_escape(s.mode)), fmt::arg("toggle", s.face_access_armed ? "disarm" : "arm"),
      fmt::arg("toggle_label", s.face_access_armed ? "Disarm face access" : "Arm face access"), fmt::arg("fps", s.fps),
      fmt::arg("captured", s.captured), fmt::arg("dropped", s.dropped), fmt::arg("decisions", s.decisions),
      fmt::arg("granted", s.granted), fmt::arg("uptime", s.uptime_s), fmt::arg("links", links),
      fmt::arg("rows", decisions_rows(s)), fmt::arg("checks", checks_section(s.checks)));
  return layout("portier " + s.device_id, body);
}

std::string log_page(const std::string& device_id, const AccessLogPage& page, const AccessLogQuery& q,
                     const std::string& admin, const std::string& csrf) {
  std::string results = "<option value=\"\">any</option>";
  for (const Verdict v : kAllVerdicts)
    results += fmt::format("<option{}>{}</option>", q.result == v ? " selected" : "", to_string(v));
  std::string rows;
  for (const auto& e : page.entries) {
    const std::string face =
        e.has_face ? "<img class=\"face\" alt=\"face\" loading=\"lazy\" src=\"/log/face?id=" + url_encode(e.id) + "\">" : "";
    rows += fmt::format(
        "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        e.result == "granted" ? "granted" : "denied", face, html_escape(e.local_time), html_escape(e.result),
        html_escape(e.user), html_escape(e.credentials), html_escape(e.mode),
        e.distance ? fmt::format("{:.3f}", *e.distance) : "", e.liveness ? fmt::format("{:.2f}", *e.liveness) : "",
        html_escape(e.reason));
  }
  if (rows.empty()) rows = "<tr><td colspan=\"9\">no decisions match</td></tr>";
  std::string filters;
  if (!q.user.empty()) filters += "&user=" + url_encode(q.user);
  if (q.result) filters += std::string("&result=") + to_string(*q.result);
  if (!q.day.empty()) filters += "&day=" + url_encode(q.day);
  std::string pager;
  if (q.before > 0)
    pager += "<a id=\"newest\" href=\"" + html_escape("/log?" + (filters.empty() ? "" : filters.substr(1))) + "\">Newest</a> ";
  if (page.more && !page.entries.empty())
    pager += "<a id=\"older\" href=\"" + html_escape(fmt::format("/log?before={}{}", page.entries.back().seq, filters)) +
             "\">Older</a>";
  const std::string body = top_bar(device_id, admin, csrf, "/log") + fmt::format(
      R"(<main><section class="wide"><h2>Access log</h2>
<form method="get" action="/log" class="filters">
<label>User <input name="user" id="user" value="{user}"></label>
<label>Result <select name="result" id="result">{results}</select></label>
<label>Day <input name="day" id="day" type="date" value="{day}"></label>
<button id="filter">Show</button></form>
<table id="log"><tr><th>face</th><th>time</th><th>result</th><th>user</th><th>presented</th><th>mode</th><th>distance</th><th>liveness</th><th>why</th></tr>{rows}</table>
<p class="pager">{pager}</p></section></main>)",
      fmt::arg("user", html_escape(q.user)), fmt::arg("results", results), fmt::arg("day", html_escape(q.day)),
      fmt::arg("rows", rows), fmt::arg("pager", pager));
  return layout("Access log: portier " + device_id, body);
}

std::string live_page(const std::string& device_id, const std::string& admin, const std::string& csrf, double fps) {
  return layout("Live view: portier " + device_id,
                top_bar(device_id, admin, csrf, "/live") +
                    fmt::format("<main><section class=\"wide\"><h2>Live view</h2><img id=\"live\" class=\"live\" "
                                "alt=\"the door camera, live\" src=\"/live.mjpg\"><p>At most {:g} frames a second. "
                                "Each face's box: white while undecided, green when let in, red when refused, with "
                                "the name, the distance and the liveness score.</p></section></main>",
                                fps));
}



std::string status_json(const ConsoleStatus& s) {
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& e : s.recent) recent.push_back(to_json(e));
  return nlohmann::json{{"device_id", s.device_id},
                        {"face_access", s.face_access_armed ? "armed" : "disarmed"},
                        {"door", yes_no(s.door_open)},
                        {"lock", s.unlocked ? "unlocked" : "locked"},
                        {"mode", s.mode},
                        {"fps", s.fps},
                        {"captured", s.captured},
                        {"dropped", s.dropped},
                        {"decisions", s.decisions},
                        {"granted", s.granted},
                        {"uptime_s", s.uptime_s},
                        {"outbox", s.outbox ? nlohmann::json(*s.outbox) : nlohmann::json(nullptr)},
                        {"recent", recent}}
      .dump();
}

std::string message_page(const std::string& title, const std::string& message) {
  return layout(title, "<main class=\"narrow\"><h1>" + html_escape(title) + "</h1><p id=\"message\">" +
                           html_escape(message) + "</p><p><a href=\"/\">Back</a></p></main>");
}

const char* const kConsoleCss = R"(body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#f6f6f4}
#checks tr.problem .mark{color:#a01010;font-weight:bold}#checks tr.ok .mark{color:#0a6a0a}#checks .fix{color:#555}
header{display:flex;justify-content:space-between;align-items:center;padding:.5em 1em;background:#234;color:#fff}
header h1{font-size:1.2em;margin:0}header form{margin:0}header nav a{color:#fff;margin-right:1em}
header nav a[aria-current]{font-weight:bold;text-decoration:none}.filters label{display:inline-block;margin-right:1em}
#log tr td:nth-child(2){color:inherit}#log tr.granted td:nth-child(3){color:#0a6a0a}#log tr.denied td:nth-child(3){color:#a01010}
img.live{max-width:100%;background:#000;min-height:240px}img.face{width:48px;height:48px;object-fit:cover;border-radius:4px}td{vertical-align:middle}
main{display:flex;flex-wrap:wrap;gap:1em;padding:1em}main.narrow{display:block;max-width:26em;margin:3em auto}
section{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em 1em;min-width:18em}section.wide{flex-basis:100%}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.2em .5em;border-bottom:1px solid #eee}
tr.granted td:nth-child(2){color:#0a6a0a}tr.denied td:nth-child(2){color:#a01010}
label{display:block;margin:.5em 0}input{font:inherit}button{font:inherit;padding:.3em .8em;margin:.3em 0}
.controls form{margin:.5em 0}.error{color:#a01010}.ok{color:#0a6a0a}#users form{margin:0}pre{background:#eee;padding:.5em})";

const char* const kConsoleJs = R"((function(){
document.querySelectorAll('form[data-confirm]').forEach(function(f){
  f.addEventListener('submit',function(e){if(!window.confirm(f.getAttribute('data-confirm')))e.preventDefault();});});
var face=document.getElementById('face_access');if(!face)return;
function set(id,v){var el=document.getElementById(id);if(el)el.textContent=v;}
setInterval(function(){fetch('/api/status',{credentials:'same-origin'}).then(function(r){
  if(r.status===401){window.location='/login';return null;}return r.json();}).then(function(s){if(!s)return;
  set('face_access',s.face_access);set('door',s.door);set('lock',s.lock);set('mode',s.mode);set('fps',s.fps.toFixed(1));
  set('frames',s.captured+' / '+s.dropped);set('decisions',s.decisions+' / '+s.granted);
  set('uptime',Math.round(s.uptime_s)+' s');if(s.outbox!==null)set('outbox',s.outbox);}).catch(function(){});},3000);
})();)";

}  // namespace portier
