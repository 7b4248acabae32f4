#pragma once
/// HTML escaping, shared by the report writer (viz/) and the dashboard (web/).

#include <string>
#include <string_view>

namespace labq {

/// & < > " ' as HTML entities: safe in element text and in quoted attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace labq
