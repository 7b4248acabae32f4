#include "orchestrator/job_execution.h"

#include <chrono>
#include <csignal>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/job_kind.h"
#include "jobs/metric_lines.h"

namespace labq {
namespace {

/// Runs steps locally and keeps command.sh current, so the job directory
/// always says how to rerun what ran so far by hand.
class LocalStepRunner : public StepRunner {
 public:
  LocalStepRunner(std::filesystem::path dir, const ExecutionEnvironment& env)
      : dir_(std::move(dir)),
        cancel_(env.cancel),
        on_start_(env.on_step_start),
        env_(env.step_env),
        lock_fd_(env.lock_fd) {}

  SubprocessResult Run(const std::string& step, const std::vector<std::string>& argv,
                       const StepOptions& options) override {
    argv_.push_back(argv);
    std::map<std::string, std::string> env = env_;
    for (const auto& [name, value] : options.env) env[name] = value;
    std::string assignments;  // what the scheduler set, so a rerun by hand sees it too
    for (const auto& [name, value] : env_) assignments += name + "=" + ShellQuote(value) + " ";
    script_ += "# step " + step + "\n" + assignments + ShellJoin(argv) + " >" + step +
               ".stdout 2>" + step + ".stderr\n";
    WriteFileAtomically(dir_ / "command.sh",
                        "#!/bin/sh\n# Rerun this job by hand; written by labq.\nset -e\ncd " +
                            ShellQuote(dir_.string()) + "\n" + script_,
                        Durability::kCrashSafe);
    SubprocessSpec spec;
    spec.argv = argv;
    spec.working_dir = dir_;
    spec.stdout_path = dir_ / (step + ".stdout");
    spec.stderr_path = dir_ / (step + ".stderr");
    spec.timeout = options.timeout;
    spec.extra_env = env;
    if (lock_fd_ >= 0) spec.inherit_fds.push_back(lock_fd_);
    last_ = RunSubprocess(spec, cancel_, on_start_);
    return last_;
  }

  const nlohmann::json& argv() const { return argv_; }
  const SubprocessResult& last() const { return last_; }

 private:
  std::filesystem::path dir_;
  const std::atomic<bool>* cancel_;
  std::function<void(int)> on_start_;
  std::map<std::string, std::string> env_;
  int lock_fd_;
  nlohmann::json argv_ = nlohmann::json::array();
  std::string script_;
  SubprocessResult last_;
};

/// Keeps an earlier attempt's files for post-mortems instead of mixing them in.
void PrepareDirectory(const std::filesystem::path& dir, int attempt) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    auto aside = dir;
    aside += ".attempt" + std::to_string(attempt - 1);
    for (int i = 2; std::filesystem::exists(aside, ec); ++i) {
      aside = dir;
      aside += ".attempt" + std::to_string(attempt - 1) + "-" + std::to_string(i);
    }
    std::filesystem::rename(dir, aside);
  }
  std::filesystem::create_directories(dir);
}

}  // namespace

nlohmann::json JobDescription(const JobRecord& job, const ExecutionEnvironment& env) {
  nlohmann::json deps = nlohmann::json::object();
  for (const auto& [name, dir] : env.dependency_dirs) deps[name] = dir.string();
  return {{"sweep", job.sweep_name},
          {"name", job.name},
          {"kind", job.kind},
          {"params", job.params},
          {"attempt", job.attempts},
          {"dependency_dirs", deps},
          {"stage_dir", env.stage_dir.string()},
          {"reuse_steps", env.reuse_steps},
          {"step_env", env.step_env}};
}

void PrepareJobDirectory(const JobRecord& job, const ExecutionEnvironment& env) {
  const std::filesystem::path dir = job.workdir;
  PrepareDirectory(dir, job.attempts);
  WriteFileAtomically(dir / "job.json", JobDescription(job, env).dump(2) + "\n",
                      Durability::kCrashSafe);
}

JobCompletion ExecuteJob(const JobRecord& job, const ExecutionEnvironment& env) {
  const auto started = std::chrono::steady_clock::now();
  JobCompletion completion;
  const std::filesystem::path dir = job.workdir;
  try {
    if (env.keep_directory) {
      std::filesystem::create_directories(dir);
    } else {
      PrepareJobDirectory(job, env);
    }
  } catch (const std::exception& e) {
    completion.state = JobState::kFailed;
    completion.error = std::string("cannot prepare job directory: ") + e.what();
    return completion;
  }

  LocalStepRunner runner(dir, env);
  const JobKind* kind = FindJobKind(job.kind);
  JobOutput output;
  try {
    if (!kind) throw JobFailed("unknown job kind '" + job.kind + "'");
    JobContext context{job.name,      job.params,     dir, env.dependency_dirs,
                       env.stage_dir, env.reuse_steps};
    JobOutput produced = kind->Run(context, runner);
    CheckMetrics(produced.metrics);  // what a parser produced must fit the store, too
    output = std::move(produced);
    completion.state = JobState::kDone;
  } catch (const JobFailed& e) {
    completion.state = JobState::kFailed;
    completion.error = e.what();
    completion.transient = e.transient();
  } catch (const std::exception& e) {
    completion.state = JobState::kFailed;
    completion.error = e.what();
  }
  if (env.cancel && env.cancel->load() && completion.state == JobState::kFailed) {
    completion.state = JobState::kCancelled;
  } else if (completion.state == JobState::kFailed &&
             runner.last().end == SubprocessResult::End::kTimedOut) {
    completion.state = JobState::kTimeout;
  }
  completion.argv = runner.argv();
  const auto& last = runner.last();
  if (last.end == SubprocessResult::End::kExited) completion.exit_status = last.exit_code;
  if (last.end == SubprocessResult::End::kSignaled ||
      last.end == SubprocessResult::End::kTimedOut ||
      last.end == SubprocessResult::End::kCancelled) {
    completion.signal = last.signal;
  }
  for (const auto& m : output.metrics) completion.metrics.push_back({m.name, m.value, m.unit});
  completion.texts = output.texts;
  completion.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // result.json mirrors what goes into the store, next to the raw reports.
  nlohmann::json result = {{"attempt", job.attempts},  // whose result this is, for adoption
                           {"state", ToString(completion.state)},
                           {"error", completion.error},
                           {"wall_seconds", completion.wall_seconds},
                           {"texts", completion.texts},
                           {"argv", completion.argv},
                           {"transient", completion.transient}};
  if (completion.exit_status) result["exit_status"] = *completion.exit_status;
  if (completion.signal) result["signal"] = *completion.signal;
  nlohmann::json metrics = nlohmann::json::array();
  for (const auto& m : completion.metrics) {
    metrics.push_back({{"name", m.name}, {"value", m.value}, {"unit", m.unit}});
  }
  result["metrics"] = metrics;
  try {
    // The store is the record of results; this file is for people reading the folder.
    WriteFileAtomically(dir / "result.json", result.dump(2) + "\n", Durability::kCrashSafe);
  } catch (const std::exception& e) {
    // A full disk must not lose the outcome: the store still records it.
    completion.state = JobState::kFailed;
    completion.error +=
        std::string(completion.error.empty() ? "" : "; ") + "cannot write result.json: " + e.what();
  }
  return completion;
}

}  // namespace labq

namespace labq {
namespace {

/// Raised by SIGTERM/SIGINT (labd's cancel, scancel): the steps are stopped
/// and the runner still writes its result.
std::atomic<bool> g_runner_stop{false};
extern "C" void OnRunnerStop(int) { g_runner_stop.store(true); }

}  // namespace

JobCompletion ExecutePreparedJob(const std::filesystem::path& dir, const std::atomic<bool>* cancel,
                                 int lock_fd, std::function<void(int pid)> on_step_start) {
  const auto description = nlohmann::json::parse(ReadFile((dir / "job.json").string()));
  JobRecord job;
  job.sweep_name = description.value("sweep", "");
  job.name = description.at("name");
  job.kind = description.at("kind");
  job.params = description.at("params");
  job.attempts = description.value("attempt", 1);
  job.workdir = dir.string();
  ExecutionEnvironment env;
  env.keep_directory = true;
  env.cancel = cancel;
  env.lock_fd = lock_fd;
  env.on_step_start = std::move(on_step_start);
  env.stage_dir = description.value("stage_dir", (dir / ".stage").string());
  env.reuse_steps = description.value("reuse_steps", true);
  const nlohmann::json deps = description.value("dependency_dirs", nlohmann::json::object());
  for (const auto& [name, path] : deps.items()) env.dependency_dirs[name] = path.get<std::string>();
  // What the scheduler gave this job's steps (CUDA_VISIBLE_DEVICES of a GPU job).
  const nlohmann::json step_env = description.value("step_env", nlohmann::json::object());
  for (const auto& [name, value] : step_env.items()) env.step_env[name] = value.get<std::string>();
  return ExecuteJob(job, env);
}

int ExecuteJobInPlace(const std::filesystem::path& dir) {
  std::signal(SIGTERM, OnRunnerStop);
  std::signal(SIGINT, OnRunnerStop);
  return ExecutePreparedJob(dir, &g_runner_stop, -1, {}).state == JobState::kDone ? 0 : 1;
}

JobCompletion ReadJobResult(const std::filesystem::path& dir) {
  nlohmann::json r;
  try {
    r = nlohmann::json::parse(ReadFile((dir / "result.json").string()));
  } catch (const nlohmann::json::exception& e) {
    throw Error((dir / "result.json").string() + ": " + e.what());
  }
  JobCompletion c;
  const std::string state = r.value("state", "failed");
  const auto parsed = ParseJobState(state);
  if (!parsed) {
    throw Error((dir / "result.json").string() + ": state: '" + state + "' is not a job state");
  }
  c.state = *parsed;
  c.error = r.value("error", "");
  c.wall_seconds = r.value("wall_seconds", 0.0);
  c.argv = r.value("argv", nlohmann::json::array());
  c.transient = r.value("transient", false);
  if (r.contains("exit_status")) c.exit_status = r["exit_status"].get<int64_t>();
  if (r.contains("signal")) c.signal = r["signal"].get<int64_t>();
  const nlohmann::json texts = r.value("texts", nlohmann::json::object());
  for (const auto& [k, v] : texts.items()) c.texts[k] = v;
  const nlohmann::json metrics = r.value("metrics", nlohmann::json::array());
  for (const auto& m : metrics) {
    c.metrics.push_back({m.at("name"), m.at("value"), m.at("unit")});
  }
  return c;
}

}  // namespace labq
