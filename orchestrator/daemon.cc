#include "orchestrator/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <thread>

#include "common/error.h"
#include "common/text.h"
#include "orchestrator/scheduler.h"

namespace labq {
namespace {

/// Size of the state record at the start of `<db>.labd.lock`.
constexpr size_t kStateBytes = 512;

/// Holds the flock for the daemon's lifetime.
class LockFile {
 public:
  explicit LockFile(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {}
  ~LockFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  bool TryLock() { return fd_ >= 0 && ::flock(fd_, LOCK_EX | LOCK_NB) == 0; }
  /// The daemon's state for `labq status`, written over the same bytes each
  /// time: once allocated, updating it needs no free space on a full disk.
  void WriteState(std::string text) {
    text.resize(kStateBytes - 1, ' ');
    text += '\n';
    if (::pwrite(fd_, text.data(), text.size(), 0) < 0) {
      // Nothing better to do: the log still says it.
    }
  }

 private:
  int fd_;
};

nlohmann::json ParseLimits(const std::string& text) {
  nlohmann::json limits = nlohmann::json::object();
  if (text.empty()) return limits;
  for (const auto& item : Split(text, ',')) {
    const auto eq = item.find('=');
    auto value = eq == std::string::npos ? std::nullopt : ParseDouble(item.substr(eq + 1));
    if (!value || *value < 1) throw Error("--limit: '" + item + "' is not name=N with N >= 1");
    limits[item.substr(0, eq)] = *value;
  }
  return limits;
}

struct DaemonConfig {
  int slots;
  nlohmann::json limits;
};

DaemonConfig LoadConfig(const DaemonOptions& options) {
  DaemonConfig config{options.slots, ParseLimits(options.limits)};
  if (options.config_path.empty()) return config;
  YAML::Node root;
  try {
    root = YAML::LoadFile(options.config_path);
  } catch (const YAML::Exception& e) {
    throw Error(options.config_path + ":" + std::to_string(e.mark.line + 1) + ":" +
                std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (root["jobs"]) config.slots = root["jobs"].as<int>();
  if (root["limits"]) {
    for (const auto& entry : root["limits"]) {
      config.limits[entry.first.as<std::string>()] = entry.second.as<double>();
    }
  }
  return config;
}

}  // namespace

bool DaemonRunning(const std::string& db_path) {
  LockFile lock(db_path + ".labd.lock");
  return !lock.TryLock();
}

std::string DaemonState(const std::string& db_path) {
  std::ifstream in(db_path + ".labd.lock");
  std::string text(kStateBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return std::string(Trim(text));
}

int RunDaemon(const DaemonOptions& options) {
  // Signals go to one waiting thread, never to handlers racing the workers.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const std::string log_path =
      options.log_path.empty() ? options.db_path + ".labd.log" : options.log_path;
  auto logger = std::make_shared<spdlog::logger>(
      "labd", spdlog::sinks_init_list{std::make_shared<spdlog::sinks::basic_file_sink_mt>(log_path),
                                      std::make_shared<spdlog::sinks::stderr_color_sink_mt>()});
  logger->flush_on(spdlog::level::info);

  LockFile lock(options.db_path + ".labd.lock");
  if (!lock.TryLock()) {
    logger->error("another labd already serves {}", options.db_path);
    return 1;
  }
  lock.WriteState("serving");
  DaemonConfig config = LoadConfig(options);
  ResultStore store(options.db_path);
  SchedulerOptions scheduler_options;
  scheduler_options.slots = config.slots;
  scheduler_options.workdir_root = options.workdir;
  scheduler_options.limits = config.limits;
  Scheduler scheduler(store, scheduler_options);
  logger->info("labd {} serving {} with {} slots, limits {}, jobs under {}", getpid(),
               options.db_path, config.slots, config.limits.dump(), options.workdir);

  std::jthread signal_thread([&](std::stop_token stop) {
    int stops = 0;
    while (!stop.stop_requested()) {
      timespec timeout{0, 200'000'000};
      const int sig = sigtimedwait(&signals, nullptr, &timeout);
      if (sig == SIGHUP) {
        try {
          DaemonConfig fresh = LoadConfig(options);
          scheduler.Reconfigure(fresh.slots, fresh.limits);
          logger->info("SIGHUP: {} slots, limits {}", fresh.slots, fresh.limits.dump());
        } catch (const std::exception& e) {
          logger->error("SIGHUP: config not changed: {}", e.what());
        }
      } else if (sig == SIGTERM || sig == SIGINT) {
        if (++stops == 1) {
          logger->info("signal {}: draining (running jobs finish; signal again to stop them)", sig);
          scheduler.Drain();
        } else {
          logger->info("signal {}: stopping running jobs; they go back in the queue", sig);
          scheduler.Interrupt();
          return;
        }
      }
    }
  });
  std::string storage_problem;
  scheduler.Serve([&](const Progress& p) {
    if (!p.event.empty()) logger->info("{}", p.event);
    if (p.storage_problem != storage_problem) {
      storage_problem = p.storage_problem;
      lock.WriteState(storage_problem.empty()
                          ? "serving"
                          : "paused (results cannot be stored: " + storage_problem + ")");
    }
  });
  lock.WriteState("stopped");
  signal_thread.request_stop();
  logger->info("labd {} stopped", getpid());
  return 0;
}

}  // namespace labq
