#pragma once
/// labq's command line: every subcommand, with --db on each.

namespace labq {

/// Parses argv, runs the subcommand and returns the process exit code.
int RunLabq(int argc, char** argv);

}  // namespace labq
