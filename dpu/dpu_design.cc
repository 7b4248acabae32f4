#include "dpu/dpu_design.h"

#include <array>
#include <utility>

#include "common/error.h"

namespace labq {
namespace {

/// BFormat's names, in its order: one table for printing and parsing.
constexpr std::array<std::pair<BFormat, const char*>, 2> kBFormats = {{
    {BFormat::kUnsigned, "unsigned"},
    {BFormat::kSignMagnitude, "sign-magnitude"},
}};

}  // namespace

int CeilLog2(int n) {
  int log2n = 0;
  while ((1LL << log2n) < n) ++log2n;
  return log2n;
}

int FullOutputBits(int n, int input_bits) { return 2 * input_bits + CeilLog2(n); }

int DpuDesign::FullBits() const {
  // Signed: the magnitude product has a_bits + b_bits - 1 bits, plus a sign.
  return Signed() ? a_bits + (b_bits - 1) + CeilLog2(n) + 1 : a_bits + b_bits + CeilLog2(n);
}

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

std::string DpuDesign::NameSuffix() const {
  if (LabFamily()) return "";
  std::string suffix;
  if (a_bits != 8 || b_bits != 8) {
    suffix += "_a" + std::to_string(a_bits) + "b" + std::to_string(b_bits);
  }
  if (Signed()) suffix += "_sm";
  return suffix;
}

std::string DpuDesign::ModuleName() const {
  return "DotProductUnit_" + std::to_string(n) + "_" + ModeName() + NameSuffix();
}

std::string DpuDesign::FileName() const {
  return "dpu_" + std::to_string(n) + "_" + ModeName() + NameSuffix() + ".v";
}

std::string DpuDesign::FormatText() const {
  return "a" + std::to_string(a_bits) + " b" + std::to_string(b_bits) + " " + BFormatName(b_format);
}

std::string DpuDesign::OutBitsProblem() const {
  const int full = FullBits();
  const std::string of = " of N=" + std::to_string(n) +
                         (a_bits == b_bits && !Signed() ? ", M=" + std::to_string(a_bits)
                                                        : ", a_bits=" + std::to_string(a_bits) +
                                                              ", b_bits=" + std::to_string(b_bits) +
                                                              (Signed() ? " sign-magnitude" : ""));
  if (mode == DpuMode::kMsb && out_bits > full) {
    return std::to_string(out_bits) + " exceeds the exact output width " + std::to_string(full) +
           of;
  }
  if (mode == DpuMode::kLsb && out_bits >= full) {
    return std::to_string(out_bits) + " leaves nothing to saturate: the exact output" + of +
           " has " + std::to_string(full) + " bits (use mode: full)";
  }
  if (mode != DpuMode::kFull && Signed() && out_bits < 2) {
    return std::to_string(out_bits) +
           " is too narrow for a signed output: it needs a sign bit and at least one more";
  }
  return "";
}

std::string DpuDesign::BBitsProblem() const {
  if (Signed() && b_bits < 2) {
    return std::to_string(b_bits) +
           " is too narrow for sign-magnitude: it needs a sign bit and at least one magnitude bit";
  }
  return "";
}

DpuMode ParseDpuMode(const std::string& name) {
  if (name == "full") return DpuMode::kFull;
  if (name == "msb") return DpuMode::kMsb;
  if (name == "lsb") return DpuMode::kLsb;
  throw Error("mode: '" + name + "' is not one of full, msb, lsb");
}

const char* BFormatName(BFormat format) {
  for (const auto& [f, name] : kBFormats) {
    if (f == format) return name;
  }
  return "unsigned";
}

BFormat ParseBFormat(const std::string& name) {
  for (const auto& [f, text] : kBFormats) {
    if (name == text) return f;
  }
  throw Error("b_format: '" + name + "' is not one of unsigned, sign-magnitude");
}

std::vector<std::string> BFormatNames() {
  std::vector<std::string> names;
  for (const auto& entry : kBFormats) names.emplace_back(entry.second);
  return names;
}

}  // namespace labq
