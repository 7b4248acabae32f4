#pragma once
/// Test data for the dashboard's tests: sweeps written through ResultStore
/// (the same calls a runner makes), so the pages read real rows.

#include <filesystem>
#include <string>

#include "results/result_store.h"

namespace labq::web::testing {

/// A sweep of `n` synth jobs named `name`, each claimed and finished with
/// the metrics the dpu table reads; job directories under `workdir_root`.
int64_t AddFinishedDpuSweep(ResultStore& store, const std::string& name, int n,
                            const std::filesystem::path& workdir_root);

}  // namespace labq::web::testing
