/// `labq serve`: runs labq-serve, built beside labq (cli/serve_main.cc), with
/// the same options. The dashboard lives in its own binary so that every
/// other labq command starts without loading the web server's libraries.

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/serve_options.h"
#include "common/error.h"

namespace labq {
namespace {

/// labq-serve in the directory of the running labq.
std::string ServeBinary() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error("labq serve: cannot find labq's own path: " + ec.message());
  return (self.parent_path() / "labq-serve").string();
}

[[noreturn]] void ExecServe(const std::string& db_path, const ServeArgs& a) {
  const std::string binary = ServeBinary();
  std::vector<std::string> args = {binary, "--db", db_path, "--http", a.http};
  if (!a.token.empty()) args.insert(args.end(), {"--token", a.token});
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  execv(binary.c_str(), argv.data());
  throw Error("labq serve: cannot run " + binary +
              " (built and installed beside labq): " + std::strerror(errno));
}

}  // namespace

void AddServeCommands(CLI::App& app, CliContext& ctx) {
  auto a = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand("serve", "read-only web dashboard of the database (no daemon)");
  AddServeOptions(serve, *a);
  serve->callback([&ctx, a] { ExecServe(ctx.db, *a); });
}

}  // namespace labq
