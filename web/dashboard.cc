#include "web/dashboard.h"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/error.h"
#include "web/html.h"

namespace labq::web {

struct Dashboard::Impl {
  DashboardOptions options;
  Routes routes;
  httplib::Server server;
  std::thread thread;
  int port = -1;

  explicit Impl(DashboardOptions o)
      : options(std::move(o)), routes(options.db_path, options.figures) {}
};

namespace {

Query QueryOf(const httplib::Request& req) {
  Query q;
  for (const auto& [k, v] : req.params) q.emplace(k, v);  // first value of a repeated key
  return q;
}

void Send(httplib::Response& res, const Reply& reply) {
  res.status = reply.status;
  if (!reply.filename.empty()) {
    res.set_header("Content-Disposition", "attachment; filename=\"" + reply.filename + "\"");
  }
  res.set_content(reply.body, reply.content_type.c_str());
}

/// Defence in depth behind the escaping: no inline script runs, nothing
/// loads from elsewhere, and no page can frame the dashboard.
void SecurityHeaders(httplib::Response& res) {
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                 "connect-src 'self'; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

bool IsJsonPath(const std::string& path) { return path.rfind("/api/", 0) == 0; }

/// 405 for anything but GET/HEAD, 401 without the token, 403 for a foreign
/// Host on a token-less loopback dashboard. Handled = answered here.
httplib::Server::HandlerResponse Admit(const DashboardOptions& o, const httplib::Request& req,
                                       httplib::Response& res) {
  SecurityHeaders(res);
  const bool json = IsJsonPath(req.path);
  if (req.method != "GET" && req.method != "HEAD") {
    res.set_header("Allow", "GET, HEAD");
    Send(res,
         ErrorReply(405, "the dashboard is read-only: " + req.method + " is not allowed", json));
    return httplib::Server::HandlerResponse::Handled;
  }
  if (o.token.empty()) {
    if (!IsLoopbackHostHeader(req.get_header_value("Host"))) {
      Send(res,
           ErrorReply(403, "this dashboard answers only requests for 127.0.0.1/localhost", json));
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }
  std::optional<std::string> query_token;
  if (req.has_param("token")) query_token = req.get_param_value("token");
  const auto offered = OfferedToken(req.get_header_value("Authorization"), query_token,
                                    req.get_header_value("Cookie"));
  if (!offered || !ConstantTimeEquals(*offered, o.token)) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"labq\"");
    Send(res, ErrorReply(401,
                         offered ? "wrong token"
                                 : "this dashboard needs a token: 'Authorization: Bearer T' or "
                                   "?token=T",
                         json));
    return httplib::Server::HandlerResponse::Handled;
  }
  if (query_token) {
    // The page's own fetches then carry it without putting it in URLs.
    res.set_header("Set-Cookie",
                   "labq_token=" + *query_token + "; Path=/; HttpOnly; SameSite=Strict");
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void AddRoutes(httplib::Server& s, const Routes& r) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  s.Get("/", [&r](Req, Res res) { Send(res, r.SweepsPage()); });
  s.Get("/static/app.js",
        [](Req, Res res) { res.set_content(AppScript(), "text/javascript; charset=utf-8"); });
  s.Get("/static/app.css",
        [](Req, Res res) { res.set_content(AppStyle(), "text/css; charset=utf-8"); });
  s.Get(R"(/sweeps/([^/]+))",
        [&r](Req req, Res res) { Send(res, r.SweepPage(req.matches[1], QueryOf(req))); });
  s.Get(R"(/sweeps/([^/]+)/tables/([a-z0-9_]+)\.csv)",
        [&r](Req req, Res res) { Send(res, r.TableCsv(req.matches[1], req.matches[2])); });
  s.Get(R"(/sweeps/([^/]+)/tables/([a-z0-9_]+))",
        [&r](Req req, Res res) { Send(res, r.TablePage(req.matches[1], req.matches[2])); });
  s.Get(R"(/sweeps/([^/]+)/figures/([a-z0-9_]+)\.svg)", [&r](Req req, Res res) {
    Send(res, r.Figure(req.matches[1], req.matches[2]));
    // An SVG may hold script; as a document of its own it runs none.
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  });
  s.Get(R"(/jobs/(\d+))", [&r](Req req, Res res) { Send(res, r.JobPage(req.matches[1])); });
  s.Get("/api/sweeps", [&r](Req, Res res) { Send(res, r.ApiSweeps()); });
  s.Get(R"(/api/sweeps/([^/]+)/jobs)",
        [&r](Req req, Res res) { Send(res, r.ApiSweepJobs(req.matches[1], QueryOf(req))); });
  s.Get(R"(/api/jobs/(\d+))", [&r](Req req, Res res) { Send(res, r.ApiJob(req.matches[1])); });
  s.Get(R"(/api/jobs/(\d+)/log)",
        [&r](Req req, Res res) { Send(res, r.ApiJobLog(req.matches[1], QueryOf(req))); });
}

}  // namespace

Dashboard::Dashboard(DashboardOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {
  RequireTokenBeyondLoopback(impl_->options.address, impl_->options.token);
  for (unsigned char c : impl_->options.token) {
    // It travels in headers, a cookie and URLs: keep it to what needs no quoting.
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != '~') {
      throw Error("--token: use letters, digits and - _ . ~ only");
    }
  }
  auto& s = impl_->server;
  const DashboardOptions& o = impl_->options;
  s.set_pre_routing_handler(
      [&o](const httplib::Request& req, httplib::Response& res) { return Admit(o, req, res); });
  AddRoutes(s, impl_->routes);
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (res.status == 404 && res.body.empty()) {
      Send(res, ErrorReply(404, "no page " + req.path + " (start at /)", IsJsonPath(req.path)));
    }
  });
  if (o.access_log) {
    s.set_logger([&o](const httplib::Request& req, const httplib::Response& res) {
      o.access_log(req.method + " " + req.path + " " + std::to_string(res.status));
    });
  }
}

Dashboard::~Dashboard() { Stop(); }

int Dashboard::Bind() {
  if (impl_->port >= 0) return impl_->port;
  const auto& a = impl_->options.address;
  const bool ok = a.port == 0 ? (impl_->port = impl_->server.bind_to_any_port(a.host)) > 0
                              : impl_->server.bind_to_port(a.host, a.port);
  if (!ok) {
    impl_->port = -1;
    throw Error("--http " + a.host + ":" + std::to_string(a.port) +
                ": cannot listen there (in use, or not an address of this machine)");
  }
  if (a.port != 0) impl_->port = a.port;
  return impl_->port;
}

void Dashboard::Serve() {
  Bind();
  impl_->server.listen_after_bind();
}

void Dashboard::Start() {
  Bind();
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // stop() before the thread listens would be lost (it would then serve
  // forever), so return only once it listens: a start-up wait, bounded.
  for (int i = 0; i < 5000 && !impl_->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Dashboard::Stop() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int Dashboard::port() const { return impl_->port; }

std::string Dashboard::Url() const {
  const auto& host = impl_->options.address.host;
  const bool v6 = host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(impl_->port) + "/";
}

}  // namespace labq::web
