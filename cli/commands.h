#pragma once
/// labq's command line: every subcommand, with --db on each. One file per
/// group of subcommands registers them (cmd_*.cc).

namespace CLI {
class App;
}

namespace labq {

struct CliContext;

/// Parses argv, runs the subcommand and returns the process exit code.
int RunLabq(int argc, char** argv);

void AddRunCommands(CLI::App& app, CliContext& ctx);     ///< run, submit (cmd_run.cc)
void AddSweepCommands(CLI::App& app, CliContext& ctx);   ///< status, sweeps, watch, rm, tag, note
void AddJobCommands(CLI::App& app, CliContext& ctx);     ///< jobs, show, logs, cancel, retry
void AddResultCommands(CLI::App& app, CliContext& ctx);  ///< table, diff, export
void AddMiscCommands(CLI::App& app,
                     CliContext& ctx);  ///< parse, exec-job, shepherd, params, completion
void AddVizCommands(CLI::App& app, CliContext& ctx);    ///< plot, report (cmd_viz.cc)
void AddServeCommands(CLI::App& app, CliContext& ctx);  ///< serve (cmd_serve.cc)

}  // namespace labq
