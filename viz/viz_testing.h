#pragma once
/// Test stores for viz/: a small Lab 2 sweep (DPU synth jobs and QAT jobs
/// with per-epoch metrics) written through the real ResultStore, and a skip
/// for machines without gnuplot.

#include <filesystem>
#include <string>

#include "results/result_store.h"

namespace labq::viz::testing {

/// Adds a sweep called `name` with synth jobs n=8/128 x mode full/lsb and
/// qat jobs (pretrain, fp, q8, q4, nested), all finished with metrics;
/// returns its id. `finish` false leaves every job queued.
int64_t AddLab2Sweep(ResultStore& store, const std::string& name, bool finish = true);

/// The OPS/W the fixture stores for (n, mode).
double FixtureOpsPerW(int n, const std::string& mode);

bool HaveGnuplot();

}  // namespace labq::viz::testing

#define LABQ_REQUIRE_GNUPLOT()                                                               \
  do {                                                                                       \
    if (!::labq::viz::testing::HaveGnuplot())                                                \
      GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox); figure test " \
                      "skipped";                                                             \
  } while (0)
