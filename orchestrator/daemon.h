#pragma once
/// labd: the long-running scheduler over one results database. labq and labd
/// talk only through that database (SQLite in WAL mode with a busy timeout):
/// `labq submit` inserts queued jobs, `labq cancel` sets cancel requests,
/// labd claims, runs and commits. One labd per database, enforced with an
/// exclusive lock on `<db>.labd.lock`.

#include <string>

namespace labq {

struct DaemonOptions {
  std::string db_path = "labq.db";
  std::string workdir = "labq-work";
  int slots = 2;
  std::string limits;       ///< "name=N,name=N" from the command line
  std::string config_path;  ///< optional YAML: {jobs: N, limits: {name: N}}; re-read on SIGHUP
  std::string log_path;     ///< default <db>.labd.log
};

/// Runs until SIGTERM/SIGINT (drain; a second signal kills running jobs and
/// requeues them). Returns the exit code.
int RunDaemon(const DaemonOptions& options);

/// True if a labd holds the lock of `db_path`.
bool DaemonRunning(const std::string& db_path);
/// What the labd of `db_path` last said of itself: "serving", "paused
/// (results cannot be stored: ...)", "stopped"; "" if none ever ran.
std::string DaemonState(const std::string& db_path);

}  // namespace labq
