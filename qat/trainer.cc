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

#include "qat/data.h"
#include "qat/model.h"

namespace labq::qat {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;
using torch::Tensor;

/// Fixed so train and eval see identical batches (identical results); small
/// enough that activations stay below main.cc's 32 MiB mmap threshold.
constexpr std::int64_t kEvalBatch = 250;
constexpr std::int64_t kNumClasses = 10;
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

/// Turns byte images into input tensors; owns the float buffer the tensors
/// view, reused for every batch (autograd is done with a batch before the
/// next one is gathered).
class Batcher {
 public:
  Batcher(const ImageSet& set, const Normalization& norm) : set_(set), norm_(norm) {}

  std::pair<Tensor, Tensor> Make(const std::int64_t* indices, std::int64_t n, bool augment,
                                 Rng* rng) {
    pixels_.resize(static_cast<std::size_t>(n * set_.ImageBytes()));
    labels_.resize(static_cast<std::size_t>(n));
    GatherBatch(set_, norm_, indices, n, augment, rng, pixels_.data());
    for (std::int64_t i = 0; i < n; ++i) labels_[i] = set_.labels[indices[i]];
    // NHWC buffer viewed as NCHW with channels-last strides, no copy. The
    // strides matter even for 1 channel: they make oneDNN run every conv,
    // the first included, channels-last (see QatNet::ToChannelsLast).
    const std::int64_t h = set_.height, w = set_.width, c = set_.channels;
    Tensor x = torch::from_blob(pixels_.data(), {n, c, h, w}, {h * w * c, 1, w * c, c});
    return {x, torch::from_blob(labels_.data(), {n}, torch::kInt64)};
  }

 private:
  const ImageSet& set_;
  Normalization norm_;
  std::vector<float> pixels_;
  std::vector<std::int64_t> labels_;
};

/// Correct test predictions per requested precision (one shared quantization
/// pass per batch).
std::vector<std::int64_t> CountCorrect(QatNet& net, const Dataset& d,
                                       const std::vector<Precision>& precisions) {
  net.eval();
  torch::NoGradGuard no_grad;
  Batcher batcher(d.test, d.norm);
  std::vector<std::int64_t> correct(precisions.size(), 0);
  std::vector<std::int64_t> idx;
  for (std::int64_t start = 0; start < d.test.count; start += kEvalBatch) {
    const std::int64_t n = std::min(kEvalBatch, d.test.count - start);
    idx.resize(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) idx[i] = start + i;
    auto [x, y] = batcher.Make(idx.data(), n, false, nullptr);
    const std::vector<Tensor> logits = net.forward(x, precisions);
    for (std::size_t p = 0; p < precisions.size(); ++p) {
      correct[p] += logits[p].argmax(1).eq(y).sum().item<std::int64_t>();
    }
  }
  return correct;
}

/// Recomputes the BN statistics precision `p` reads from the first `images`
/// training images (in order, no augmentation): exact averages over the
/// calibration batches instead of the stale exponential averages.
void Calibrate(QatNet& net, const Dataset& d, Precision p, std::int64_t images,
               std::int64_t batch) {
  const std::int64_t n = std::min(images, d.train.count);
  if (n <= 0) Fail("BN recalibration needs training images, the training split is empty");
  net.train();
  torch::NoGradGuard no_grad;
  for (auto& bn : net.bns()) bn->BeginCalibration(p);
  Batcher batcher(d.train, d.norm);
  std::vector<std::int64_t> idx;
  for (std::int64_t start = 0; start < n; start += batch) {
    const std::int64_t b = std::min(batch, n - start);
    idx.resize(static_cast<std::size_t>(b));
    for (std::int64_t i = 0; i < b; ++i) idx[i] = start + i;
    net.forward(batcher.Make(idx.data(), b, false, nullptr).first, {p});
  }
  for (auto& bn : net.bns()) bn->EndCalibration();
  net.eval();
}

/// Puts the BN slots into the state the mode's evaluation defines, then
/// recalibrates when asked to.
void PrepareEval(QatNet& net, const Dataset& d, const Options& o,
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
    if (p != Precision::kFp) Calibrate(net, d, p, o.calib, o.batch);
  }
}

struct Accuracies {
  std::array<std::string, kNumPrecisions> text;  ///< "" when not evaluated
};

Accuracies Evaluate(QatNet& net, const Dataset& d, const Options& o,
                    const std::vector<Precision>& precisions) {
  PrepareEval(net, d, o, precisions);
  const std::vector<std::int64_t> correct = CountCorrect(net, d, precisions);
  Accuracies acc;
  for (std::size_t i = 0; i < precisions.size(); ++i) {
    acc.text[static_cast<int>(precisions[i])] = FormatPercent(correct[i], d.test.count);
  }
  return acc;
}

void PutAccuracies(json& j, const Accuracies& acc) {
  static const char* const kKey[kNumPrecisions] = {"acc_fp", "acc8", "acc4"};
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
    Tensor w = net.convs()[i]->weight.detach().contiguous(torch::MemoryFormat::ChannelsLast);
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
    torch::serialize::OutputArchive archive;
    net.save(archive);
    archive.save_to(tmp);
  } catch (const c10::Error& e) {
    Fail(path + ": cannot save weights (" + e.what_without_backtrace() + ")");
  }
  fs::rename(tmp, path);
  WriteJsonFile(path + ".json", sidecar);
}

void LoadWeights(QatNet& net, const std::string& path) {
  if (!fs::exists(path)) Fail(path + ": no such weights file");
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path);
    net.load(archive);
  } catch (const c10::Error& e) {
    std::string msg = e.what_without_backtrace();
    msg = msg.substr(0, msg.find('\n'));
    Fail(path + ": not readable as weights of this model (" + msg + ")");
  }
  net.ToChannelsLast();
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

nlohmann::ordered_json RunTraining(const Options& o, std::ostream& out, std::ostream& log) {
  ValidateOptions(o);
  SetupThreads(o.threads);
  const bool pretrain = o.mode == Mode::kPretrain;
  std::string model = o.model, dataset = o.dataset, data_dir = o.data_dir;
  nlohmann::json init_info;
  if (!pretrain) {
    if (o.init.empty()) Fail("--init: required for train (weights from labqat pretrain)");
    init_info = ReadSidecar(o.init);
    if (!o.model_set) model = init_info["model"].get<std::string>();
    if (!o.dataset_set) dataset = init_info["dataset"].get<std::string>();
    if (!o.data_dir_set && dataset == init_info["dataset"].get<std::string>()) {
      data_dir = init_info.value("data", "");
    }
  }
  PrepareOutput(o.out);

  const bool need_train = o.mode != Mode::kFp || o.bn == BnMode::kRecalibrate;
  const auto t_load = Clock::now();
  const Dataset d = LoadDataset(dataset, data_dir, need_train, o.train_limit, o.test_limit);
  if (data_dir.empty()) data_dir = DefaultDataDir(dataset);
  log << "labqat: " << dataset << " " << d.train.count << " train / " << d.test.count
      << " test images loaded in " << Round(Seconds(t_load, Clock::now()), 2) << " s\n";
  if (d.test.height != d.test.width) Fail(dataset + ": images must be square");

  torch::manual_seed(o.seed);
  std::shared_ptr<QatNet> net = MakeNet(model, d.test.channels, d.test.height, kNumClasses);
  if (!pretrain) {
    if (init_info["model"] != model || init_info["in_channels"] != d.test.channels ||
        init_info["image_size"] != d.test.height) {
      Fail("--init: " + o.init + " holds a " + init_info["model"].get<std::string>() + " for " +
           init_info["dataset"].get<std::string>() + ", not a " + model + " for " + dataset);
    }
    LoadWeights(*net, o.init);
  }
  net->ToChannelsLast();
  net->SetBnMode(o.bn);
  // k is chosen from the weights the quantized nets start from: the init
  // weights for train, the trained weights for pretrain (below).
  net->SetQuantization(std::vector<int>(net->convs().size(), kMaxShift), o.rule, o.per_channel);
  if (!pretrain) net->SetQuantization(ResolveK(*net, o, log), o.rule, o.per_channel);

  std::vector<Precision> train_ps, epoch_ps;
  std::vector<Precision> final_ps = {Precision::k8, Precision::k4};
  switch (o.mode) {
    case Mode::kPretrain:
      train_ps = epoch_ps = {Precision::kFp};
      final_ps = {Precision::kFp, Precision::k8, Precision::k4};
      break;
    case Mode::kFp:
      final_ps = {Precision::kFp, Precision::k8, Precision::k4};
      break;
    case Mode::kQ8:
      train_ps = {Precision::k8};
      epoch_ps = {Precision::k8, Precision::k4};
      break;
    case Mode::kQ4:
      train_ps = epoch_ps = {Precision::k4};
      break;
    case Mode::kNested:
      train_ps = epoch_ps = {Precision::k8, Precision::k4};
      break;
  }
  std::vector<double> loss_weight;
  for (Precision p : train_ps) {
    loss_weight.push_back(o.mode != Mode::kNested ? 1.0 : p == Precision::k8 ? o.w8 : o.w4);
  }

  json sidecar_base = BaseSidecar(o, model, d, data_dir, *net);
  const int epochs = train_ps.empty() ? 0 : o.epochs;
  double train_seconds = 0, last_loss = 0;
  std::int64_t trained_images = 0;

  if (epochs > 0) {
    const std::int64_t n = d.train.count;
    if (n < 2) Fail("training needs at least 2 images (--train-limit)");
    const std::int64_t batch = std::min(o.batch, n);
    const std::int64_t steps = n / batch;  // the incomplete last batch is dropped
    const double lr0 =
        o.lr ? *o.lr
             : (o.optimizer == "adam" ? (pretrain ? 1e-3 : 1e-4) : (pretrain ? 0.01 : 0.005));
    std::vector<Tensor> params = net->parameters();
    std::unique_ptr<torch::optim::Optimizer> opt;
    if (o.optimizer == "adam") {
      opt = std::make_unique<torch::optim::Adam>(
          params, torch::optim::AdamOptions(lr0).weight_decay(o.weight_decay));
    } else {
      opt = std::make_unique<torch::optim::SGD>(
          params, torch::optim::SGDOptions(lr0).momentum(o.momentum).weight_decay(o.weight_decay));
    }
    Rng rng(o.seed);
    Batcher batcher(d.train, d.norm);
    const std::int64_t total_steps = steps * epochs;
    double lr = lr0;
    // LABQAT_TRACE=file.json records a chrome://tracing profile of the
    // training steps (development aid; costs a little speed).
    const char* trace = std::getenv("LABQAT_TRACE");
    std::unique_ptr<torch::autograd::profiler::RecordProfile> profile;
    if (trace && *trace)
      profile = std::make_unique<torch::autograd::profiler::RecordProfile>(trace);
    for (int epoch = 0; epoch < epochs; ++epoch) {
      const auto t0 = Clock::now();
      const double cpu0 = CpuSeconds();
      net->train();
      const std::vector<std::int64_t> order = Shuffled(n, rng);
      double loss_sum = 0;
      for (std::int64_t s = 0; s < steps; ++s) {
        const std::int64_t t = epoch * steps + s;
        if (o.schedule == "cosine") {
          lr = lr0 * 0.5 * (1.0 + std::cos(M_PI * static_cast<double>(t) / total_steps));
        } else if (o.schedule == "step") {
          const int passed = (epoch >= epochs / 2 && epochs / 2 > 0) +
                             (epoch >= 3 * epochs / 4 && 3 * epochs / 4 > 0);
          lr = lr0 * std::pow(0.1, passed);
        }
        for (auto& group : opt->param_groups()) group.options().set_lr(lr);

        auto [x, y] = batcher.Make(order.data() + s * batch, batch, d.augment, &rng);
        const std::vector<Tensor> logits = net->forward(x, train_ps);
        Tensor loss;
        for (std::size_t i = 0; i < logits.size(); ++i) {
          if (loss_weight[i] == 0) continue;
          Tensor term = loss_weight[i] * torch::nn::functional::cross_entropy(logits[i], y);
          loss = loss.defined() ? loss + term : term;
        }
        if (o.mode == Mode::kNested && o.distill > 0) {
          // In-place distillation: the 8-bit net teaches the 4-bit net, no
          // gradient into the teacher through this term.
          Tensor kl = torch::nn::functional::kl_div(
              torch::log_softmax(logits[1], 1), torch::softmax(logits[0].detach(), 1),
              torch::nn::functional::KLDivFuncOptions().reduction(torch::kBatchMean));
          loss = loss.defined() ? loss + o.distill * kl : o.distill * kl;
        }
        for (auto& p : params) p.mutable_grad() = Tensor();  // set_to_none: no zero fill
        loss.backward();
        opt->step();
        const double l = loss.item<double>();
        if (!std::isfinite(l)) {
          Fail("training diverged (loss " + std::to_string(l) + " at epoch " +
               std::to_string(epoch + 1) + "); lower --lr");
        }
        loss_sum += l;
      }
      const double seconds = Seconds(t0, Clock::now());
      const double cpu_seconds = CpuSeconds() - cpu0;
      train_seconds += seconds;
      trained_images += steps * batch;
      last_loss = loss_sum / static_cast<double>(steps);

      const auto t_eval = Clock::now();
      const Accuracies acc = Evaluate(*net, d, o, epoch_ps);
      const double eval_seconds = Seconds(t_eval, Clock::now());
      json line;
      line["type"] = "epoch";
      line["epoch"] = epoch + 1;
      line["epochs"] = epochs;
      line["loss"] = Round(last_loss, 5);
      PutAccuracies(line, acc);
      line["lr"] = lr;
      line["seconds"] = Round(seconds, 3);
      line["images_per_s"] = Round(static_cast<double>(steps * batch) / seconds, 1);
      line["cpu_seconds"] = Round(cpu_seconds, 3);
      line["eval_seconds"] = Round(eval_seconds, 3);
      out << line.dump() << "\n" << std::flush;
      log << "labqat: epoch " << epoch + 1 << "/" << epochs << " loss " << Round(last_loss, 4)
          << AccuracyLog(acc) << " (" << Round(seconds, 1) << " s, "
          << Round(static_cast<double>(steps * batch) / seconds, 0) << " img/s, eval "
          << Round(eval_seconds, 1) << " s)\n";

      json ck = sidecar_base;
      ck["checkpoint_epoch"] = epoch + 1;
      PutAccuracies(ck, acc);
      SaveWeights(*net, CheckpointPath(o.out), ck);
    }
  }

  if (pretrain) {
    net->SetQuantization(ResolveK(*net, o, log), o.rule, o.per_channel);
    sidecar_base["k"] = net->ks();
  }
  const Accuracies acc = Evaluate(*net, d, o, final_ps);
  json sidecar = sidecar_base;
  sidecar["epochs"] = epochs;
  PutAccuracies(sidecar, acc);
  SaveWeights(*net, o.out, sidecar);

  json fin;
  fin["type"] = "final";
  fin["mode"] = std::string(ModeName(o.mode));
  fin["model"] = model;
  fin["dataset"] = dataset;
  PutAccuracies(fin, acc);
  if (o.mode == Mode::kQ8 && o.bn == BnMode::kSwitchable) {
    // Naive truncation plus BN recalibration (not saved: the file keeps the
    // naive 4-bit net that acc4 describes).
    Calibrate(*net, d, Precision::k4, o.calib, o.batch);
    const std::vector<std::int64_t> c = CountCorrect(*net, d, {Precision::k4});
    fin["acc4_recal"] = std::stod(FormatPercent(c[0], d.test.count));
  }
  fin["k"] = net->ks();
  fin["k_search"] = o.k == "search" ? "weight_mse" : "fixed";
  fin["rule"] = std::string(RuleName(o.rule));
  fin["bn"] = std::string(BnModeName(o.bn));
  fin["per_channel"] = o.per_channel;
  if (o.mode == Mode::kNested) {
    fin["w8"] = o.w8;
    fin["w4"] = o.w4;
    fin["distill"] = o.distill;
  }
  fin["epochs"] = epochs;
  if (epochs > 0) fin["loss"] = Round(last_loss, 5);
  fin["train_seconds"] = Round(train_seconds, 3);
  if (epochs > 0)
    fin["images_per_s"] = Round(static_cast<double>(trained_images) / train_seconds, 1);
  fin["train_images"] = d.train.count;
  fin["test_images"] = d.test.count;
  fin["threads"] = o.threads;
  fin["seed"] = o.seed;
  fin["weights"] = o.out;
  out << fin.dump() << "\n" << std::flush;
  log << "labqat: final" << AccuracyLog(acc) << ", k";
  for (int k : net->ks()) log << " " << k;
  log << ", weights " << o.out << "\n";
  return fin;
}

EvalReport RunEval(const Options& o, std::ostream& log) {
  if (o.init.empty()) Fail("--weights: required");
  SetupThreads(o.threads);
  EvalReport report;
  report.sidecar = ReadSidecar(o.init);
  const nlohmann::json& sc = report.sidecar;
  const std::string model = sc["model"].get<std::string>();
  const std::string dataset = o.dataset_set ? o.dataset : sc["dataset"].get<std::string>();
  const std::string data_dir =
      o.data_dir_set ? o.data_dir
                     : (dataset == sc["dataset"].get<std::string>() ? sc.value("data", "") : "");
  const std::int64_t test_limit = o.test_limit_set ? o.test_limit : sc.value("test_limit", 0);
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
  LoadWeights(*net, o.init);
  // Slots are materialised in the file: precision p reads slot p.
  net->SetBnMode(BnMode::kSwitchable);
  net->SetQuantization(ks, rule, per_channel);
  if (o.k_set && o.k == "search") {
    net->SetQuantization(SearchK(*net, rule, per_channel, log), rule, per_channel);
  }
  if (recalibrate) Calibrate(*net, d, Precision::k4, o.calib, o.batch);
  const std::vector<std::int64_t> c = CountCorrect(*net, d, {Precision::k8, Precision::k4});
  report.acc8 = FormatPercent(c[0], d.test.count);
  report.acc4 = FormatPercent(c[1], d.test.count);
  log << "labqat: evaluated " << o.init << " (" << sc["mode"].get<std::string>() << ", k";
  for (int k : net->ks()) log << " " << k;
  log << ") on " << d.test.count << " " << dataset << " test images\n";
  return report;
}

}  // namespace labq::qat
