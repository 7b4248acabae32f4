#pragma once
/// Test stores for viz/: a small Lab 2 sweep (DPU synth jobs and QAT jobs
/// with per-epoch metrics) written through the real ResultStore, and a skip
/// for machines without gnuplot.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "results/result_store.h"

namespace labq::viz::testing {

/// Adds a sweep called `name` with synth jobs n=8/128 x mode full/lsb and
/// qat jobs (pretrain, fp, q8, q4, nested), all finished with metrics;
/// returns its id. `finish` false leaves every job queued.
int64_t AddLab2Sweep(ResultStore& store, const std::string& name, bool finish = true);

/// One hw_eval row of AddCodesignSweep: the DPU, what the network reached
/// on it, and the network's OPS/W on it (the table's OPS_per_W; the synthesis
/// job stores the DPU's own, twice that for unsigned-split's two calls).
struct CodesignFixtureRow {
  int n;
  std::string mode;
  int precision;
  std::string b_format;
  double accuracy;        ///< %, on the DPU
  double float_accuracy;  ///< %, same weights, float activations
  double ops_per_w;       ///< the network's: DPU's x utilization
  bool pareto;            ///< what the table must flag (not dominated in accuracy and OPS/W)
};

/// Six rows over full/msb/lsb, 8/4-bit, sign-magnitude and unsigned-split,
/// three of them on the front.
const std::vector<CodesignFixtureRow>& CodesignFixtureRows();

/// A co-design sweep called `name`: a nested qat job, one synth job per
/// row and an hw_eval job per row depending on both, finished with the
/// metrics `labq table codesign` reads (`finish` false: all queued).
int64_t AddCodesignSweep(ResultStore& store, const std::string& name, bool finish = true);

/// The OPS/W the fixture stores for (n, mode).
double FixtureOpsPerW(int n, const std::string& mode);

/// A synthesis-only sweep whose designs differ in more than N and mode:
/// N {8, 128} x mode {full, msb} x (sign-magnitude b_bits 8, sign-magnitude
/// b_bits 4, unsigned 8-bit), as the co-design sweep synthesizes them.
int64_t AddDpuFormatsSweep(ResultStore& store, const std::string& name);

bool HaveGnuplot();

/// The message of the labq::Error `f` throws, or "(no error)".
std::string ErrorOf(const std::function<void()>& f);

}  // namespace labq::viz::testing

#define LABQ_REQUIRE_GNUPLOT()                                                               \
  do {                                                                                       \
    if (!::labq::viz::testing::HaveGnuplot())                                                \
      GTEST_SKIP() << "gnuplot is not installed (apt-get install gnuplot-nox); figure test " \
                      "skipped";                                                             \
  } while (0)
