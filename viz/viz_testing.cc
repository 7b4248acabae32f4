#include "viz/viz_testing.h"

#include <map>

#include "common/error.h"
#include "common/metric_names.h"
#include "viz/run_tool.h"

namespace labq::viz::testing {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

double FixtureOpsPerW(int n, const std::string& mode) {
  return (mode == "full" ? 2.0e11 : 3.5e11) * (n == 8 ? 1.0 : 1.6);
}

namespace {

std::vector<MetricRecord> SynthMetrics(int n, const std::string& mode) {
  const double f = 250e6;
  const double ops = 2.0 * n * f;
  const double opw = FixtureOpsPerW(n, mode);
  return {{"clock_period", 4.0, "ns"},
          {"slack", 0.1, "ns"},
          {"area", 1000.0 * n, "um^2"},
          {"power_total", ops / opw, "W"},
          {"fmax", f, "Hz"},
          {"ops", ops, "OPS/s"},
          {"ops_per_w", opw, "OPS/W"},
          {"ops_per_mm2", ops / (1e-3 * n), "OPS/s/mm^2"},
          {"timing_met", 1, ""}};
}

std::vector<MetricRecord> QatMetrics(const std::string& mode) {
  std::vector<MetricRecord> m;
  auto add = [&](const std::string& name, double v, const std::string& unit) {
    m.push_back({name, v, unit});
  };
  if (mode == "pretrain" || mode == "fp") add("acc_fp", 89.5, "%");
  if (mode != "pretrain") {
    add("acc8", mode == "q4" ? 80.0 : 89.0, "%");
    add("acc4", mode == "q8" ? 41.25 : 86.5, "%");
  }
  if (mode != "fp") {
    for (int e = 1; e <= 3; ++e) {
      const std::string p = "epoch_" + std::to_string(e) + ".";
      add(p + "loss", 0.9 / e, "");
      if (mode == "pretrain") add(p + "acc_fp", 80.0 + 3 * e, "%");
      if (mode == "q8" || mode == "nested") add(p + "acc8", 84.0 + 1.5 * e, "%");
      if (mode == "q4" || mode == "nested") add(p + "acc4", 79.0 + 2 * e, "%");
    }
    add("train_seconds", 12.5, "s");
  }
  return m;
}

}  // namespace

int64_t AddLab2Sweep(ResultStore& store, const std::string& name, bool finish) {
  Sweep sweep;
  sweep.name = name;
  sweep.file = "configs/" + name + ".yaml";
  sweep.source_text = "name: " + name + "\ngroups: []  # <b>not bold</b>\n";
  for (int n : {8, 128}) {
    for (const std::string mode : {"full", "lsb"}) {
      sweep.jobs.push_back({"synth-n" + std::to_string(n) + "-" + mode,
                            "synth",
                            "dpu",
                            {{"n", n}, {"mode", mode}, {"liberty", "osu018"}},
                            {}});
    }
  }
  sweep.jobs.push_back({"pretrain", "pretrain", "qat", {{"pretrain_epochs", 3}}, {}});
  for (const std::string mode : {"fp", "q8", "q4", "nested"}) {
    sweep.jobs.push_back({"qat-" + mode, "qat", "qat", {{"mode", mode}, {"epochs", 3}}, {}});
  }
  const int64_t id = store.AddSweep(sweep);
  if (!finish) return id;
  while (auto job = store.ClaimRunnable(id, "/tmp/labq-viz-test")) {
    JobCompletion done;
    done.state = JobState::kDone;
    done.wall_seconds = 1;
    if (job->kind == "synth") {
      done.metrics = SynthMetrics(job->params["n"].get<int>(), job->params["mode"]);
    } else {
      done.metrics = QatMetrics(job->kind == "pretrain" ? "pretrain" : job->params["mode"]);
      done.texts = {{"k", "[3,3]"}, {"rule", "truncate"}, {"bn", "switchable"}};
    }
    store.FinishJob(job->id, done);
  }
  return id;
}

const std::vector<CodesignFixtureRow>& CodesignFixtureRows() {
  static const std::vector<CodesignFixtureRow> kRows = {
      {8, "full", 8, "sign-magnitude", 89.0, 89.2, 2.0e11, false},  // #5 as accurate, more OPS/W
      {8, "full", 4, "sign-magnitude", 86.0, 86.5, 5.0e11, true},
      {128, "msb", 8, "sign-magnitude", 60.0, 89.2, 2.4e11, false},
      {128, "lsb", 4, "sign-magnitude", 10.0, 86.5, 5.5e11, true},  // the most OPS/W
      {8, "full", 8, "unsigned-split", 89.0, 89.2, 2.2e11, true},   // the most accurate
      {128, "msb", 8, "unsigned-split", 70.0, 89.2, 2.6e11, false},
  };
  return kRows;
}

int64_t AddCodesignSweep(ResultStore& store, const std::string& name, bool finish) {
  Sweep sweep;
  sweep.name = name;
  sweep.file = "configs/" + name + ".yaml";
  sweep.source_text = "name: " + name + "\n";
  sweep.jobs.push_back({"train", "qat", "train", {{"mode", "nested"}}, {}});
  const auto& rows = CodesignFixtureRows();
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const std::string id = std::to_string(i);
    const nlohmann::json dpu = {{"n", r.n}, {"mode", r.mode}, {"b_format", r.b_format}};
    nlohmann::json eval = dpu;
    eval["precision"] = r.precision;
    eval["from"] = "train";
    sweep.jobs.push_back({"dpu_" + id + ".synth", "synth", "dpu", dpu, {}});
    sweep.jobs.push_back(
        {"eval_" + id + ".hweval", "hw_eval", "codesign", eval, {"train", "dpu_" + id + ".synth"}});
  }
  const int64_t sweep_id = store.AddSweep(sweep);
  if (!finish) return sweep_id;
  while (auto job = store.ClaimRunnable(sweep_id, "/tmp/labq-viz-test")) {
    JobCompletion done;
    done.state = JobState::kDone;
    done.wall_seconds = 1;
    const size_t dot = job->name.find('.');
    const size_t under = job->name.find('_');
    if (job->kind != "qat") {
      const auto& r = rows[std::stoul(job->name.substr(under + 1, dot - under - 1))];
      // unsigned-split makes two calls per chunk: utilization 1/2, so its
      // DPU has twice the network's OPS/W.
      const double calls_per_chunk = r.b_format == "unsigned-split" ? 2 : 1;
      if (job->kind == "synth") {
        done.metrics = {{metric::kOpsPerW, r.ops_per_w * calls_per_chunk, "OPS/W"},
                        {metric::kOpsPerMm2, 1e11, "OPS/s/mm^2"}};
      } else {
        done.metrics = {{metric::kHwAccuracy, r.accuracy, "%"},
                        {metric::kFloatAccuracy, r.float_accuracy, "%"},
                        {metric::kMacsPerImage, 1e6, ""},
                        {metric::kDpuCallsPerImage, calls_per_chunk * 1e6 / r.n, ""}};
      }
    }
    store.FinishJob(job->id, done);
  }
  return sweep_id;
}

int64_t AddDpuFormatsSweep(ResultStore& store, const std::string& name) {
  Sweep sweep;
  sweep.name = name;
  sweep.file = "configs/" + name + ".yaml";
  sweep.source_text = "name: " + name + "\n";
  for (int n : {8, 128}) {
    for (const std::string mode : {"full", "msb"}) {
      const std::string stem = std::to_string(n) + "_" + mode;
      for (int b : {8, 4}) {
        sweep.jobs.push_back(
            {"dpu_sm_" + stem + "_" + std::to_string(b) + ".synth",
             "synth",
             "dpu_sm",
             {{"n", n}, {"mode", mode}, {"b_format", "sign-magnitude"}, {"b_bits", b}},
             {}});
      }
      sweep.jobs.push_back({"dpu_lab_" + stem + ".synth",
                            "synth",
                            "dpu_lab",
                            {{"n", n}, {"mode", mode}, {"input_bits", 8}},
                            {}});
    }
  }
  const int64_t id = store.AddSweep(sweep);
  while (auto job = store.ClaimRunnable(id, "/tmp/labq-viz-test")) {
    JobCompletion done;
    done.state = JobState::kDone;
    done.wall_seconds = 1;
    done.metrics = SynthMetrics(job->params["n"].get<int>(), job->params["mode"]);
    store.FinishJob(job->id, done);
  }
  return id;
}

bool HaveGnuplot() { return FindTool("gnuplot").has_value(); }

}  // namespace labq::viz::testing
