#include "jobs/hw_eval_job.h"

#include <algorithm>
#include <optional>
#include <set>

#include "common/metric_names.h"
#include "common/text.h"
#include "dpu/dpu_design.h"
#include "jobs/dpu_kind.h"
#include "jobs/qat_job.h"

namespace labq {
namespace {

using nlohmann::json;

/// The DPU an evaluation runs on (the width rules are DpuDesign's).
DpuDesign DesignOf(const HwEvalParams& p) {
  DpuDesign d;
  d.n = p.n;
  d.a_bits = p.a_bits;
  d.b_bits = p.BBits();
  d.b_format = ParseBFormat(p.DpuBFormat());
  d.mode = ParseDpuMode(p.mode);
  d.out_bits = p.out_bits;
  return d;
}

/// The DPU a synthesis job builds, read as the job reads its params
/// (input_bits the shorthand for both widths, unsigned unless it says
/// otherwise); nullopt for params it would refuse.
std::optional<DpuDesign> SynthDesign(const json& params) {
  try {
    return DpuParams::From(params).Design();
  } catch (const Error&) {
    return std::nullopt;
  }
}

/// Whether a synthesis job builds the DPU `p` evaluates on (a full design
/// ignores out_bits).
bool Matches(const std::optional<DpuDesign>& s, const HwEvalParams& p) {
  const DpuDesign want = DesignOf(p);
  return s && s->n == want.n && s->mode == want.mode && s->a_bits == want.a_bits &&
         s->b_bits == want.b_bits && s->b_format == want.b_format &&
         (want.mode == DpuMode::kFull || s->out_bits == want.out_bits);
}

std::string DpuParamsText(const HwEvalParams& p) {
  std::string text = "n: " + std::to_string(p.n) + ", mode: " + p.mode;
  if (p.mode != "full") text += ", out_bits: " + std::to_string(p.out_bits);
  return text + ", a_bits: " + std::to_string(p.a_bits) + ", b_bits: " + std::to_string(p.BBits()) +
         ", b_format: " + p.DpuBFormat();
}

[[noreturn]] void Fail(const ExpandedConfig& config, const std::string& key,
                       const std::string& message) {
  throw InputError(WhereOf(config, key), KeyOf(config, key), message);
}

/// The groups above this one, in order, with the kinds of their jobs.
std::vector<std::pair<std::string, std::set<std::string>>> GroupsAbove(const Sweep& sweep) {
  std::vector<std::pair<std::string, std::set<std::string>>> groups;
  for (const auto& job : sweep.jobs) {
    if (groups.empty() || groups.back().first != job.group) groups.push_back({job.group, {}});
    groups.back().second.insert(job.kind);
  }
  return groups;
}

/// The nested training job of the qat group `from`: errors at `from` when
/// there is no such group above, it is not a qat group, or it has no (or
/// more than one) nested job.
const JobSpec& NestedJob(const ExpandedConfig& config, const HwEvalParams& p, const Sweep& sweep) {
  const auto groups = GroupsAbove(sweep);
  auto group =
      std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == p.from; });
  if (group == groups.end()) {
    std::string names;
    for (const auto& g : groups) names += (names.empty() ? "" : ", ") + g.first;
    Fail(config, "from",
         "no group '" + p.from + "' above this one (hw_eval reads a qat group defined before it" +
             (names.empty() ? std::string(")") : "; groups above: " + names + ")"));
  }
  if (!group->second.count("qat")) {
    Fail(config, "from",
         "group '" + p.from +
             "' is not kind qat (it has no training jobs); hw_eval evaluates the weights of a "
             "qat group's nested job");
  }
  std::vector<const JobSpec*> nested;
  for (const auto& job : sweep.jobs) {
    if (job.group == p.from && job.kind == "qat" && job.params.value("mode", "") == "nested") {
      nested.push_back(&job);
    }
  }
  if (nested.empty()) {
    Fail(config, "from",
         "qat group '" + p.from +
             "' has no nested job (mode: nested): hw_eval needs its 8-bit codes and their "
             "4-bit cuts");
  }
  if (nested.size() > 1) {
    std::string jobs;
    for (const JobSpec* job : nested) jobs += (jobs.empty() ? "" : ", ") + job->name;
    Fail(config, "from",
         "qat group '" + p.from + "' has " + std::to_string(nested.size()) + " nested jobs (" +
             jobs + "); hw_eval evaluates one: give it a group of its own");
  }
  return *nested.front();
}

/// The first synthesis job of the sweep (a dpu or synth group above) that
/// builds this evaluation's DPU; an error at `n` naming what to add otherwise.
const JobSpec& SynthJob(const ExpandedConfig& config, const HwEvalParams& p, const Sweep& sweep) {
  for (const auto& job : sweep.jobs) {
    if (job.kind == "synth" && Matches(SynthDesign(job.params), p)) return job;
  }
  Fail(config, "n",
       "no synthesis job above this one builds the DPU this row runs on: add a dpu group (or a "
       "grid row of one) with " +
           DpuParamsText(p));
}

}  // namespace

std::string HwEvalParams::DpuBFormat() const {
  return b_format == "unsigned-split" ? "unsigned" : "sign-magnitude";
}

HwEvalParams HwEvalParams::From(const json& params) {
  HwEvalParams p;
  p.n = ParamAs<int>(params, "n");
  p.mode = ParamAs<std::string>(params, "mode");
  p.b_format = ParamAs<std::string>(params, "b_format");
  p.precision = ParamAs<int>(params, "precision");
  p.out_bits = ParamAs<int>(params, "out_bits");
  p.a_bits = ParamAs<int>(params, "a_bits");
  p.from = ParamAs<std::string>(params, "from");
  p.calib = ParamAs<int>(params, "calib");
  p.test_limit = ParamAs<int>(params, "test_limit");
  p.threads = ParamAs<int>(params, "threads");
  p.batch = ParamAs<int>(params, "batch");
  p.device = ParamAs<std::string>(params, "device");
  p.timeout_s = ParamAs<double>(params, "timeout_s");
  p.retries = ParamAs<int>(params, "retries");
  return p;
}

int MaxConvK(const std::string& model, const std::string& dataset) {
  int in_channels = 0;
  if (dataset == "fashion-mnist" || dataset == "mnist") in_channels = 1;
  if (dataset == "cifar10") in_channels = 3;
  if (in_channels == 0) throw Error("no in_channels known for data set '" + dataset + "'");
  // qat/model.cc: cnn's convs are 3x3 with widths 32, 32, 64, 64; resnet20's
  // are 3x3 (and 1x1 shortcuts) with widths 16, 32, 64. Both end at 64 * 9.
  int widest = 0;
  if (model == "cnn" || model == "resnet20") widest = 64;
  if (widest == 0) throw Error("no convolution sizes known for model '" + model + "'");
  return std::max(in_channels, widest) * 3 * 3;
}

const std::vector<ParamSpec>& HwEvalKind::Params() const {
  static const HwEvalParams d;
  // The order `labq params` and docs/params.md list them in.
  static const std::vector<ParamSpec> specs = {
      IntParam("n", json(), 1, 1024, "DPU vector length N (at most the largest conv's K)"),
      ChoiceParam("mode", json(), {"full", "msb", "lsb"}, "DPU output mode"),
      ChoiceParam("b_format", d.b_format, {"sign-magnitude", "unsigned-split"},
                  "signed weights on the sign-magnitude DPU (one call), or on the lab's unsigned "
                  "DPU as positive and negative magnitudes (two calls, subtracted)"),
      IntParam("precision", d.precision, 4, 8,
               "weight bits: 8 (the trained codes) or 4 (their 4-bit cuts)"),
      IntParam("out_bits", d.out_bits, 1, 64, "DPU output bits for msb/lsb"),
      IntParam("a_bits", d.a_bits, 2, 16, "unsigned activation bits"),
      {"from", ParamType::kName, json(), 0, 0, {}, "the qat group whose nested job's weights run"},
      IntParam("calib", d.calib, 1, 100000000, "training images calibrating activation scales"),
      IntParam("test_limit", d.test_limit, 0, 100000000,
               "evaluate on the first N test images (0 = all)"),
      IntParam("threads", d.threads, 1, 256, "torch threads"),
      IntParam("batch", d.batch, 1, 65536, "evaluation batch size"),
      ChoiceParam("device", d.device, {"cpu", "cuda"}, "where labqat evaluates"),
      NumberParam("timeout_s", WholeNumber(d.timeout_s), 1, 1e7, "per-step timeout"),
      IntParam("retries", d.retries, 0, 10, "retries after a transient failure (signal)"),
  };
  return specs;
}

void HwEvalKind::Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const {
  const HwEvalParams p = HwEvalParams::From(config.params);
  if (p.precision != 8 && p.precision != 4) {
    Fail(config, "precision", "must be 8 or 4 (the trained codes or their 4-bit cuts)");
  }
  const JobSpec& nested = NestedJob(config, p, sweep);
  const std::string model = nested.params.value("model", "");
  const std::string dataset = nested.params.value("dataset", "");
  if (const int k = MaxConvK(model, dataset); p.n > k) {
    Fail(config, "n",
         std::to_string(p.n) + " is larger than the largest convolution's K = Cin*kh*kw = " +
             std::to_string(k) + " of " + model + " on " + dataset + " (group '" + p.from +
             "'): every DPU call would be mostly zero padding");
  }
  if (const auto problem = DesignOf(p).OutBitsProblem(); !problem.empty()) {
    Fail(config, "out_bits", problem);
  }
  const JobSpec& synth = SynthJob(config, p, sweep);
  json params = config.params;
  params[kHwEvalDatasetKey] = dataset;
  params[kHwEvalDataKey] = nested.params.value("data", "default");
  // One evaluation of the test set; the conv work grows with precision, not N.
  const double cost = 20 + 0.002 * (p.test_limit > 0 ? p.test_limit : 10000);
  sweep.jobs.push_back({names.Unique(ConfigLabel(config), ".hweval"),
                        "hw_eval",
                        config.group,
                        std::move(params),
                        {nested.name, synth.name},
                        cost});
}

JobOutput HwEvalKind::Run(const JobContext& context, StepRunner& runner) const {
  const HwEvalParams p = HwEvalParams::From(context.params);
  std::filesystem::path weights;
  for (const auto& [name, dir] : context.dependency_dirs) {
    if (std::filesystem::exists(dir / "final.pt")) weights = dir / "final.pt";
  }
  if (weights.empty())
    throw JobFailed("hw_eval: no trained final.pt among this job's dependencies");
  std::vector<std::string> argv = {
      FindLabqat(), "hweval", "--weights", weights.string(), "--n", std::to_string(p.n), "--mode",
      p.mode, "--b-format", p.b_format, "--precision", std::to_string(p.precision), "--out-bits",
      std::to_string(p.out_bits), "--a-bits", std::to_string(p.a_bits), "--calib",
      std::to_string(p.calib), "--test-limit", std::to_string(p.test_limit), "--threads",
      std::to_string(p.threads), "--batch", std::to_string(p.batch),
      // Explicit: labqat's default (auto) would take a GPU
      // the scheduler did not hand this job.
      "--device", p.device, "--dataset", ParamAs<std::string>(context.params, kHwEvalDatasetKey)};
  if (const auto data = ParamAs<std::string>(context.params, kHwEvalDataKey); data != "default") {
    argv.push_back("--data");
    argv.push_back(data);
  }
  StepOptions options;
  options.timeout = StepTimeout(p.timeout_s);
  options.env["OMP_WAIT_POLICY"] = "PASSIVE";  // as for training (jobs/qat_job.cc)
  RunStepOrFail(runner, context, "labqat", argv, options);
  JobOutput out =
      ParseHwEvalOutput(ReadFile((context.dir / "labqat.stdout").string()), "labqat.stdout");
  out.texts["weights"] = weights.string();
  return out;
}

JobOutput ParseHwEvalOutput(const std::string& text, const std::string& file) {
  int line_number = 0;
  for (const auto& line : SplitLines(text)) {
    ++line_number;
    if (Trim(line).empty() || Trim(line)[0] != '{') continue;
    json j;
    try {
      j = json::parse(line);
    } catch (const json::exception& e) {
      throw JobFailed(file + ":" + std::to_string(line_number) + ": not JSON: " + e.what());
    }
    if (j.value("type", "") != "hweval") continue;
    const auto& declared = HwEvalMetrics();
    JobOutput out;
    for (const auto& [key, value] : j.items()) {
      if (value.is_number()) {
        const std::string& name = key;  // clang: a lambda may not capture a structured binding
        auto spec = std::find_if(declared.begin(), declared.end(),
                                 [&](const MetricSpec& m) { return m.name == name; });
        out.Add(key, value.get<double>(), spec == declared.end() ? "" : spec->unit);
      } else if (value.is_string() && key != "type") {
        out.texts[key] = value.get<std::string>();
      } else if (value.is_array() || value.is_object() || value.is_boolean()) {
        out.texts[key] = value.dump();
      }
    }
    return out;
  }
  throw JobFailed(file + ": labqat hweval printed no final result line (type hweval)");
}

const std::vector<MetricSpec>& HwEvalMetrics() {
  static const std::vector<MetricSpec> metrics = {
      {metric::kHwAccuracy, "%", "codesign: accuracy_pct"},
      {metric::kFloatAccuracy, "%", "codesign: delta_pts"},
      {metric::kMacsPerImage, "", "codesign: energy_pJ"},
      {metric::kDpuCallsPerImage, "", "codesign: utilization"},
      {"test_images", "", ""},
      {"seconds", "s", ""},
      {"float_seconds", "s", ""},
      {"sum_bits", "", ""},
      {"images_per_s", "images/s", ""},
      {"n", "", ""},
      {"precision", "", ""},
      {"a_bits", "", ""},
      {"b_bits", "", ""},
      {"out_bits", "", ""},
      {"threads", "", ""},
  };
  return metrics;
}

}  // namespace labq
