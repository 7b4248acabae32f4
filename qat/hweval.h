#pragma once
/// `labqat hweval`: a trained network evaluated with every conv computed as
/// the DPU computes it (qat/dpu_op.h), and `labqat dpu-calls`: random single
/// calls through the same tensor op, for the RTL bit-exactness test.
/// Torch-free header (main.cc includes it).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "qat/dpu_spec.h"
#include "qat/options.h"

namespace labq::qat {

struct HwevalOptions {
  DpuSpec dpu;              ///< b_bits follows precision
  int precision = 8;        ///< 8: the trained 8-bit codes; 4: their 4-bit cuts
  std::string vectors_out;  ///< "" = no workload vectors
  std::int64_t vectors_count = 2000;
  std::uint64_t vectors_seed = 1;
};

/// Runs the evaluation (o.init = weights file; o.calib, o.batch, o.threads,
/// o.device, o.test_limit, o.dataset/data override the sidecar like eval).
/// Writes the final JSON line to `out`, logs to `log`; returns the line.
/// Throws std::invalid_argument starting with the flag on bad input.
nlohmann::ordered_json RunHweval(const Options& o, const HwevalOptions& h, std::ostream& out,
                                 std::ostream& log);

/// `labqat dpu-calls`: `count` calls (directed corner cases first: zeros,
/// maxima, most negative, sums at the lsb saturation edges, then seeded
/// random, sparse and small-valued ones) with the op's outputs, written to
/// `path`: `#` comment lines, then one call per line `A B y`: A and B as the
/// vectors-file hex words (element i at bits [i*bits +: bits], A with a_bits,
/// B with b_bits per element), y the signed decimal output before de-scaling.
void RunDpuCalls(const DpuSpec& spec, std::int64_t count, std::uint64_t seed,
                 const std::string& path, std::ostream& log);

/// A vector as a hex word, element i at bits [i*bits +: bits] (the format of
/// dpu/dpu_vectors.h, which qat/ may not include).
std::string HexWord(const std::int64_t* elements, std::int64_t n, int bits);

}  // namespace labq::qat
