#include "jobs/dpu_testbench.h"

#include <algorithm>

#include "common/file_util.h"
#include "dpu/dpu_golden.h"
#include "dpu/dpu_vectors.h"
#include "jobs/template_render.h"
#include "labq_rtl_templates.h"

namespace labq {
namespace {

DpuVector Make(const DpuDesign& d, std::vector<uint32_t> a, std::vector<uint32_t> b,
               std::string why) {
  DpuVector v{std::move(a), std::move(b), 0, std::move(why)};
  v.expected = DpuOutput(d, DotProduct(v.a, v.b));
  return v;
}

/// Elements whose products sum to exactly `target`, or false if unreachable.
bool VectorsWithSum(const DpuDesign& d, uint64_t target, std::vector<uint32_t>& a,
                    std::vector<uint32_t>& b) {
  const uint32_t max = (1u << d.input_bits) - 1;
  a.assign(d.n, 0);
  b.assign(d.n, 0);
  uint64_t remaining = target;
  for (int i = 0; i < d.n && remaining > 0; ++i) {
    // Take the largest product <= remaining: max * floor(remaining / max), else 1 * remaining.
    if (remaining >= max) {
      a[i] = max;
      b[i] = static_cast<uint32_t>(std::min<uint64_t>(max, remaining / max));
    } else {
      a[i] = 1;
      b[i] = static_cast<uint32_t>(remaining);
    }
    remaining -= uint64_t{a[i]} * b[i];
  }
  return remaining == 0;
}

}  // namespace

std::vector<DpuVector> MakeDpuVectors(const DpuDesign& d, int random_count, uint64_t seed) {
  const uint32_t max = (1u << d.input_bits) - 1;
  std::vector<DpuVector> out;
  out.push_back(Make(d, std::vector<uint32_t>(d.n, 0), std::vector<uint32_t>(d.n, 0), "zeros"));
  out.push_back(Make(d, std::vector<uint32_t>(d.n, max), std::vector<uint32_t>(d.n, max), "max"));
  if (d.out_bits < 63) {
    const uint64_t boundary = uint64_t{1} << d.out_bits;
    for (uint64_t target : {boundary - 1, boundary, boundary + 1}) {
      std::vector<uint32_t> a, b;
      if (VectorsWithSum(d, target, a, b)) out.push_back(Make(d, a, b, "lsb-boundary"));
    }
  }
  // One-hot: each element alone at its maximum (all of them for small N, a
  // spread of positions for large N so the vector count stays bounded).
  const int step = d.n <= 32 ? 1 : d.n / 16;
  for (int i = 0; i < d.n; i += step) {
    std::vector<uint32_t> a(d.n, 0), b(d.n, 0);
    a[i] = max;
    b[i] = max;
    out.push_back(Make(d, a, b, "one-hot"));
  }
  const DpuVectorSet random = RandomDpuVectors(d.n, d.input_bits, random_count, seed);
  for (size_t t = 0; t < random.size(); ++t) {
    out.push_back(Make(d, random.a[t], random.b[t], "random"));
  }
  return out;
}

void AppendWorkload(const DpuDesign& d, const DpuVectorSet& workload,
                    std::vector<DpuVector>& vectors) {
  for (size_t t = 0; t < workload.size(); ++t) {
    vectors.push_back(Make(d, workload.a[t], workload.b[t], "workload"));
  }
}

std::string PackHex(const std::vector<uint32_t>& elements, int bits_per_element) {
  const size_t total_bits = elements.size() * bits_per_element;
  const size_t digits = (total_bits + 3) / 4;
  std::string hex(digits, '0');
  for (size_t digit = 0; digit < digits; ++digit) {
    int nibble = 0;
    for (int bit = 0; bit < 4; ++bit) {
      const size_t pos = digit * 4 + bit;
      if (pos >= total_bits) break;
      const uint32_t element = elements[pos / bits_per_element];
      if ((element >> (pos % bits_per_element)) & 1u) nibble |= 1 << bit;
    }
    hex[digits - 1 - digit] = "0123456789abcdef"[nibble];
  }
  return hex;
}

void WriteDpuTestbench(const DpuDesign& design, const std::vector<DpuVector>& vectors,
                       const std::filesystem::path& dir, bool dump_vcd) {
  std::string a_hex, b_hex, y_hex;
  for (const auto& v : vectors) {
    a_hex += PackHex(v.a, design.input_bits) + "\n";
    b_hex += PackHex(v.b, design.input_bits) + "\n";
    std::vector<uint32_t> y_parts;  // expected output split into 16-bit pieces for PackHex
    for (int bit = 0; bit < design.OutputBits(); bit += 16) {
      y_parts.push_back(static_cast<uint32_t>((v.expected >> bit) & 0xffff));
    }
    std::string y = PackHex(y_parts, 16);
    const size_t keep = (design.OutputBits() + 3) / 4;
    y_hex += y.substr(y.size() - keep) + "\n";
  }
  WriteFileAtomically(dir / "vectors_a.hex", a_hex);
  WriteFileAtomically(dir / "vectors_b.hex", b_hex);
  WriteFileAtomically(dir / "vectors_y.hex", y_hex);

  kainjow::mustache::data d;
  d.set("module", design.ModuleName());
  d.set("vectors", std::to_string(vectors.size()));
  d.set("in_msb", std::to_string(design.n * design.input_bits - 1));
  d.set("out_msb", std::to_string(design.OutputBits() - 1));
  d.set("vcd", dump_vcd);
  WriteFileAtomically(dir / "labq_tb.v", RenderTemplate("rtl_templates/dpu_tb.v.mustache",
                                                        templates::dpu_tb_v_mustache(), d));
}

}  // namespace labq
