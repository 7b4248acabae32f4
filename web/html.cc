#include "web/html.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace labq::web {

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string FormatEta(double seconds) {
  if (seconds < 0) return "unknown";
  const long long s = std::llround(seconds);
  if (s == 0) return "-";
  char buf[64];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lldh %02lldm", s / 3600, s % 3600 / 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%lldm %02llds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%llds", s);
  }
  return buf;
}

std::string Page(const std::string& title, const std::string& body,
                 const std::string& body_attributes) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         HtmlEscape(title) +
         " - labq</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
         "<script src=\"/static/app.js\" defer></script></head>\n<body" +
         (body_attributes.empty() ? "" : " " + body_attributes) +
         ">\n<header><a href=\"/\">labq</a> <span id=\"live\" class=\"live\"></span>"
         "</header>\n<main>\n" +
         body + "\n</main>\n</body></html>\n";
}

}  // namespace labq::web
