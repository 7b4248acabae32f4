/// `labq serve`: the web dashboard over a results database, without a daemon
/// (a copied database, a finished sweep, a machine where labd runs elsewhere).

#include <signal.h>

#include <cstdio>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "viz/svg_renderer.h"
#include "web/dashboard.h"

namespace labq {
namespace {

struct ServeArgs {
  std::string http = "127.0.0.1:8080";
  std::string token;
};

int CmdServe(const std::string& db_path, const ServeArgs& a) {
  web::DashboardOptions options;
  options.db_path = db_path;
  options.address = web::ParseHttpAddress(a.http);
  options.token = a.token;
  options.figures = viz::MakeSvgRenderer(db_path);
  options.access_log = [](const std::string& line) {
    std::fprintf(stderr, "labq serve: %s\n", line.c_str());
  };
  web::Dashboard dashboard(options);   // refuses a non-loopback address without a token
  ResultStore::OpenReadOnly(db_path);  // a missing database is an error now, not per page
  // Blocked before the server's threads start, so they inherit the mask and
  // only sigwait below sees Ctrl-C.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  dashboard.Start();
  std::fprintf(stderr, "labq serve: dashboard of %s on %s (read-only; Ctrl-C stops)\n",
               db_path.c_str(), dashboard.Url().c_str());
  int sig = 0;
  sigwait(&signals, &sig);
  dashboard.Stop();
  return 0;
}

}  // namespace

void AddServeCommands(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand("serve", "read-only web dashboard of the database (no daemon)");
  serve->add_option("--http", a->http,
                    "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any)");
  serve->add_option("--token", a->token,
                    "required for a non-loopback HOST: clients send 'Authorization: Bearer T' "
                    "or ?token=T");
  serve->callback([&ctx, a] { ctx.exit_code = CmdServe(ctx.db, *a); });
}

}  // namespace labq
