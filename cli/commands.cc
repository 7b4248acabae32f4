#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/cli_support.h"

namespace labq {
namespace {

std::string DefaultDb() {
  const char* env = std::getenv("LABQ_DB");
  return env && *env ? env : "labq.db";
}

}  // namespace

int RunLabq(int argc, char** argv) {
  CLI::App app{"labq: batch experiments for hardware/ML co-design"};
  app.require_subcommand(1);
  CliContext ctx;
  ctx.db = DefaultDb();
  app.add_option("--db", ctx.db, "results database (default ./labq.db or $LABQ_DB)");
  // Subcommands added after this inherit it: `labq serve --db X` finds the
  // main app's --db, as `labq --db X serve` does.
  app.fallthrough();
  AddRunCommands(app, ctx);
  AddSweepCommands(app, ctx);
  AddJobCommands(app, ctx);
  AddResultCommands(app, ctx);
  AddMiscCommands(app, ctx);
  AddVizCommands(app, ctx);
  AddServeCommands(app, ctx);
  try {
    app.parse(argc, argv);  // runs the chosen subcommand's callback
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labq: %s\n", e.what());
    return 2;
  }
  return ctx.exit_code;
}

}  // namespace labq
