#include "qat/trainer.h"

#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/metric_names.h"
#include "qat/data.h"
#include "qat/device_step.h"
#include "qat/model.h"
#include "qat/trainer_parts.h"
#ifdef LABQ_WITH_CUDA
#include "qat/cuda_graph.h"
#endif

namespace labq::qat {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;
using torch::Tensor;

/// Fixed so train and eval see identical batches (identical results); small
/// enough that activations stay below main.cc's 32 MiB mmap threshold.
constexpr std::int64_t kEvalBatch = 250;
constexpr const char* kFormat = "labqat-weights-1";

/// Process CPU time (all threads): steadier than wall time for comparing
/// throughput on a machine shared with other jobs.
double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double Seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

double Round(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

[[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }

/// Correct test predictions per requested precision (one shared quantization
/// pass per batch). Counts stay on the device until the end: one read.
std::vector<std::int64_t> CountCorrect(QatNet& net, const Dataset& d, const Placement& where,
                                       const std::vector<Precision>& precisions) {
  net.eval();
  torch::NoGradGuard no_grad;
  Batcher batcher(d.test, d.norm);
  std::vector<Tensor> correct(precisions.size());
  std::vector<std::int64_t> idx;
  for (std::int64_t start = 0; start < d.test.count; start += kEvalBatch) {
    const std::int64_t n = std::min(kEvalBatch, d.test.count - start);
    auto [x, y] = InOrderBatch(where.test.get(), where.device, batcher, idx, start, n);
    const std::vector<Tensor> logits = net.forward(x, precisions);
    for (std::size_t p = 0; p < precisions.size(); ++p) {
      Tensor c = logits[p].argmax(1).eq(y).sum();
      correct[p] = correct[p].defined() ? correct[p] + c : c;
    }
  }
  std::vector<std::int64_t> counts;
  for (const Tensor& c : correct) counts.push_back(c.defined() ? c.item<std::int64_t>() : 0);
  return counts;
}

/// Recomputes the BN statistics precision `p` reads from the first `images`
/// training images (in order, no augmentation): exact averages over the
/// calibration batches instead of the stale exponential averages.
void Calibrate(QatNet& net, const Dataset& d, const Placement& where, Precision p,
               std::int64_t images, std::int64_t batch) {
  const std::int64_t n = std::min(images, d.train.count);
  if (n <= 0) Fail("BN recalibration needs training images, the training split is empty");
  net.train();
  torch::NoGradGuard no_grad;
  for (auto& bn : net.bns()) bn->BeginCalibration(p);
  Batcher batcher(d.train, d.norm);
  std::vector<std::int64_t> idx;
  for (std::int64_t start = 0; start < n; start += batch) {
    const std::int64_t b = std::min(batch, n - start);
    net.forward(InOrderBatch(where.train.get(), where.device, batcher, idx, start, b).first, {p});
  }
  for (auto& bn : net.bns()) bn->EndCalibration();
  net.eval();
}

/// Puts the BN slots into the state the mode's evaluation defines, then
/// recalibrates when asked to.
void PrepareEval(QatNet& net, const Dataset& d, const Placement& where, const Options& o,
                 const std::vector<Precision>& precisions) {
  for (auto& bn : net.bns()) {
    if (o.mode == Mode::kPretrain || o.mode == Mode::kFp) {
      // Post-training quantization: the quantized nets use the FP BN as is.
      bn->CopySlot(Precision::kFp, Precision::k8);
      bn->CopySlot(Precision::kFp, Precision::k4);
    } else if (o.mode == Mode::kQ8 && o.bn != BnMode::kRecalibrate) {
      // Naive truncation: the 4-bit net is the 8-bit net with codes cut, BN too.
      bn->CopySlot(Precision::k8, Precision::k4);
    }
  }
  if (o.bn != BnMode::kRecalibrate) return;
  for (Precision p : precisions) {
    if (p != Precision::kFp) Calibrate(net, d, where, p, o.calib, o.batch);
  }
}

struct Accuracies {
  std::array<std::string, kNumPrecisions> text;  ///< "" when not evaluated
};

Accuracies Evaluate(QatNet& net, const Dataset& d, const Placement& where, const Options& o,
                    const std::vector<Precision>& precisions) {
  PrepareEval(net, d, where, o, precisions);
  const std::vector<std::int64_t> correct = CountCorrect(net, d, where, precisions);
  Accuracies acc;
  for (std::size_t i = 0; i < precisions.size(); ++i) {
    acc.text[static_cast<int>(precisions[i])] = FormatPercent(correct[i], d.test.count);
  }
  return acc;
}

void PutAccuracies(json& j, const Accuracies& acc) {
  static const char* const kKey[kNumPrecisions] = {metric::kAccFp, metric::kAcc8, metric::kAcc4};
  for (int p = 0; p < kNumPrecisions; ++p) {
    if (!acc.text[p].empty()) j[kKey[p]] = std::stod(acc.text[p]);
  }
}

std::string AccuracyLog(const Accuracies& acc) {
  static const char* const kName[kNumPrecisions] = {"fp", "8-bit", "4-bit"};
  std::string s;
  for (int p = 0; p < kNumPrecisions; ++p) {
    if (!acc.text[p].empty()) s += std::string(" ") + kName[p] + " " + acc.text[p] + "%";
  }
  return s;
}

/// Per conv, the k whose 4-bit weights are closest (MSE) to the float
/// weights; ties go to the larger k (fewer wrapped weights).
std::vector<int> SearchK(QatNet& net, Rule rule, bool per_channel, std::ostream& log) {
  std::vector<int> ks;
  for (std::size_t i = 0; i < net.convs().size(); ++i) {
    Tensor w = net.convs()[i]
                   ->weight.detach()
                   .to(torch::kCPU)
                   .contiguous(torch::MemoryFormat::ChannelsLast);
    const std::int64_t channels = w.size(0);
    int best = kMaxShift;
    double best_err = 0;
    std::string line = "labqat: k search conv" + std::to_string(i) + " mse";
    for (int k = kMaxShift; k >= 0; --k) {
      const double err = FourBitError(w.data_ptr<float>(), channels, w.numel() / channels,
                                      QuantSpec{k, rule, per_channel});
      char buf[48];
      std::snprintf(buf, sizeof buf, " k%d=%.3g", k, err);
      line += buf;
      if (k == kMaxShift || err < best_err) {
        best = k;
        best_err = err;
      }
    }
    log << line << " -> k=" << best << "\n";
    ks.push_back(best);
  }
  return ks;
}

void WriteJsonFile(const std::string& path, const json& j) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp);
    if (!f) Fail(tmp + ": cannot write");
    f << j.dump(2) << "\n";
    if (!f) Fail(tmp + ": write failed");
  }
  fs::rename(tmp, path);
}

/// Saves weights + sidecar atomically (temp file, then rename) so a reader
/// never sees half a file.
void SaveWeights(QatNet& net, const std::string& path, const json& sidecar) {
  for (auto& bn : net.bns()) bn->Materialize();
  const std::string tmp = path + ".tmp";
  try {
    // CPU copies whatever device trained: the file loads on a CPU-only build.
    torch::serialize::OutputArchive archive;
    SaveOnCpu(net, archive);
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    Fail(path + ": cannot save weights (" + e.what_without_backtrace() + ")");
  }
  fs::rename(tmp, path);
  WriteJsonFile(path + ".json", sidecar);
}

/// Shapes of every parameter and buffer by name.
std::vector<std::pair<std::string, std::vector<std::int64_t>>> Shapes(const QatNet& net) {
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes;
  for (const auto& p : net.named_parameters())
    shapes.emplace_back(p.key(), p.value().sizes().vec());
  for (const auto& b : net.named_buffers()) shapes.emplace_back(b.key(), b.value().sizes().vec());
  return shapes;
}

std::string ShapeText(const std::vector<std::int64_t>& shape) {
  // Appends only: GCC 12 -O3 misreads `"," + std::to_string(...)` (-Wrestrict).
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(shape[i]);
  }
  s += ']';
  return s;
}

/// Creates the output folder and fails now, not after training, when the
/// weights could not be written.
void PrepareOutput(const std::string& out) {
  if (out.empty()) Fail("--out: required");
  const fs::path parent = fs::path(out).parent_path();
  std::error_code ec;
  if (!parent.empty()) fs::create_directories(parent, ec);
  const std::string probe = out + ".tmp";
  {
    std::ofstream f(probe);
    if (!f) Fail("--out: cannot write " + out);
  }
  fs::remove(probe, ec);
}

std::string CheckpointPath(const std::string& out) {
  const fs::path p(out);
  return (p.parent_path() / (p.stem().string() + ".ckpt" + p.extension().string())).string();
}

std::vector<int> ResolveK(QatNet& net, const Options& o, std::ostream& log) {
  if (o.k == "search") return SearchK(net, o.rule, o.per_channel, log);
  return std::vector<int>(net.convs().size(), std::stoi(o.k));
}

json BaseSidecar(const Options& o, const std::string& model, const Dataset& d,
                 const std::string& data_dir, const QatNet& net) {
  json j;
  j["format"] = kFormat;
  j["model"] = model;
  j["dataset"] = d.name;
  j["data"] = data_dir;
  j["in_channels"] = d.test.channels;
  j["image_size"] = d.test.height;
  j["num_classes"] = kNumClasses;
  j["mode"] = std::string(ModeName(o.mode));
  j["k"] = net.ks();
  j["rule"] = std::string(RuleName(o.rule));
  j["bn"] = std::string(BnModeName(o.bn));
  j["per_channel"] = o.per_channel;
  j["scale"] = o.per_channel ? "per output channel: max|w|/127 of the saved weights"
                             : "per layer: max|w|/127 of the saved weights";
  j["test_limit"] = o.test_limit;
  j["seed"] = o.seed;
  return j;
}

/// Intra-op threads (oneDNN, OpenBLAS and ATen loops all follow it). Torch's
/// default here is 1, so it is always set explicitly.
void SetupThreads(int threads) { torch::set_num_threads(threads); }

/// Learning rate of global step t (cosine per step, step decay per epoch).
double ScheduledLr(const Options& o, double lr0, std::int64_t t, std::int64_t total_steps,
                   int epoch, int epochs) {
  switch (o.schedule) {
    case Schedule::kCosine:
      return lr0 * 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(t) / total_steps));
    case Schedule::kStep: {
      const int passed =
          (epoch >= epochs / 2 && epochs / 2 > 0) + (epoch >= 3 * epochs / 4 && 3 * epochs / 4 > 0);
      return lr0 * std::pow(0.1, passed);
    }
    case Schedule::kNone:
      break;
  }
  return lr0;
}

void CheckFinite(double loss, int epoch) {
  if (!std::isfinite(loss)) {
    Fail("training diverged (loss " + std::to_string(loss) + " at epoch " +
         std::to_string(epoch + 1) + "); lower --lr");
  }
}

/// What both ways of running an epoch's steps share.
struct EpochPlan {
  std::int64_t batch = 0;
  std::int64_t steps = 0;  ///< per epoch; the incomplete last batch is dropped
  int epochs = 0;
  double lr0 = 0;
  StepLoss loss;
};

/// Runs the training steps of one epoch and returns the sum of their losses.
class EpochRunner {
 public:
  virtual ~EpochRunner() = default;
  virtual double Run(int epoch, const std::vector<std::int64_t>& order, Rng& rng) = 0;
  double last_lr() const { return last_lr_; }

 protected:
  double last_lr_ = 0;
};

/// The CPU path: batches made on the host, torch::optim, the loss read every
/// step (it costs nothing on the CPU).
class HostRunner : public EpochRunner {
 public:
  HostRunner(QatNet& net, const Dataset& d, const Options& o, EpochPlan plan)
      : net_(net), d_(d), o_(o), plan_(std::move(plan)), batcher_(d.train, d.norm) {
    params_ = net.parameters();
    if (o.optimizer == Optimizer::kAdam) {
      opt_ = std::make_unique<torch::optim::Adam>(
          params_, torch::optim::AdamOptions(plan_.lr0).weight_decay(o.weight_decay));
    } else {
      opt_ = std::make_unique<torch::optim::SGD>(
          params_,
          torch::optim::SGDOptions(plan_.lr0).momentum(o.momentum).weight_decay(o.weight_decay));
    }
  }

  double Run(int epoch, const std::vector<std::int64_t>& order, Rng& rng) override {
    double loss_sum = 0;
    const std::int64_t total = plan_.steps * plan_.epochs;
    for (std::int64_t s = 0; s < plan_.steps; ++s) {
      last_lr_ = ScheduledLr(o_, plan_.lr0, epoch * plan_.steps + s, total, epoch, plan_.epochs);
      for (auto& group : opt_->param_groups()) group.options().set_lr(last_lr_);
      auto [x, y] = batcher_.Make(order.data() + s * plan_.batch, plan_.batch, d_.augment, &rng);
      const Tensor loss = BatchLoss(net_.forward(x, plan_.loss.precisions), y, plan_.loss);
      for (auto& p : params_) p.mutable_grad() = Tensor();  // set_to_none: no zero fill
      loss.backward();
      opt_->step();
      const double l = loss.item<double>();
      CheckFinite(l, epoch);
      loss_sum += l;
    }
    return loss_sum;
  }

 private:
  QatNet& net_;
  const Dataset& d_;
  const Options& o_;
  EpochPlan plan_;
  Batcher batcher_;
  std::vector<Tensor> params_;
  std::unique_ptr<torch::optim::Optimizer> opt_;
};

/// The device path (always on CUDA; on the CPU when Options::resident): the
/// split resident on the device, indices uploaded once per epoch, SGD with the
/// rate in a device tensor, the loss summed on the device and read every
/// --loss-every steps; on CUDA the step is captured as a graph after warm-up.
class DeviceRunner : public EpochRunner {
 public:
  /// Eager steps before capture: lazy allocations, cuDNN/cuBLAS handles and
  /// autograd's device threads all exist by then.
  static constexpr std::int64_t kWarmupSteps = 3;

  DeviceRunner(QatNet& net, const Dataset& d, const Placement& where, const Options& o,
               EpochPlan plan)
      : d_(d), o_(o), plan_(std::move(plan)), device_(where.device), batcher_(d.train, d.norm) {
    std::vector<Tensor> params = net.parameters();
    std::function<void()> optimizer_step;
    if (o.optimizer == Optimizer::kAdam) {
      adam_ = std::make_unique<torch::optim::Adam>(
          params, torch::optim::AdamOptions(plan_.lr0).weight_decay(o.weight_decay));
      optimizer_step = [this] { adam_->step(); };
    } else {
      sgd_ = std::make_unique<DeviceSgd>(params, o.momentum, o.weight_decay);
      optimizer_step = [this] { sgd_->Step(); };
    }
    std::function<std::shared_ptr<void>()> autocast;
#ifdef LABQ_WITH_CUDA
    if (o.amp) autocast = [] { return cuda::Bf16Autocast(); };
    use_graph_ = device_.is_cuda() && !o.no_cuda_graph && sgd_ && !d.augment;
#endif
    step_ = std::make_unique<TrainStep>(net, d.augment ? nullptr : where.train.get(), plan_.batch,
                                        plan_.loss, optimizer_step, autocast);
    if (d.augment) {
      // Augmented batches are made on the host and copied into fixed inputs.
      const ImageSet& t = d.train;
      step_->inputs() = torch::empty(
          {plan_.batch, t.channels, t.height, t.width},
          torch::TensorOptions().device(device_).memory_format(torch::MemoryFormat::ChannelsLast));
      step_->labels() =
          torch::empty({plan_.batch}, torch::TensorOptions().dtype(torch::kInt64).device(device_));
    }
  }

  bool uses_graph() const { return use_graph_; }

  double Run(int epoch, const std::vector<std::int64_t>& order, Rng& rng) override {
    step_->ResetLossSum();
    // One upload of the epoch's order; each step copies its slice on the device.
    const Tensor order_dev = torch::tensor(order).to(device_);
    const std::int64_t total = plan_.steps * plan_.epochs;
    for (std::int64_t s = 0; s < plan_.steps; ++s) {
      const std::int64_t t = epoch * plan_.steps + s;
      last_lr_ = ScheduledLr(o_, plan_.lr0, t, total, epoch, plan_.epochs);
      if (sgd_) {
        sgd_->SetLr(last_lr_);
      } else {
        for (auto& group : adam_->param_groups()) group.options().set_lr(last_lr_);
      }
      if (d_.augment) {
        auto [x, y] = batcher_.Make(order.data() + s * plan_.batch, plan_.batch, true, &rng);
        step_->inputs().copy_(x);
        step_->labels().copy_(y);
      } else {
        step_->indices().copy_(order_dev.narrow(0, s * plan_.batch, plan_.batch));
      }
      RunStep(t);
      if ((s + 1) % o_.loss_every == 0) CheckFinite(step_->LossSum(), epoch);
    }
    const double sum = step_->LossSum();
    CheckFinite(sum, epoch);
    return sum;
  }

 private:
  void RunStep(std::int64_t t) {
#ifdef LABQ_WITH_CUDA
    if (use_graph_) {
      if (!graph_ && t >= kWarmupSteps) {
        graph_ = std::make_unique<cuda::StepGraph>([this] { step_->Run(); });
      }
      if (graph_) {
        graph_->Replay();
        return;
      }
    }
#else
    (void)t;
#endif
    step_->Run();
  }

  const Dataset& d_;
  const Options& o_;
  EpochPlan plan_;
  torch::Device device_;
  Batcher batcher_;
  std::unique_ptr<DeviceSgd> sgd_;
  std::unique_ptr<torch::optim::Adam> adam_;
  std::unique_ptr<TrainStep> step_;
  bool use_graph_ = false;
#ifdef LABQ_WITH_CUDA
  std::unique_ptr<cuda::StepGraph> graph_;
#endif
};

}  // namespace

std::string FormatPercent(std::int64_t correct, std::int64_t total) {
  char buf[32];
  std::snprintf(
      buf, sizeof buf, "%.2f",
      total > 0 ? 100.0 * static_cast<double>(correct) / static_cast<double>(total) : 0.0);
  return buf;
}

nlohmann::json ReadSidecar(const std::string& weights_path) {
  const std::string path = weights_path + ".json";
  if (!fs::exists(weights_path)) Fail(weights_path + ": no such weights file");
  std::ifstream f(path);
  if (!f) Fail(path + ": missing sidecar (labqat writes it next to every weights file)");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    Fail(path + ": invalid JSON (" + e.what() + ")");
  }
  if (!j.is_object() || j.value("format", "") != kFormat) {
    Fail(path + ": not a labqat sidecar (format is not " + kFormat + ")");
  }
  for (const char* key : {"model", "dataset", "in_channels", "image_size", "mode", "k", "rule",
                          "bn", "per_channel"}) {
    if (!j.contains(key)) Fail(path + ": missing field '" + key + "'");
  }
  return j;
}

namespace {

/// Which precisions a mode trains on, evaluates after each epoch and at the end.
struct PrecisionPlan {
  std::vector<Precision> train, epoch;
  std::vector<Precision> final = {Precision::k8, Precision::k4};
};

PrecisionPlan PlanPrecisions(Mode mode) {
  PrecisionPlan p;
  switch (mode) {
    case Mode::kPretrain:
      p.train = p.epoch = {Precision::kFp};
      p.final = {Precision::kFp, Precision::k8, Precision::k4};
      break;
    case Mode::kFp:
      p.final = {Precision::kFp, Precision::k8, Precision::k4};
      break;
    case Mode::kQ8:
      p.train = {Precision::k8};
      p.epoch = {Precision::k8, Precision::k4};
      break;
    case Mode::kQ4:
      p.train = p.epoch = {Precision::k4};
      break;
    case Mode::kNested:
      p.train = p.epoch = {Precision::k8, Precision::k4};
      break;
  }
  return p;
}

/// The loss of one step: every trained precision's cross-entropy, weighted
/// by --w8/--w4 when nested, plus the distillation term.
StepLoss MakeStepLoss(const Options& o, const std::vector<Precision>& train) {
  StepLoss loss;
  loss.precisions = train;
  for (Precision p : train) {
    loss.weights.push_back(o.mode != Mode::kNested ? 1.0 : p == Precision::k8 ? o.w8 : o.w4);
  }
  if (o.mode == Mode::kNested) loss.distill = o.distill;
  return loss;
}

/// --lr, else the default of the optimizer and subcommand.
double InitialLr(const Options& o) {
  if (o.lr) return *o.lr;
  const bool pretrain = o.mode == Mode::kPretrain;
  if (o.optimizer == Optimizer::kAdam) return pretrain ? 1e-3 : 1e-4;
  return pretrain ? 0.01 : 0.005;
}

/// Model, data set and folder of a run: the flags, else (train) the --init
/// sidecar's, whose contents are returned in `init_info`.
struct RunInputs {
  std::string model, dataset, data_dir;
  json init_info;
};

RunInputs ResolveInputs(const Options& o) {
  RunInputs in{o.model, o.dataset, o.data_dir, json()};
  if (o.mode == Mode::kPretrain) return in;
  if (o.init.empty()) Fail("--init: required for train (weights from labqat pretrain)");
  in.init_info = ReadSidecar(o.init);
  if (!o.model_set) in.model = in.init_info["model"].get<std::string>();
  if (!o.dataset_set) in.dataset = in.init_info["dataset"].get<std::string>();
  if (!o.data_dir_set && in.dataset == in.init_info["dataset"].get<std::string>()) {
    in.data_dir = in.init_info.value("data", "");
  }
  return in;
}

Dataset LoadRunData(const Options& o, RunInputs& in, std::ostream& log) {
  const bool need_train = o.mode != Mode::kFp || o.bn == BnMode::kRecalibrate;
  const auto t_load = Clock::now();
  Dataset d = LoadDataset(in.dataset, in.data_dir, need_train, o.train_limit, o.test_limit);
  if (in.data_dir.empty()) in.data_dir = DefaultDataDir(in.dataset);
  log << "labqat: " << in.dataset << " " << d.train.count << " train / " << d.test.count
      << " test images loaded in " << Round(Seconds(t_load, Clock::now()), 2) << " s\n";
  if (d.test.height != d.test.width) Fail(in.dataset + ": images must be square");
  return d;
}

/// A fresh network (pretrain) or the --init weights, checked to fit the data.
std::shared_ptr<QatNet> BuildNet(const Options& o, const RunInputs& in, const Dataset& d) {
  torch::manual_seed(o.seed);
  std::shared_ptr<QatNet> net = MakeNet(in.model, d.test.channels, d.test.height, kNumClasses);
  if (o.mode == Mode::kPretrain) return net;
  const json& init = in.init_info;
  if (init["model"] != in.model || init["in_channels"] != d.test.channels ||
      init["image_size"] != d.test.height) {
    Fail("--init: " + o.init + " holds a " + init["model"].get<std::string>() + " for " +
         init["dataset"].get<std::string>() + ", not a " + in.model + " for " + in.dataset);
  }
  LoadWeights(*net, o.init, "a " + in.model + " for " + in.dataset);
  return net;
}

/// The network on its device with its quantization set, and (resident runs)
/// the images uploaded. k comes from the weights the quantized nets start
/// from: the init weights for train, the trained weights for pretrain.
bool PlaceRun(const Options& o, const Dataset& d, QatNet& net, Placement& where,
              std::ostream& log) {
  net.to(where.device);
  net.ToChannelsLast();
  const bool resident = !where.device.is_cpu() || o.resident;
  if (resident) {
    if (d.train.count > 0) {
      where.train = std::make_unique<ResidentImages>(d.train, d.norm, where.device);
    }
    where.test = std::make_unique<ResidentImages>(d.test, d.norm, where.device);
  }
  net.SetBnMode(o.bn);
  net.SetQuantization(std::vector<int>(net.convs().size(), kMaxShift), o.rule, o.per_channel);
  if (o.mode != Mode::kPretrain) net.SetQuantization(ResolveK(net, o, log), o.rule, o.per_channel);
  return resident;
}

/// What the epochs add up to, for the final line.
struct TrainTotals {
  int epochs = 0;
  double seconds = 0;
  double last_loss = 0;
  std::int64_t images = 0;
  bool used_graph = false;
};

/// The per-epoch JSON line and its human log line.
void ReportEpoch(int epoch, const TrainTotals& t, double lr, double seconds, double cpu_seconds,
                 double eval_seconds, std::int64_t images, const Accuracies& acc,
                 const Placement& where, std::ostream& out, std::ostream& log) {
  json line;
  line["type"] = "epoch";
  line["epoch"] = epoch + 1;
  line["epochs"] = t.epochs;
  line["loss"] = Round(t.last_loss, 5);
  PutAccuracies(line, acc);
  line["lr"] = lr;
  line["seconds"] = Round(seconds, 3);
  line["images_per_s"] = Round(static_cast<double>(images) / seconds, 1);
  line["cpu_seconds"] = Round(cpu_seconds, 3);
  line["eval_seconds"] = Round(eval_seconds, 3);
  line["device"] = DeviceName(where.device);
  out << line.dump() << "\n" << std::flush;
  log << "labqat: epoch " << epoch + 1 << "/" << t.epochs << " loss " << Round(t.last_loss, 4)
      << AccuracyLog(acc) << " (" << Round(seconds, 1) << " s, "
      << Round(static_cast<double>(images) / seconds, 0) << " img/s, eval "
      << Round(eval_seconds, 1) << " s)\n";
}

/// The runner of the placement: device-resident steps or host batches.
std::unique_ptr<EpochRunner> MakeRunner(QatNet& net, const Dataset& d, const Placement& where,
                                        const Options& o, const EpochPlan& plan, bool resident,
                                        bool& used_graph) {
  if (!resident) return std::make_unique<HostRunner>(net, d, o, plan);
  auto device_runner = std::make_unique<DeviceRunner>(net, d, where, o, plan);
  used_graph = device_runner->uses_graph();
  return device_runner;
}

/// Trains `epochs` epochs, evaluating `epoch_ps` and checkpointing after each.
TrainTotals TrainEpochs(QatNet& net, const Dataset& d, const Placement& where, const Options& o,
                        const PrecisionPlan& ps, bool resident, const json& sidecar_base,
                        std::ostream& out, std::ostream& log) {
  TrainTotals t;
  t.epochs = ps.train.empty() ? 0 : o.epochs;
  if (t.epochs == 0) return t;
  const std::int64_t n = d.train.count;
  if (n < 2) Fail("training needs at least 2 images (--train-limit)");
  EpochPlan plan;
  plan.batch = std::min(o.batch, n);
  plan.steps = n / plan.batch;  // the incomplete last batch is dropped: static shapes
  plan.epochs = t.epochs;
  plan.lr0 = InitialLr(o);
  plan.loss = MakeStepLoss(o, ps.train);
  std::unique_ptr<EpochRunner> runner = MakeRunner(net, d, where, o, plan, resident, t.used_graph);
  Rng rng(o.seed);
  // LABQAT_TRACE=file.json records a chrome://tracing profile of the
  // training steps (development aid; costs a little speed).
  const char* trace = std::getenv("LABQAT_TRACE");
  std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
  if (trace && *trace) profile = std::make_unique<torch::autograd::profiler::RecordProfile>(trace);
  const std::int64_t images = plan.steps * plan.batch;
  for (int epoch = 0; epoch < t.epochs; ++epoch) {
    const auto t0 = Clock::now();
    const double cpu0 = CpuSeconds();
    net.train();
    // Run ends with a host read of the loss, so the clock sees finished work.
    const double loss_sum = runner->Run(epoch, Shuffled(n, rng), rng);
    const double seconds = Seconds(t0, Clock::now());
    const double cpu_seconds = CpuSeconds() - cpu0;
    t.seconds += seconds;
    t.images += images;
    t.last_loss = loss_sum / static_cast<double>(plan.steps);
    const auto t_eval = Clock::now();
    const Accuracies acc = Evaluate(net, d, where, o, ps.epoch);
    ReportEpoch(epoch, t, runner->last_lr(), seconds, cpu_seconds, Seconds(t_eval, Clock::now()),
                images, acc, where, out, log);
    json ck = sidecar_base;
    ck["checkpoint_epoch"] = epoch + 1;
    PutAccuracies(ck, acc);
    SaveWeights(net, CheckpointPath(o.out), ck);
  }
  return t;
}

/// The final JSON line: accuracies, the settings that produced them, timing.
nlohmann::ordered_json FinalLine(const Options& o, const RunInputs& in, const Dataset& d,
                                 const Placement& where, QatNet& net, const Accuracies& acc,
                                 const TrainTotals& t) {
  nlohmann::ordered_json fin;
  fin["type"] = "final";
  fin["mode"] = std::string(ModeName(o.mode));
  fin["model"] = in.model;
  fin["dataset"] = in.dataset;
  PutAccuracies(fin, acc);
  if (o.mode == Mode::kQ8 && o.bn == BnMode::kSwitchable) {
    // Naive truncation plus BN recalibration (not saved: the file keeps the
    // naive 4-bit net that acc4 describes).
    Calibrate(net, d, where, Precision::k4, o.calib, o.batch);
    const std::vector<std::int64_t> c = CountCorrect(net, d, where, {Precision::k4});
    fin["acc4_recal"] = std::stod(FormatPercent(c[0], d.test.count));
  }
  fin["k"] = net.ks();
  fin["k_search"] = o.k == "search" ? "weight_mse" : "fixed";
  fin["rule"] = std::string(RuleName(o.rule));
  fin["bn"] = std::string(BnModeName(o.bn));
  fin["per_channel"] = o.per_channel;
  if (o.mode == Mode::kNested) {
    fin["w8"] = o.w8;
    fin["w4"] = o.w4;
    fin["distill"] = o.distill;
  }
  fin["epochs"] = t.epochs;
  if (t.epochs > 0) fin["loss"] = Round(t.last_loss, 5);
  fin[metric::kTrainSeconds] = Round(t.seconds, 3);
  if (t.epochs > 0) fin["images_per_s"] = Round(static_cast<double>(t.images) / t.seconds, 1);
  fin["train_images"] = d.train.count;
  fin["test_images"] = d.test.count;
  fin["threads"] = o.threads;
  fin["seed"] = o.seed;
  fin["device"] = DeviceName(where.device);
  fin["amp"] = o.amp;
  fin["cuda_graph"] = t.used_graph;
  fin["weights"] = o.out;
  return fin;
}

}  // namespace

nlohmann::ordered_json RunTraining(const Options& o, std::ostream& out, std::ostream& log) {
  ValidateOptions(o);
  // The device first: a bad --device/--amp fails before anything is read or written.
  Placement where;
  where.device = ResolveDevice(o.device, o.amp);
#ifdef LABQ_WITH_CUDA
  const std::shared_ptr<void> stream =
      where.device.is_cuda() ? cuda::UseSideStream(where.device.index()) : nullptr;
#endif
  SetupThreads(o.threads);
  RunInputs in = ResolveInputs(o);
  const Dataset d = LoadRunData(o, in, log);
  std::shared_ptr<QatNet> net = BuildNet(o, in, d);
  // Everything that can refuse the input has run: only now the output.
  PrepareOutput(o.out);
  const bool resident = PlaceRun(o, d, *net, where, log);
  const PrecisionPlan ps = PlanPrecisions(o.mode);
  json sidecar_base = BaseSidecar(o, in.model, d, in.data_dir, *net);
  sidecar_base["device"] = DeviceName(where.device);
  const TrainTotals totals = TrainEpochs(*net, d, where, o, ps, resident, sidecar_base, out, log);
  if (o.mode == Mode::kPretrain) {
    net->SetQuantization(ResolveK(*net, o, log), o.rule, o.per_channel);
    sidecar_base["k"] = net->ks();
  }
  const Accuracies acc = Evaluate(*net, d, where, o, ps.final);
  json sidecar = sidecar_base;
  sidecar["epochs"] = totals.epochs;
  PutAccuracies(sidecar, acc);
  SaveWeights(*net, o.out, sidecar);
  const nlohmann::ordered_json fin = FinalLine(o, in, d, where, *net, acc, totals);
  out << fin.dump() << "\n" << std::flush;
  log << "labqat: final" << AccuracyLog(acc) << ", k";
  for (int k : net->ks()) log << " " << k;
  log << ", weights " << o.out << "\n";
  return fin;
}

EvalSource ResolveEvalSource(const Options& o, const nlohmann::json& sidecar) {
  EvalSource e;
  e.model = sidecar["model"].get<std::string>();
  const std::string trained_on = sidecar["dataset"].get<std::string>();
  e.dataset = o.dataset_set ? o.dataset : trained_on;
  e.data_dir =
      o.data_dir_set ? o.data_dir : (e.dataset == trained_on ? sidecar.value("data", "") : "");
  e.test_limit = o.test_limit_set ? o.test_limit : sidecar.value("test_limit", 0);
  return e;
}

EvalReport RunEval(const Options& o, std::ostream& log) {
  if (o.init.empty()) Fail("--weights: required");
  if (o.amp) Fail("--amp: eval runs in fp32; bf16 autocast is for training only");
  Placement where;
  where.device = ResolveDevice(o.device, false);
#ifdef LABQ_WITH_CUDA
  const std::shared_ptr<void> stream =
      where.device.is_cuda() ? cuda::UseSideStream(where.device.index()) : nullptr;
#endif
  SetupThreads(o.threads);
  EvalReport report;
  report.sidecar = ReadSidecar(o.init);
  const nlohmann::json& sc = report.sidecar;
  const auto [model, dataset, data_dir, test_limit] = ResolveEvalSource(o, sc);
  const std::vector<int> stored_k = sc["k"].get<std::vector<int>>();
  const Rule rule = o.rule_set ? o.rule : ParseRule(sc["rule"].get<std::string>());
  const bool per_channel = o.per_channel_set ? o.per_channel : sc["per_channel"].get<bool>();
  const BnMode trained_bn = ParseBnMode(sc["bn"].get<std::string>());

  std::shared_ptr<QatNet> net = MakeNet(model, sc["in_channels"].get<std::int64_t>(),
                                        sc["image_size"].get<std::int64_t>(), kNumClasses);
  std::vector<int> ks = stored_k;
  if (o.k_set && o.k != "search") ks.assign(net->convs().size(), std::stoi(o.k));
  const bool changed = ks != stored_k || rule != ParseRule(sc["rule"].get<std::string>()) ||
                       per_channel != sc["per_channel"].get<bool>();
  // Stored 4-bit BN statistics belong to the stored k/rule; a recalibrated
  // file asked for another 4-bit selection is recalibrated for it.
  const bool recalibrate =
      trained_bn == BnMode::kRecalibrate && (changed || (o.k_set && o.k == "search"));
  const Dataset d = LoadDataset(dataset, data_dir, recalibrate, 0, test_limit);
  if (d.test.channels != sc["in_channels"].get<int>() ||
      d.test.height != sc["image_size"].get<int>()) {
    Fail("--dataset: " + o.init + " was trained on " + sc["dataset"].get<std::string>() +
         " images, " + dataset + " images have another shape");
  }
  LoadWeights(*net, o.init, "a " + model + " for " + sc["dataset"].get<std::string>());
  net->to(where.device);
  net->ToChannelsLast();
  if (!where.device.is_cpu()) {
    where.test = std::make_unique<ResidentImages>(d.test, d.norm, where.device);
  }
  // Slots are materialised in the file: precision p reads slot p.
  net->SetBnMode(BnMode::kSwitchable);
  net->SetQuantization(ks, rule, per_channel);
  if (o.k_set && o.k == "search") {
    net->SetQuantization(SearchK(*net, rule, per_channel, log), rule, per_channel);
  }
  if (recalibrate) Calibrate(*net, d, where, Precision::k4, o.calib, o.batch);
  const std::vector<std::int64_t> c = CountCorrect(*net, d, where, {Precision::k8, Precision::k4});
  report.acc8 = FormatPercent(c[0], d.test.count);
  report.acc4 = FormatPercent(c[1], d.test.count);
  log << "labqat: evaluated " << o.init << " (" << sc["mode"].get<std::string>() << ", k";
  for (int k : net->ks()) log << " " << k;
  log << ") on " << d.test.count << " " << dataset << " test images, " << DeviceName(where.device)
      << "\n";
  report.device = DeviceName(where.device);
  return report;
}

std::pair<Tensor, Tensor> InOrderBatch(const ResidentImages* resident, torch::Device device,
                                       Batcher& batcher, std::vector<std::int64_t>& idx,
                                       std::int64_t start, std::int64_t n) {
  if (resident) return resident->Slice(start, n);
  idx.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) idx[i] = start + i;
  auto [x, y] = batcher.Make(idx.data(), n, false, nullptr);
  if (device.is_cpu()) return {x, y};
  return {x.to(device), y.to(device)};
}

void LoadWeights(QatNet& net, const std::string& path, const std::string& what) {
  if (!fs::exists(path)) Fail(path + ": no such weights file");
  const auto expected = Shapes(net);
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, torch::Device(torch::kCPU));
    net.load(archive);
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    msg = msg.substr(0, msg.find('\n'));
    Fail(path + ": not readable as weights of " + what + " (" + msg + ")");
  }
  const auto loaded = Shapes(net);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (loaded[i].second != expected[i].second) {
      Fail(path + ": " + expected[i].first + " has shape " + ShapeText(loaded[i].second) + ", " +
           what + " needs " + ShapeText(expected[i].second) + " (weights of another model)");
    }
  }
}

}  // namespace labq::qat
