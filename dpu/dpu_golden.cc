#include "dpu/dpu_golden.h"

#include "common/error.h"

namespace labq {

uint64_t DotProduct(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) throw Error("dot product of vectors of different lengths");
  uint64_t sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += static_cast<uint64_t>(a[i]) * b[i];
  return sum;
}

uint64_t DpuOutput(const DpuDesign& design, uint64_t exact_sum) {
  const int full = design.FullBits();
  switch (design.mode) {
    case DpuMode::kFull:
      return exact_sum;
    case DpuMode::kMsb:
      return exact_sum >> (full - design.out_bits);
    case DpuMode::kLsb: {
      const uint64_t all_ones = (uint64_t{1} << design.out_bits) - 1;
      return exact_sum > all_ones ? all_ones : exact_sum;
    }
  }
  return exact_sum;
}

}  // namespace labq
