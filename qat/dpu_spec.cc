#include "qat/dpu_spec.h"

#include <stdexcept>

namespace labq::qat {

std::string_view DpuOutModeName(DpuOutMode m) {
  switch (m) {
    case DpuOutMode::kFull:
      return "full";
    case DpuOutMode::kMsb:
      return "msb";
    case DpuOutMode::kLsb:
      return "lsb";
  }
  return "?";
}

DpuOutMode ParseDpuOutMode(std::string_view name) {
  if (name == "full") return DpuOutMode::kFull;
  if (name == "msb") return DpuOutMode::kMsb;
  if (name == "lsb") return DpuOutMode::kLsb;
  throw std::invalid_argument("--mode: expected full, msb or lsb, got '" + std::string(name) + "'");
}

std::string_view BFormatName(BFormat f) {
  return f == BFormat::kSignMagnitude ? "sign-magnitude" : "unsigned-split";
}

BFormat ParseBFormat(std::string_view name) {
  if (name == "sign-magnitude") return BFormat::kSignMagnitude;
  if (name == "unsigned-split") return BFormat::kUnsignedSplit;
  throw std::invalid_argument("--b-format: expected unsigned-split or sign-magnitude, got '" +
                              std::string(name) + "'");
}

int CeilLog2(std::int64_t n) {
  int bits = 0;
  while ((std::int64_t{1} << bits) < n) ++bits;
  return bits;
}

std::int64_t DpuSpec::MaxMagnitude() const {
  return Signed() ? (std::int64_t{1} << (b_bits - 1)) - 1 : (std::int64_t{1} << b_bits) - 1;
}

int DpuSpec::FullBits() const {
  return Signed() ? a_bits + (b_bits - 1) + CeilLog2(n) + 1 : a_bits + b_bits + CeilLog2(n);
}

double DpuSpec::MaxAbsSum() const {
  return static_cast<double>(n) * static_cast<double>(MaxActivation()) *
         static_cast<double>(MaxMagnitude());
}

bool DpuSpec::Float32Exact() const { return MaxAbsSum() < 16777216.0; }

std::string DpuSpec::Problem() const {
  if (n < 1) return "--n: must be positive, got " + std::to_string(n);
  if (a_bits < 1 || a_bits > 16) return "--a-bits: must be 1..16, got " + std::to_string(a_bits);
  if (b_bits < (Signed() ? 2 : 1) || b_bits > 16) {
    return "--precision: weight codes of " + std::to_string(b_bits) + " bits are not supported";
  }
  if (mode == DpuOutMode::kFull) return "";
  const int w = FullBits();
  const std::string widths = " (N=" + std::to_string(n) + ", a_bits " + std::to_string(a_bits) +
                             ", b_bits " + std::to_string(b_bits) + ", " +
                             std::string(BFormatName(format)) + ": W = " + std::to_string(w) + ")";
  if (out_bits < (Signed() ? 2 : 1)) {
    return "--out-bits: " + std::to_string(out_bits) + " is too narrow for " +
           (Signed() ? "a signed output (at least 2)" : "an output (at least 1)");
  }
  if (mode == DpuOutMode::kMsb && out_bits > w) {
    return "--out-bits: " + std::to_string(out_bits) + " is wider than the sum" + widths;
  }
  if (mode == DpuOutMode::kLsb && out_bits >= w) {
    return "--out-bits: lsb must keep fewer bits than the sum, " + std::to_string(out_bits) +
           " >= W" + widths;
  }
  return "";
}

}  // namespace labq::qat
