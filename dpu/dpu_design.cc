#include "dpu/dpu_design.h"

#include "common/error.h"

namespace labq {

int FullOutputBits(int n, int input_bits) {
  int log2n = 0;
  while ((1LL << log2n) < n) ++log2n;
  return 2 * input_bits + log2n;
}

int DpuDesign::FullBits() const { return FullOutputBits(n, input_bits); }

int DpuDesign::OutputBits() const { return mode == DpuMode::kFull ? FullBits() : out_bits; }

std::string DpuDesign::ModeName() const {
  switch (mode) {
    case DpuMode::kFull:
      return "full";
    case DpuMode::kMsb:
      return "msb";
    case DpuMode::kLsb:
      return "lsb";
  }
  return "full";
}

std::string DpuDesign::ModuleName() const {
  return "DotProductUnit_" + std::to_string(n) + "_" + ModeName();
}

std::string DpuDesign::FileName() const {
  return "dpu_" + std::to_string(n) + "_" + ModeName() + ".v";
}

std::string DpuDesign::OutBitsProblem() const {
  const int full = FullBits();
  const std::string of = " of N=" + std::to_string(n) + ", M=" + std::to_string(input_bits);
  if (mode == DpuMode::kMsb && out_bits > full) {
    return std::to_string(out_bits) + " exceeds the exact output width " + std::to_string(full) +
           of;
  }
  if (mode == DpuMode::kLsb && out_bits >= full) {
    return std::to_string(out_bits) + " leaves nothing to saturate: the exact output" + of +
           " has " + std::to_string(full) + " bits (use mode: full)";
  }
  return "";
}

DpuMode ParseDpuMode(const std::string& name) {
  if (name == "full") return DpuMode::kFull;
  if (name == "msb") return DpuMode::kMsb;
  if (name == "lsb") return DpuMode::kLsb;
  throw Error("mode: '" + name + "' is not one of full, msb, lsb");
}

}  // namespace labq
