#include "viz/viz_testing.h"

#include <map>

#include "viz/run_tool.h"

namespace labq::viz::testing {

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

bool HaveGnuplot() { return FindTool("gnuplot").has_value(); }

}  // namespace labq::viz::testing
