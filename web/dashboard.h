#pragma once
/// The read-only web dashboard (`labd --http`, `labq serve`): cpp-httplib
/// serving web/routes.h over the results database. GET and HEAD only; each
/// server thread reads through its own read-only connections, kept between
/// requests (web/connections.h), so it never writes the store and never
/// blocks the daemon's writes (WAL).

#include <functional>
#include <memory>
#include <string>

#include "web/auth.h"
#include "web/routes.h"

namespace labq::web {

struct DashboardOptions {
  std::string db_path = "labq.db";
  HttpAddress address{"127.0.0.1", 8080};
  /// Required when `address` is not loopback; then every request must carry it.
  std::string token;
  /// Wired in by the binary that has a plotting engine; null: no figures.
  FigureRenderer figures;
  /// Called with one line per request ("GET /api/jobs/3 200"); null: quiet.
  std::function<void(const std::string&)> access_log;
};

class Dashboard {
 public:
  /// Checks the options (a non-loopback address without a token is refused
  /// with labq::Error) and sets up the routes; listens on nothing yet.
  explicit Dashboard(DashboardOptions options);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  /// Binds the address (port 0: a free one); throws labq::Error naming it
  /// when it cannot. Returns the port.
  int Bind();
  /// Serves on a background thread until Stop() or destruction; binds first
  /// if Bind() was not called.
  void Start();
  /// Serves on this thread until Stop() from another thread.
  void Serve();
  void Stop();
  int port() const;
  /// "http://127.0.0.1:8080/" (brackets around IPv6 hosts).
  std::string Url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labq::web
