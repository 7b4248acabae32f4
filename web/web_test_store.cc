#include "web/web_test_store.h"

namespace labq::web::testing {

int64_t AddFinishedDpuSweep(ResultStore& store, const std::string& name, int n,
                            const std::filesystem::path& workdir_root) {
  Sweep sweep;
  sweep.name = name;
  sweep.description = "DPU sizes for the dashboard's tests";
  for (int i = 0; i < n; ++i) {
    const int size = 2 << (i % 6);
    const std::string mode = i % 2 ? "full" : "min";
    sweep.jobs.push_back({"dpu_" + std::to_string(i) + "_" + mode,
                          "synth",
                          "dpu",
                          {{"n", size}, {"mode", mode}, {"liberty", "osu018"}},
                          {}});
  }
  const int64_t id = store.AddSweep(sweep);
  for (int i = 0; i < n; ++i) {
    auto job = store.ClaimRunnable(id, workdir_root.string());
    if (!job) break;
    JobCompletion done;
    done.state = JobState::kDone;
    done.wall_seconds = 1.5 + i;
    const double size = job->params["n"].get<int>();
    done.metrics = {{"clock_period", 10, "ns"},
                    {"slack", 1.25 + i, "ns"},
                    {"timing_met", 1, ""},
                    {"area", 1234.5 * size, "um^2"},
                    {"power_total", 0.00321 * size, "W"},
                    {"ops", 2e8 * size, "OPS/s"},
                    {"ops_per_w", 6.2e10, "OPS/W"},
                    {"ops_per_mm2", 1.6e11, "OPS/s/mm^2"}};
    store.FinishJob(job->id, done);
  }
  return id;
}

}  // namespace labq::web::testing
