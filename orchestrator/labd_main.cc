#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "orchestrator/daemon.h"

int main(int argc, char** argv) {
  CLI::App app{"labd: the labq daemon; runs queued jobs of every sweep in a results database"};
  labq::DaemonOptions options;
  const char* env_db = std::getenv("LABQ_DB");
  if (env_db && *env_db) options.db_path = env_db;
  app.add_option("--db", options.db_path, "results database (default ./labq.db or $LABQ_DB)");
  app.add_option("--jobs,-j", options.slots, "parallel slots")->check(CLI::Range(1, 256));
  app.add_option("--workdir", options.workdir, "root of job directories");
  app.add_option("--limit", options.limits, "resource limits, e.g. genus_licenses=2,gpu=1");
  app.add_option("--config", options.config_path,
                 "YAML {jobs: N, limits: {...}}, re-read on SIGHUP");
  app.add_option("--log", options.log_path, "log file (default <db>.labd.log)");
  CLI11_PARSE(app, argc, argv);
  try {
    return labq::RunDaemon(options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labd: %s\n", e.what());
    return 2;
  }
}
