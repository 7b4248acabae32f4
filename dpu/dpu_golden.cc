#include "dpu/dpu_golden.h"

#include <algorithm>

#include "common/error.h"

namespace labq {

uint64_t DotProduct(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) throw Error("dot product of vectors of different lengths");
  uint64_t sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += static_cast<uint64_t>(a[i]) * b[i];
  return sum;
}

int64_t WeightValue(const DpuDesign& design, uint32_t code) {
  if (!design.Signed()) return code;
  const uint32_t sign = uint32_t{1} << (design.b_bits - 1);
  const int64_t magnitude = code & (sign - 1);
  return (code & sign) ? -magnitude : magnitude;
}

int64_t DpuSum(const DpuDesign& design, const std::vector<uint32_t>& a,
               const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) throw Error("dot product of vectors of different lengths");
  int64_t sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += int64_t{a[i]} * WeightValue(design, b[i]);
  return sum;
}

int64_t DpuValue(const DpuDesign& design, int64_t exact_sum) {
  switch (design.mode) {
    case DpuMode::kFull:
      return exact_sum;
    case DpuMode::kMsb:
      // >> of a negative int64_t is arithmetic (C++20): the floor.
      return exact_sum >> (design.FullBits() - design.out_bits);
    case DpuMode::kLsb: {
      if (!design.Signed()) {
        const int64_t all_ones = (int64_t{1} << design.out_bits) - 1;
        return std::min(exact_sum, all_ones);
      }
      const int64_t high = (int64_t{1} << (design.out_bits - 1)) - 1;
      return std::clamp(exact_sum, -high - 1, high);
    }
  }
  return exact_sum;
}

uint64_t DpuOutputWord(const DpuDesign& design, int64_t value) {
  const int bits = design.OutputBits();
  const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  return static_cast<uint64_t>(value) & mask;
}

uint64_t DpuOutput(const DpuDesign& design, int64_t exact_sum) {
  return DpuOutputWord(design, DpuValue(design, exact_sum));
}

}  // namespace labq
