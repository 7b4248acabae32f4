#include "web/auth.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"

namespace labq::web {

HttpAddress ParseHttpAddress(const std::string& text, const std::string& flag) {
  const auto bad = [&](const std::string& why) {
    return Error(flag + ": '" + text + "' " + why + " (want HOST:PORT, e.g. 127.0.0.1:8080)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) throw bad("has no port");
  HttpAddress a;
  a.host = text.substr(0, colon);
  if (a.host.front() == '[') {
    if (a.host.size() < 3 || a.host.back() != ']') throw bad("has an unclosed [IPv6] host");
    a.host = a.host.substr(1, a.host.size() - 2);
  } else if (a.host.find(':') != std::string::npos) {
    throw bad("needs brackets around an IPv6 host");
  }
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw bad("has no numeric port");
  }
  a.port = std::stoi(port);
  if (a.port > 65535) throw bad("has a port above 65535");
  return a;
}

bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

void RequireTokenBeyondLoopback(const HttpAddress& address, const std::string& token) {
  if (IsLoopbackHost(address.host) || !token.empty()) return;
  throw Error("--http " + address.host + ":" + std::to_string(address.port) +
              " is reachable from other machines; give --token T (clients send "
              "'Authorization: Bearer T' or ?token=T), or listen on 127.0.0.1");
}

bool ConstantTimeEquals(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared whatever `given` holds; the length
  // difference is folded in rather than returned early.
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return diff == 0;
}

namespace {

std::optional<std::string> CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string pair = header.substr(pos, end - pos);
    const size_t start = pair.find_first_not_of(' ');
    pair = start == std::string::npos ? "" : pair.substr(start);
    if (pair.compare(0, name.size() + 1, name + "=") == 0) return pair.substr(name.size() + 1);
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> OfferedToken(const std::string& authorization_header,
                                        const std::optional<std::string>& query_token,
                                        const std::string& cookie_header) {
  const std::string bearer = "Bearer ";
  if (authorization_header.compare(0, bearer.size(), bearer) == 0) {
    return authorization_header.substr(bearer.size());
  }
  if (query_token) return query_token;
  return CookieValue(cookie_header, "labq_token");
}

bool IsLoopbackHostHeader(const std::string& host_header) {
  std::string host = host_header;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string::npos) return false;
    host = host.substr(1, close - 1);
  } else if (const size_t colon = host.rfind(':'); colon != std::string::npos) {
    host = host.substr(0, colon);
  }
  return IsLoopbackHost(host);
}

}  // namespace labq::web
