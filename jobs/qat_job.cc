#include "jobs/qat_job.h"

#include <unistd.h>

#include <cstdlib>

#include "common/metric_names.h"
#include "common/text.h"

namespace labq {
namespace {

using nlohmann::json;

/// A float flag as labqat reads it.
std::string Num(double v) { return json(v).dump(); }

/// Flags shared by pretrain and train.
std::vector<std::string> DataFlags(const TrainerParams& p) {
  std::vector<std::string> args = {"--dataset",     p.dataset,
                                   "--model",       p.model,
                                   "--batch",       std::to_string(p.batch),
                                   "--threads",     std::to_string(p.threads),
                                   "--seed",        std::to_string(p.seed),
                                   "--train-limit", std::to_string(p.train_limit),
                                   "--test-limit",  std::to_string(p.test_limit)};
  if (p.data != "default") {
    args.push_back("--data");
    args.push_back(p.data);
  }
  if (p.lr) {
    args.push_back("--lr");
    args.push_back(Num(*p.lr));
  }
  // Always explicit: labqat's own default (auto) would take a GPU the
  // scheduler did not hand this job.
  args.push_back("--device");
  args.push_back(p.device);
  if (p.amp) args.push_back("--amp");
  return args;
}

StepOptions TrainerOptions(const TrainerParams& p) {
  StepOptions options;
  options.timeout = StepTimeout(p.timeout_s);
  // With another busy process on the cores, OpenMP's spin-wait made two
  // threads 2.5-3x slower; passive waiting costs nothing when idle.
  options.env["OMP_WAIT_POLICY"] = "PASSIVE";
  return options;
}

JobOutput RunLabqat(const JobContext& context, StepRunner& runner, const TrainerParams& p,
                    std::vector<std::string> argv) {
  for (auto& a : DataFlags(p)) argv.push_back(std::move(a));
  RunStepOrFail(runner, context, "labqat", argv, TrainerOptions(p));
  return ParseLabqatOutput(ReadFile((context.dir / "labqat.stdout").string()), "labqat.stdout");
}

}  // namespace

std::string FindLabqat() {
  if (const char* env = std::getenv("LABQAT"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto sibling = self.parent_path().parent_path() / "qat" / "labqat";
    if (std::filesystem::exists(sibling, ec)) return sibling.string();
  }
  return "labqat";
}

JobOutput ParseLabqatOutput(const std::string& text, const std::string& file) {
  JobOutput out;
  bool final_seen = false;
  int line_number = 0;
  for (const auto& line : SplitLines(text)) {
    ++line_number;
    if (Trim(line).empty() || Trim(line)[0] != '{') continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      throw JobFailed(file + ":" + std::to_string(line_number) + ": not JSON: " + e.what());
    }
    const std::string type = j.value("type", "");
    auto unit_of = [](const std::string& key) -> std::string {
      if (StartsWith(key, "acc")) return "%";
      if (Contains(key, "seconds")) return "s";
      if (key == "images_per_s") return "images/s";
      return "";
    };
    if (type == "epoch") {
      const std::string prefix = "epoch_" + std::to_string(j.value("epoch", 0)) + ".";
      for (const auto& [key, value] : j.items()) {
        if (value.is_number() && key != "epoch")
          out.Add(prefix + key, value.get<double>(), unit_of(key));
      }
    } else if (type == "final") {
      final_seen = true;
      for (const auto& [key, value] : j.items()) {
        if (value.is_number()) {
          out.Add(key, value.get<double>(), unit_of(key));
        } else if (value.is_string() && key != "type") {
          out.texts[key] = value.get<std::string>();
        } else if (value.is_array() || value.is_boolean()) {
          out.texts[key] = value.dump();
        }
      }
    }
  }
  if (!final_seen) throw JobFailed(file + ": labqat printed no final result line");
  return out;
}

JobOutput PretrainJob::Run(const JobContext& context, StepRunner& runner) const {
  const TrainerParams p = TrainerParams::From(context.params);
  JobOutput out = RunLabqat(
      context, runner, p,
      {FindLabqat(), "pretrain", "--out", "fp.pt", "--epochs", std::to_string(p.pretrain_epochs)});
  out.texts["weights"] = (context.dir / "fp.pt").string();
  return out;
}

JobOutput QatKind::Run(const JobContext& context, StepRunner& runner) const {
  const QatParams p = QatParams::From(context.params);
  std::filesystem::path init;
  for (const auto& [name, dir] : context.dependency_dirs) {
    if (std::filesystem::exists(dir / "fp.pt")) init = dir / "fp.pt";
  }
  if (init.empty()) throw JobFailed("qat: no pretrained fp.pt among this job's dependencies");
  std::vector<std::string> argv = {FindLabqat(),  "train",
                                   "--mode",      p.mode,
                                   "--init",      init.string(),
                                   "--out",       "final.pt",
                                   "--epochs",    std::to_string(p.epochs),
                                   "--k",         p.k ? std::to_string(*p.k) : "search",
                                   "--rule",      p.rule,
                                   "--bn",        p.bn,
                                   "--w8",        Num(p.w8),
                                   "--w4",        Num(p.w4),
                                   "--distill",   Num(p.distill),
                                   "--optimizer", p.optimizer,
                                   "--schedule",  p.schedule};
  if (p.per_channel) argv.push_back("--per-channel");
  JobOutput out = RunLabqat(context, runner, p.trainer, argv);
  out.texts["weights"] = (context.dir / "final.pt").string();
  out.texts["init"] = init.string();
  return out;
}

const std::vector<std::string>& TrainerParams::Keys() {
  static const std::vector<std::string> keys = {
      "dataset",    "data",    "model", "pretrain_epochs", "seed",   "batch", "train_limit",
      "test_limit", "threads", "lr",    "timeout_s",       "device", "amp"};
  return keys;
}

TrainerParams TrainerParams::From(const json& params) {
  TrainerParams p;
  p.dataset = ParamAs<std::string>(params, "dataset");
  p.data = ParamAs<std::string>(params, "data");
  p.model = ParamAs<std::string>(params, "model");
  p.pretrain_epochs = ParamAs<int>(params, "pretrain_epochs");
  p.seed = ParamAs<int>(params, "seed");
  p.batch = ParamAs<int>(params, "batch");
  p.train_limit = ParamAs<int>(params, "train_limit");
  p.test_limit = ParamAs<int>(params, "test_limit");
  p.threads = ParamAs<int>(params, "threads");
  p.lr = ParamOr<double>(params, "lr", "default");
  p.timeout_s = ParamAs<double>(params, "timeout_s");
  p.device = ParamAs<std::string>(params, "device");
  p.amp = ParamAs<bool>(params, "amp");
  return p;
}

QatParams QatParams::From(const json& params) {
  QatParams p;
  p.mode = ParamAs<std::string>(params, "mode");
  p.epochs = ParamAs<int>(params, "epochs");
  p.k = ParamOr<int>(params, "k", "search");
  p.rule = ParamAs<std::string>(params, "rule");
  p.bn = ParamAs<std::string>(params, "bn");
  p.w8 = ParamAs<double>(params, "w8");
  p.w4 = ParamAs<double>(params, "w4");
  p.distill = ParamAs<double>(params, "distill");
  p.per_channel = ParamAs<bool>(params, "per_channel");
  p.optimizer = ParamAs<std::string>(params, "optimizer");
  p.schedule = ParamAs<std::string>(params, "schedule");
  p.retries = ParamAs<int>(params, "retries");
  p.trainer = TrainerParams::From(params);
  return p;
}

const std::vector<ParamSpec>& QatKind::Params() const {
  static const QatParams d;
  static const TrainerParams& t = d.trainer;
  // The order `labq params` and docs/params.md list them in.
  static const std::vector<ParamSpec> specs = {
      ChoiceParam("mode", json(), {"fp", "q8", "q4", "nested"}, "training mode"),
      IntParam("epochs", d.epochs, 0, 30, "training epochs (lab limit 30)"),
      IntParam("pretrain_epochs", t.pretrain_epochs, 1, 100, "epochs of the FP pretraining job"),
      IntParam("k", d.k ? json(*d.k) : json("search"), 0, 4,
               "first magnitude bit kept in 4-bit, or search", {"search"}),
      ChoiceParam("rule", d.rule, {"truncate", "round"}, "8->4 bit selection rule"),
      ChoiceParam("bn", d.bn, {"switchable", "recalibrate", "shared"}, "BN per precision"),
      NumberParam("w8", d.w8, 0, 100, "8-bit loss weight (nested)"),
      NumberParam("w4", d.w4, 0, 100, "4-bit loss weight (nested)"),
      NumberParam("distill", d.distill, 0, 100, "8->4 distillation weight (nested)"),
      BoolParam("per_channel", d.per_channel, "per-output-channel scales"),
      ChoiceParam("optimizer", d.optimizer, {"sgd", "adam"}, "optimizer"),
      NumberParam("lr", t.lr ? json(*t.lr) : json("default"), 1e-8, 10,
                  "learning rate (default: labqat's for the optimizer)", {"default"}),
      ChoiceParam("schedule", d.schedule, {"cosine", "step", "none"}, "learning-rate schedule"),
      IntParam("batch", t.batch, 1, 65536, "batch size"),
      IntParam("threads", t.threads, 1, 256, "torch threads"),
      IntParam("seed", t.seed, 0, 2147483647, "random seed"),
      IntParam("train_limit", t.train_limit, 0, 100000000, "train on the first N images (0 = all)"),
      IntParam("test_limit", t.test_limit, 0, 100000000,
               "evaluate on the first N images (0 = all)"),
      ChoiceParam("dataset", t.dataset, {"fashion-mnist", "mnist", "cifar10"}, "data set"),
      PathParam("data", t.data, {"default"}, "data folder (default: Debian's fashion-mnist)"),
      ChoiceParam("model", t.model, {"cnn", "resnet20"}, "network"),
      ChoiceParam("device", t.device, {"cpu", "cuda"},
                  "where labqat trains; cuda holds one `gpu` resource (limit: the GPUs visible) "
                  "and gets its own CUDA_VISIBLE_DEVICES, or --gres=gpu:1 on SLURM"),
      BoolParam("amp", t.amp, "bf16 autocast while training (device: cuda only)"),
      NumberParam("timeout_s", WholeNumber(t.timeout_s), 1, 1e7, "per-step timeout"),
      IntParam("retries", d.retries, 0, 10, "retries after a transient failure (signal)"),
  };
  return specs;
}

void QatKind::Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const {
  // One pretraining job per distinct trainer setting within the group.
  json pretrain_params = json::object();
  for (const auto& key : TrainerParams::Keys()) pretrain_params[key] = config.params[key];
  const std::string key = "pretrain:" + pretrain_params.dump();
  auto it = names.shared.find(key);
  if (it == names.shared.end()) {
    std::string name = names.Unique(config.group, ".pretrain");
    sweep.jobs.push_back({name,
                          "pretrain",
                          config.group,
                          pretrain_params,
                          {},
                          100.0 * config.params["pretrain_epochs"].get<double>()});
    it = names.shared.emplace(key, name).first;
  }
  sweep.jobs.push_back({names.Unique(ConfigLabel(config), ".train"),
                        "qat",
                        config.group,
                        config.params,
                        {it->second},
                        10 + 150.0 * config.params["epochs"].get<double>()});
}

const std::vector<MetricSpec>& QatMetrics() {
  static const std::vector<MetricSpec> metrics = {
      {metric::kAccFp, "%", "qat: accuracy_pct (FP baseline), vs_fp_points"},
      {metric::kAcc8, "%", "qat: accuracy_pct (8-bit rows)"},
      {metric::kAcc4, "%", "qat: accuracy_pct (4-bit rows)"},
      {"acc4_recal", "%", ""},
      {"w8", "", ""},
      {"w4", "", ""},
      {"distill", "", ""},
      {"epochs", "", ""},
      {"loss", "", ""},
      {metric::kTrainSeconds, "s", "qat: train_s"},
      {"images_per_s", "images/s", ""},
      {"train_images", "", ""},
      {"test_images", "", ""},
      {"threads", "", ""},
      {"seed", "", ""},
  };
  return metrics;
}

}  // namespace labq
