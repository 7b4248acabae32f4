#pragma once
/// Who may read the dashboard: where it listens, and the token a request must
/// carry when it listens beyond this machine.

#include <optional>
#include <string>
#include <string_view>

namespace labq::web {

struct HttpAddress {
  std::string host;  ///< "127.0.0.1", "::1", "0.0.0.0", "localhost"...
  int port = 0;      ///< 0: any free port (tests)
};

/// "HOST:PORT" or "[V6]:PORT"; throws labq::Error naming `flag` and the text.
HttpAddress ParseHttpAddress(const std::string& text, const std::string& flag = "--http");

/// 127.0.0.0/8, ::1 and "localhost": only this machine can connect.
bool IsLoopbackHost(const std::string& host);

/// Refuses (labq::Error) a non-loopback address without a token: logs and
/// parameters are not for everyone on the network.
void RequireTokenBeyondLoopback(const HttpAddress& address, const std::string& token);

/// Equal strings, in time that depends only on `expected`'s length, so a
/// client cannot find the token byte by byte from response times.
bool ConstantTimeEquals(std::string_view given, std::string_view expected);

/// What a request offers as its token, first found of: `Authorization:
/// Bearer T`, `?token=T`, the `labq_token` cookie. nullopt when none.
std::optional<std::string> OfferedToken(const std::string& authorization_header,
                                        const std::optional<std::string>& query_token,
                                        const std::string& cookie_header);

/// A Host header that names this machine ("127.0.0.1:8080", "localhost",
/// "[::1]:80"): a loopback dashboard without a token answers only these, so a
/// web page cannot read it through DNS rebinding.
bool IsLoopbackHostHeader(const std::string& host_header);

}  // namespace labq::web
