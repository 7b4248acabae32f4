#include "jobs/qat_job.h"

#include <unistd.h>

#include <cstdlib>

#include "common/text.h"

namespace labq {
namespace {

std::string Str(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

/// Flags shared by pretrain and train, from validated parameters.
std::vector<std::string> DataFlags(const nlohmann::json& p) {
  std::vector<std::string> args = {"--dataset",     Str(p["dataset"]),   "--model",
                                   Str(p["model"]), "--batch",           Str(p["batch"]),
                                   "--threads",     Str(p["threads"]),   "--seed",
                                   Str(p["seed"]),  "--train-limit",     Str(p["train_limit"]),
                                   "--test-limit",  Str(p["test_limit"])};
  if (p.value("data", "default") != "default") {
    args.push_back("--data");
    args.push_back(Str(p["data"]));
  }
  if (p.contains("lr") && p["lr"].is_number()) {
    args.push_back("--lr");
    args.push_back(Str(p["lr"]));
  }
  // Always explicit: labqat's own default (auto) would take a GPU the
  // scheduler did not hand this job.
  args.push_back("--device");
  args.push_back(p.value("device", "cpu"));
  if (p.value("amp", false)) args.push_back("--amp");
  return args;
}

StepOptions TrainerOptions(const nlohmann::json& params) {
  StepOptions options;
  options.timeout = StepTimeout(params);
  // With another busy process on the cores, OpenMP's spin-wait made two
  // threads 2.5-3x slower; passive waiting costs nothing when idle.
  options.env["OMP_WAIT_POLICY"] = "PASSIVE";
  return options;
}

JobOutput RunLabqat(const JobContext& context, StepRunner& runner, std::vector<std::string> argv) {
  RunStepOrFail(runner, context, "labqat", argv, TrainerOptions(context.params));
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
  const auto& p = context.params;
  std::vector<std::string> argv = {FindLabqat(), "pretrain", "--out",
                                   "fp.pt",      "--epochs", Str(p["pretrain_epochs"])};
  for (auto& a : DataFlags(p)) argv.push_back(std::move(a));
  JobOutput out = RunLabqat(context, runner, argv);
  out.texts["weights"] = (context.dir / "fp.pt").string();
  return out;
}

JobOutput QatJob::Run(const JobContext& context, StepRunner& runner) const {
  const auto& p = context.params;
  std::filesystem::path init;
  for (const auto& [name, dir] : context.dependency_dirs) {
    if (std::filesystem::exists(dir / "fp.pt")) init = dir / "fp.pt";
  }
  if (init.empty()) throw JobFailed("qat: no pretrained fp.pt among this job's dependencies");
  std::vector<std::string> argv = {
      FindLabqat(), "train",           "--mode",      Str(p["mode"]),
      "--init",     init.string(),     "--out",       "final.pt",
      "--epochs",   Str(p["epochs"]),  "--k",         Str(p["k"]),
      "--rule",     Str(p["rule"]),    "--bn",        Str(p["bn"]),
      "--w8",       Str(p["w8"]),      "--w4",        Str(p["w4"]),
      "--distill",  Str(p["distill"]), "--optimizer", Str(p["optimizer"]),
      "--schedule", Str(p["schedule"])};
  if (p.value("per_channel", false)) argv.push_back("--per-channel");
  for (auto& a : DataFlags(p)) argv.push_back(std::move(a));
  JobOutput out = RunLabqat(context, runner, argv);
  out.texts["weights"] = (context.dir / "final.pt").string();
  out.texts["init"] = init.string();
  return out;
}

}  // namespace labq
