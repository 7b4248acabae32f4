#pragma once
/// Everything a labqat run is configured with, torch-free so that the CLI
/// (main.cc) and the tests build without LibTorch headers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "qat/sign_magnitude.h"

namespace labq::qat {

/// Which weights a forward pass uses. The value indexes per-precision slots
/// (batch-norm parameters and statistics).
enum class Precision : int { kFp = 0, k8 = 1, k4 = 2 };
inline constexpr int kNumPrecisions = 3;
std::string_view PrecisionName(Precision p);

/// How batch norm copes with three weight precisions sharing one network.
///   kSwitchable:  separate BN (affine + running stats) per precision.
///   kRecalibrate: shared affine, running stats per precision recomputed on
///                 `calib` training images before each evaluation.
///   kShared:      one BN for every precision (the naive baseline).
enum class BnMode { kSwitchable, kRecalibrate, kShared };
std::string_view BnModeName(BnMode mode);
/// Throws std::invalid_argument naming the value.
BnMode ParseBnMode(std::string_view name);

/// Training objective of `labqat train`.
enum class Mode { kPretrain, kFp, kQ8, kQ4, kNested };
std::string_view ModeName(Mode mode);
Mode ParseMode(std::string_view name);

/// `--optimizer`: torch::optim's SGD with momentum, or Adam.
enum class Optimizer { kSgd, kAdam };
std::string_view OptimizerName(Optimizer o);
Optimizer ParseOptimizer(std::string_view name);

/// `--schedule`: the learning rate per step. kCosine: per step, to 0;
/// kStep: x0.1 at 50 % and 75 % of the epochs; kNone: constant.
enum class Schedule { kCosine, kStep, kNone };
std::string_view ScheduleName(Schedule s);
Schedule ParseSchedule(std::string_view name);

/// `--device`: where tensors live and kernels run. kAuto picks CUDA when
/// LibTorch has it and a device is visible, else the CPU; index -1 = "cuda"
/// without an index (device 0, or the one CUDA_VISIBLE_DEVICES maps first).
struct DeviceChoice {
  enum class Kind { kAuto, kCpu, kCuda };
  Kind kind = Kind::kAuto;
  int index = -1;
};
/// Parses auto, cpu, cuda or cuda:N; throws std::invalid_argument naming the
/// value.
DeviceChoice ParseDevice(std::string_view text);
std::string DeviceText(const DeviceChoice& d);

struct Options {
  // data
  std::string dataset = "fashion-mnist";
  std::string data_dir;          ///< empty: the data set's default folder
  std::int64_t train_limit = 0;  ///< train on the first N images (0: all)
  std::int64_t test_limit = 0;   ///< evaluate on the first N test images (0: all)
  std::int64_t calib = 2048;     ///< images used to recalibrate BN statistics
  // model
  std::string model = "cnn";
  // run
  Mode mode = Mode::kPretrain;
  std::string init;  ///< weights to start from (train) or to evaluate (eval)
  std::string out;
  int epochs = 10;
  std::int64_t batch = 128;
  Optimizer optimizer = Optimizer::kSgd;
  std::optional<double> lr;  ///< default depends on optimizer and subcommand
  double momentum = 0.9;
  double weight_decay = 5e-4;
  Schedule schedule = Schedule::kCosine;
  int threads = 2;
  std::uint64_t seed = 1;
  // device
  DeviceChoice device;
  bool amp = false;  ///< bf16 autocast of the training forward (CUDA only)
  /// Read the accumulated loss back to the host every N steps (and at the end
  /// of each epoch): on a GPU each read is a synchronisation.
  int loss_every = 50;
  /// No CUDA graph capture of the training step (eager launches, for
  /// comparison); capture needs CUDA, SGD and static shapes anyway.
  bool no_cuda_graph = false;
  /// Keep the data set on the device and gather batches there even on the
  /// CPU (always on for CUDA). Not a CLI flag: the tests use it to run the
  /// device code path on the CPU and hold it against the host path.
  bool resident = false;
  // quantization
  std::string k = "search";  ///< "0".."4" or "search"
  Rule rule = Rule::kTruncate;
  BnMode bn = BnMode::kSwitchable;
  bool per_channel = false;
  double w8 = 1.0;
  double w4 = 1.0;
  double distill = 0.0;
  /// Which flags the user gave explicitly (train inherits the rest from the
  /// --init sidecar; eval lets them override the weights file's sidecar).
  bool dataset_set = false;
  bool data_dir_set = false;
  bool test_limit_set = false;
  bool model_set = false;
  bool k_set = false;
  bool rule_set = false;
  bool per_channel_set = false;
};

inline constexpr int kMaxEpochs = 30;

/// Checks ranges and names; throws std::invalid_argument whose message starts
/// with the offending flag ("--epochs: ...").
void ValidateOptions(const Options& o);

}  // namespace labq::qat
