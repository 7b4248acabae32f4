#pragma once
/// Escaping for what the dashboard prints, and the page frame every page
/// shares. Sweep names, job names, parameters and logs are user data: each is
/// escaped for the context it lands in, and no page builds script from them
/// (the one script is static, /static/app.js, and reads data-* attributes).

#include <string>
#include <string_view>

#include "common/html_escape.h"  // HtmlEscape

namespace labq::web {

/// Percent-encodes everything but unreserved characters (RFC 3986), for one
/// path segment or query value.
std::string UrlEncode(std::string_view text);
/// "3m 12s", "1h 05m", "unknown" (negative), "-" (zero).
std::string FormatEta(double seconds);

/// A whole page: `title` is escaped here; `body` must already be safe HTML.
/// `body_attributes` (already escaped) go on <body>, e.g. data-poll URLs.
std::string Page(const std::string& title, const std::string& body,
                 const std::string& body_attributes = "");

/// The static script and style every page loads (same origin, so the
/// Content-Security-Policy can forbid inline script).
const std::string& AppScript();
const std::string& AppStyle();

}  // namespace labq::web
