/// labq-serve: the web dashboard over a results database, without a daemon
/// (a copied database, a finished sweep, a machine where labd runs elsewhere).
/// `labq serve` runs this binary (cmd_serve.cc) so that labq itself does not
/// load cpp-httplib and, with it, OpenSSL and brotli: those libraries took
/// about 6 ms of every labq command's start-up, more than most queries.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/serve_options.h"
#include "results/result_store.h"
#include "viz/svg_renderer.h"
#include "web/dashboard.h"

namespace labq {
namespace {

int Serve(const std::string& db, const ServeArgs& a) {
  web::DashboardOptions options;
  options.db_path = db;
  options.address = web::ParseHttpAddress(a.http);
  options.token = a.token;
  options.figures = viz::MakeSvgRenderer(db);
  options.access_log = [](const std::string& line) {
    std::fprintf(stderr, "labq serve: %s\n", line.c_str());
  };
  web::Dashboard dashboard(options);  // refuses a non-loopback address without a token
  ResultStore::OpenReadOnly(db);      // a missing database is an error now, not per page
  // Blocked before the server's threads start, so they inherit the mask and
  // only sigwait below sees Ctrl-C.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  dashboard.Start();
  std::fprintf(stderr, "labq serve: dashboard of %s on %s (read-only; Ctrl-C stops)\n", db.c_str(),
               dashboard.Url().c_str());
  int sig = 0;
  sigwait(&signals, &sig);
  dashboard.Stop();
  return 0;
}

int RunServe(int argc, char** argv) {
  CLI::App app{"labq serve: read-only web dashboard of a results database (no daemon)"};
  std::string db = "labq.db";
  ServeArgs a;
  app.add_option("--db", db, "results database");
  AddServeOptions(&app, a);
  try {
    app.parse(argc, argv);
    return Serve(db, a);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labq: %s\n", e.what());
    return 2;
  }
}

}  // namespace
}  // namespace labq

int main(int argc, char** argv) { return labq::RunServe(argc, argv); }
