// Where a state-changing request came from. The CSRF token and the
// SameSite=Strict cookie already stop a forged form; this is the third,
// independent check OWASP recommends: a browser names the page that sent a
// POST in `Origin` (or, failing that, `Referer`), and a page of another
// site can never name this console.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace portier {

// Null when the request may go on: its Origin (or, with none, its Referer)
// is https://HOST of this request's own Host header (the port 443 may be
// written or left out), or it carries neither (a script such as curl, which
// no other site can drive). Otherwise why it is refused: a foreign origin,
// "null" (a sandboxed or opaque page), or one not over https.
std::optional<std::string> foreign_origin(std::string_view origin, std::string_view referer, std::string_view host);

}  // namespace portier
