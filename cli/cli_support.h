#pragma once
/// What every labq subcommand shares: the database path, how a sweep or job
/// named on the command line is found (and refused when ambiguous), and the
/// table output options.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "results/result_store.h"
#include "results/table.h"

namespace labq {

/// Filled by the top-level options; a subcommand's callback sets `exit_code`.
struct CliContext {
  std::string db;
  int exit_code = 0;
};

/// Whether a labd holds `<db>.labd.lock`, asked without creating the file
/// (DaemonRunning would): read commands leave nothing behind.
bool DaemonHoldsLock(const std::string& db_path);

/// `--sweep NAME|ID|NAME@ID` and `--sweep-id ID` of one subcommand.
struct SweepArg {
  std::string text;
  std::optional<int64_t> id;
  bool empty() const { return text.empty() && !id; }
};
void AddSweepOptions(CLI::App* command, SweepArg& arg, const std::string& help);

/// NAME, ID or NAME@ID. A name several sweeps share is an error listing them
/// (id, submitted, state counts) with how to pick one.
SweepInfo ResolveSweep(ResultStore& store, const std::string& text);
/// nullopt when the argument is empty (all sweeps).
std::optional<int64_t> ResolveSweepArg(ResultStore& store, const SweepArg& arg);
/// A job by id, or by name within `sweep` (or anywhere, if only one sweep has
/// a job of that name; several are an error listing them).
JobRecord ResolveJob(ResultStore& store, const std::string& name_or_id,
                     std::optional<int64_t> sweep);

/// "done 6, failed 1" (states with jobs only).
std::string FormatCounts(const SweepCounts& counts);
/// 0 when every job of the sweep ended done or cached, else 1.
int SweepExitCode(const SweepCounts& counts);
/// Why the sweep's exit code is what it is: "1 failed, 1 timed out; exit 1 (...)".
std::string EndReason(const SweepCounts& counts);

/// `--format` and `--precision` of a table-printing subcommand.
struct TableArgs {
  std::string format = "table";
  std::optional<int> precision;
  std::vector<std::string> columns;
  RenderOptions Options() const { return {ParseTableFormat(format), precision, columns}; }
};
void AddTableOptions(CLI::App* command, TableArgs& args);

}  // namespace labq
