#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cli/cli_support.h"
#include "common/version.h"
#include "sweep/did_you_mean.h"

namespace labq {
namespace {

std::string DefaultDb() {
  const char* env = std::getenv("LABQ_DB");
  return env && *env ? env : "labq.db";
}

/// The first word of argv that is not an option or --db's value: the
/// subcommand the user meant ("" if none).
std::string FirstWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--db") {
      ++i;
    } else if (!arg.starts_with("-")) {
      return arg;
    }
  }
  return "";
}

/// CLI11 answers an unknown subcommand with "A subcommand is required"; name
/// the word instead, with the closest real subcommand.
std::string UnknownCommand(const CLI::App& app, int argc, char** argv) {
  const std::string word = FirstWord(argc, argv);
  if (word.empty()) return "";
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  if (std::find(names.begin(), names.end(), word) != names.end()) return "";
  return "unknown command '" + word + "'" + DidYouMean(word, names) + " (labq --help lists them)";
}

}  // namespace

int RunLabq(int argc, char** argv) {
  CLI::App app{"labq: batch experiments for hardware/ML co-design"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("labq ") + kVersion);
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
    if (app.get_subcommands().empty()) {
      if (const std::string unknown = UnknownCommand(app, argc, argv); !unknown.empty()) {
        std::fprintf(stderr, "labq: %s\n", unknown.c_str());
        return 2;
      }
    }
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "labq: %s\n", e.what());
    return 2;
  }
  return ctx.exit_code;
}

}  // namespace labq
