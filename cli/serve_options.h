#pragma once
/// The options of `labq serve`, declared once for the two binaries that
/// parse them: labq (for its help, then it runs labq-serve) and labq-serve.

#include <CLI/CLI.hpp>
#include <string>

namespace labq {

struct ServeArgs {
  std::string http = "127.0.0.1:8080";
  std::string token;
};

/// --http and --token on `command`, stored in `args` (which must outlive it).
inline void AddServeOptions(CLI::App* command, ServeArgs& args) {
  command->add_option("--http", args.http,
                      "HOST:PORT to listen on (default 127.0.0.1:8080; port 0: any)");
  command->add_option("--token", args.token,
                      "required for a non-loopback HOST: clients send 'Authorization: Bearer T' "
                      "or ?token=T");
}

}  // namespace labq
