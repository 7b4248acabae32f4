#pragma once
/// The `qat` kind, whole (part 2 of the lab), and the `pretrain` job it shares:
/// - params: QatParams below (typed; the member initializers are the defaults
///   the sweep reader fills, nothing reads a default again);
/// - expansion: one `pretrain` job per distinct TrainerParams within a group
///   (the FP network, trained once) and one `qat` training job per
///   configuration that waits for it;
/// - cache inputs: none (training results are not cached);
/// - run: labqat, the LibTorch trainer, as a subprocess (the orchestrator
///   never links LibTorch); its JSON lines (one per epoch, a final one)
///   become metrics;
/// - metrics: QatMetrics() below, the ones results/qat_table.cc reads.

#include <optional>

#include "jobs/job_kind.h"
#include "sweep/group_kind.h"

namespace labq {

/// What the FP pretraining job computes from: the parameters a qat group
/// hands its shared `pretrain` job (the other ones only shape training).
struct TrainerParams {
  std::string dataset = "fashion-mnist";
  std::string data = "default";  ///< a data folder; "default": Debian's fashion-mnist
  std::string model = "cnn";
  int pretrain_epochs = 5;
  int seed = 1;
  int batch = 128;
  int train_limit = 0;       ///< 0 = all
  int test_limit = 0;        ///< 0 = all
  int threads = 2;           ///< torch threads
  std::optional<double> lr;  ///< nullopt (`default`): labqat's for the optimizer
  double timeout_s = 7200;   ///< per step
  std::string device = "cpu";
  bool amp = false;  ///< bf16 autocast (cuda only)

  /// The keys above, as stored.
  static const std::vector<std::string>& Keys();
  /// Reads stored parameters; a missing key is a JobFailed naming it.
  static TrainerParams From(const nlohmann::json& params);
};

/// A qat training job's parameters (and the group's, in a sweep).
struct QatParams {
  std::string mode;          ///< fp, q8, q4, nested; required
  int epochs = 10;           ///< lab limit 30
  std::optional<int> k = 2;  ///< first magnitude bit kept in 4-bit; nullopt: `search`
  std::string rule = "truncate";
  std::string bn = "switchable";
  double w8 = 1.0;
  double w4 = 1.0;
  double distill = 0.0;
  bool per_channel = false;
  std::string optimizer = "sgd";
  std::string schedule = "cosine";
  int retries = 0;
  TrainerParams trainer;

  static QatParams From(const nlohmann::json& params);
};

/// The metrics labqat's final line gives (both kinds), by name and unit.
const std::vector<MetricSpec>& QatMetrics();

class QatKind : public GroupKind, public JobKind {
 public:
  std::string Name() const override { return "qat"; }
  const std::vector<ParamSpec>& Params() const override;
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override;
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  std::vector<MetricSpec> Metrics() const override { return QatMetrics(); }
};

/// The FP pretraining a qat group's jobs share (no group of its own).
class PretrainJob : public JobKind {
 public:
  std::string Name() const override { return "pretrain"; }
  JobOutput Run(const JobContext& context, StepRunner& runner) const override;
  std::vector<MetricSpec> Metrics() const override { return QatMetrics(); }
};

/// labqat's path: $LABQAT, else beside this program's build folder
/// (build/qat/labqat), else `labqat` on PATH.
std::string FindLabqat();

/// Turns labqat's stdout (JSON lines) into metrics: epoch_<i>.<field> per
/// epoch and the final line's fields. Throws JobFailed without a final line.
JobOutput ParseLabqatOutput(const std::string& stdout_text, const std::string& file);

}  // namespace labq
