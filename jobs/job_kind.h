#pragma once
/// A job kind knows one tool flow: it renders its inputs into the job
/// directory, runs its steps through a StepRunner (the executor decides where
/// processes run), and parses the raw outputs on disk into metrics.

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "process/subprocess.h"

namespace labq {

struct Metric {
  std::string name;
  double value = 0;
  std::string unit;
};

/// A metric a kind writes, declared beside the code that writes it so that
/// tables and `labq show` can rely on the name and unit (a kind whose names
/// are the user's, like `command`, declares none).
struct MetricSpec {
  std::string name;
  std::string unit;
  /// The results-table column that shows it ("dpu: area_um2"), empty if none.
  std::string column;
};

struct JobOutput {
  std::vector<Metric> metrics;
  std::map<std::string, std::string> texts;  ///< e.g. startpoint, tool versions

  void Add(std::string name, double value, std::string unit) {
    metrics.push_back({std::move(name), value, std::move(unit)});
  }
};

/// A job that ran and failed for a reason a user can act on. `transient`
/// marks failures worth retrying (licence unavailable, killed by a signal).
class JobFailed : public Error {
 public:
  explicit JobFailed(const std::string& reason, bool transient = false)
      : Error(reason), transient_(transient) {}
  bool transient() const { return transient_; }

 private:
  bool transient_;
};

struct StepOptions {
  std::chrono::milliseconds timeout{0};
  std::map<std::string, std::string> env;
};

/// Runs one step of a job in the job directory: logs go to <step>.stdout and
/// <step>.stderr there, and the argv is recorded in command.sh.
class StepRunner {
 public:
  virtual ~StepRunner() = default;
  virtual SubprocessResult Run(const std::string& step, const std::vector<std::string>& argv,
                               const StepOptions& options) = 0;
};

struct JobContext {
  std::string name;
  nlohmann::json params;
  std::filesystem::path dir;
  /// Job directories of finished dependencies, by job name.
  std::map<std::string, std::filesystem::path> dependency_dirs;
  /// Shared folder for staged inputs (decompressed liberties) under the work root.
  std::filesystem::path stage_dir;
  /// Whether finished steps may be reused from the step store under
  /// stage_dir (jobs/step_store.h); false under `--no-cache`.
  bool reuse_steps = true;
};

class JobKind {
 public:
  virtual ~JobKind() = default;
  virtual std::string Name() const = 0;
  /// Renders inputs, runs steps and parses outputs. Throws JobFailed.
  virtual JobOutput Run(const JobContext& context, StepRunner& runner) const = 0;
  /// What a result depends on besides the kind, the parameters and labq's
  /// templates (jobs/cache_key.h): tool binaries' and input files' hashes, one
  /// a line. nullopt: results of this kind are not cached (training jobs).
  virtual std::optional<std::string> CacheInputs(const nlohmann::json& /*params*/) const {
    return std::nullopt;
  }
  /// The parameters a result depends on (the cache key hashes these): all of
  /// them unless a kind ignores some (verification ignores power settings).
  virtual nlohmann::json CacheParams(const nlohmann::json& params) const { return params; }
  /// The metrics a successful run writes (every one, whatever the parameters;
  /// a run may write fewer when a tool leaves a value out).
  virtual std::vector<MetricSpec> Metrics() const { return {}; }
};

/// The job kinds this build knows ("sim", "synth", "pretrain", "qat",
/// "command"); listed in jobs/kind_registry.cc.
const JobKind* FindJobKind(const std::string& name);

/// Runs a step and turns anything but exit 0 into JobFailed naming the step
/// and its log file.
SubprocessResult RunStepOrFail(StepRunner& runner, const JobContext& context,
                               const std::string& step, const std::vector<std::string>& argv,
                               const StepOptions& options);

/// A parameter of the job. The sweep reader filled every default from the
/// kind's Params(), so readers never default again; a missing key is a
/// JobFailed naming it (a job stored by hand, or a kind that forgot a spec).
const nlohmann::json& RequiredParam(const nlohmann::json& params, const std::string& key);

/// RequiredParam read as T (int, double, bool, std::string); a value of
/// another type is a JobFailed naming the key.
template <class T>
T ParamAs(const nlohmann::json& params, const std::string& key) {
  const nlohmann::json& value = RequiredParam(params, key);
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception&) {
    throw JobFailed("parameter '" + key + "' has the wrong type: " + value.dump());
  }
}

/// A number or one word in its place (`lr: default`, `k: search`):
/// nullopt for the word, the number otherwise.
template <class T>
std::optional<T> ParamOr(const nlohmann::json& params, const std::string& key,
                         const std::string& word) {
  const nlohmann::json& value = RequiredParam(params, key);
  if (value.is_string() && value.get<std::string>() == word) return std::nullopt;
  return ParamAs<T>(params, key);
}

/// A default for a spec: whole numbers as integers (3600, not 3600.0), so
/// stored parameters, and so cache keys, read as the YAML would write them.
nlohmann::json WholeNumber(double v);

/// A step timeout from a `timeout_s` parameter.
std::chrono::milliseconds StepTimeout(double seconds);

}  // namespace labq
