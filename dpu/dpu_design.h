#pragma once
/// One dot-product unit configuration, derived from validated sweep
/// parameters: everything the renderer, golden model and tables need. The
/// width formula and the out_bits check live here only; the sweep reader
/// (sweep/job_expansion.cc) asks them before any job exists.

#include <nlohmann/json.hpp>
#include <string>

namespace labq {

enum class DpuMode { kFull, kMsb, kLsb };

struct DpuDesign {
  int n = 0;           ///< elements per vector
  int input_bits = 0;  ///< M
  DpuMode mode = DpuMode::kFull;
  int out_bits = 8;  ///< kept bits for msb/lsb

  /// Exact sum width W = 2M + ceil(log2 N).
  int FullBits() const;
  /// Width of the registered output y.
  int OutputBits() const;
  std::string ModeName() const;
  std::string ModuleName() const;  ///< DotProductUnit_<N>_<mode>
  std::string FileName() const;    ///< dpu_<N>_<mode>.v

  /// Why `out_bits` does not fit this design ("" when it does): msb keeps at
  /// most W bits, lsb must keep fewer than W.
  std::string OutBitsProblem() const;
};

DpuMode ParseDpuMode(const std::string& name);

/// Output width W of the exact dot product: 2M + ceil(log2 N).
int FullOutputBits(int n, int input_bits);

}  // namespace labq
