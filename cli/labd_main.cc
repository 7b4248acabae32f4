#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "common/version.h"
#include "orchestrator/daemon.h"
#include "viz/svg_renderer.h"
#include "web/dashboard.h"

namespace {

/// The dashboard beside the daemon, when --http is given: checked (address,
/// token) before the daemon starts, so a bad --http is a start-up error.
std::unique_ptr<labq::web::Dashboard> StartDashboard(const std::string& db_path,
                                                     const std::string& http,
                                                     const std::string& token) {
  if (http.empty()) return nullptr;
  labq::web::DashboardOptions options;
  options.db_path = db_path;
  options.address = labq::web::ParseHttpAddress(http);
  options.token = token;
  options.figures = labq::viz::MakeSvgRenderer(db_path);
  auto dashboard = std::make_unique<labq::web::Dashboard>(options);
  // The daemon waits for these signals on its own thread; the server's
  // threads must not take them (they would end the process undrained).
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  dashboard->Start();
  std::fprintf(stderr, "labd: dashboard on %s (read-only)\n", dashboard->Url().c_str());
  return dashboard;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"labd: the labq daemon; runs queued jobs of every sweep in a results database"};
  labq::DaemonOptions options;
  std::string http;
  std::string token;
  const char* env_db = std::getenv("LABQ_DB");
  if (env_db && *env_db) options.db_path = env_db;
  app.set_version_flag("--version", std::string("labd ") + labq::kVersion);
  app.add_option("--db", options.db_path, "results database (default ./labq.db or $LABQ_DB)");
  app.add_option("--jobs,-j", options.slots, "parallel slots")->check(CLI::Range(1, 256));
  app.add_option("--workdir", options.workdir, "root of job directories");
  app.add_option("--limit", options.limits, "resource limits, e.g. genus_licenses=2,gpu=1");
  app.add_option("--config", options.config_path,
                 "YAML {jobs: N, limits: {...}}, re-read on SIGHUP");
  app.add_option("--log", options.log_path, "log file (default <db>.labd.log)");
  app.add_option("--http", http,
                 "also serve the read-only web dashboard on HOST:PORT (e.g. 127.0.0.1:8080)");
  app.add_option("--token", token, "required with a non-loopback --http HOST");
  CLI11_PARSE(app, argc, argv);
  try {
    auto dashboard = StartDashboard(options.db_path, http, token);
    return labq::RunDaemon(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labd: %s\n", e.what());
    return 2;
  }
}
