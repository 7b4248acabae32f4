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
  v.expected = DpuOutput(d, DpuSum(d, v.a, v.b));
  return v;
}

uint32_t AMax(const DpuDesign& d) { return (1u << d.a_bits) - 1; }
/// The largest weight magnitude: all of b's bits, or all but the sign.
uint32_t MagnitudeMax(const DpuDesign& d) {
  return (1u << (d.Signed() ? d.b_bits - 1 : d.b_bits)) - 1;
}
/// The b code of -magnitude (sign-magnitude only).
uint32_t Negative(const DpuDesign& d, uint32_t magnitude) {
  return magnitude | (1u << (d.b_bits - 1));
}

/// Elements whose products sum to exactly `target`, or false if unreachable
/// (a negative target only for sign-magnitude).
bool VectorsWithSum(const DpuDesign& d, int64_t target, std::vector<uint32_t>& a,
                    std::vector<uint32_t>& b) {
  const uint64_t a_max = AMax(d);
  const uint64_t m_max = MagnitudeMax(d);
  a.assign(d.n, 0);
  b.assign(d.n, 0);
  if (target < 0 && !d.Signed()) return false;
  uint64_t remaining = static_cast<uint64_t>(target < 0 ? -target : target);
  for (int i = 0; i < d.n && remaining > 0; ++i) {
    // Take the largest product <= remaining: a_max * floor(remaining / a_max),
    // else 1 * remaining, else remaining * 1.
    if (remaining >= a_max) {
      a[i] = static_cast<uint32_t>(a_max);
      b[i] = static_cast<uint32_t>(std::min<uint64_t>(m_max, remaining / a_max));
    } else if (remaining <= m_max) {
      a[i] = 1;
      b[i] = static_cast<uint32_t>(remaining);
    } else {
      a[i] = static_cast<uint32_t>(remaining);
      b[i] = 1;
    }
    remaining -= uint64_t{a[i]} * b[i];
  }
  if (target < 0) {
    for (uint32_t& code : b) code = code ? Negative(d, code) : 0;
  }
  return remaining == 0;
}

void AddSums(const DpuDesign& d, std::initializer_list<int64_t> targets, const char* why,
             std::vector<DpuVector>& out) {
  for (int64_t target : targets) {
    std::vector<uint32_t> a, b;
    if (VectorsWithSum(d, target, a, b)) out.push_back(Make(d, a, b, why));
  }
}

/// Sums around the output modes' edges: where lsb saturates (both signs for
/// sign-magnitude) and, for the other variants, where msb's kept bits step
/// (negative sums: the floor).
void AddBoundaries(const DpuDesign& d, std::vector<DpuVector>& out) {
  if (d.out_bits >= 62) return;
  if (!d.Signed()) {
    const int64_t boundary = int64_t{1} << d.out_bits;
    AddSums(d, {boundary - 1, boundary, boundary + 1}, "lsb-boundary", out);
  } else {
    const int64_t high = (int64_t{1} << (d.out_bits - 1)) - 1;
    AddSums(d, {high, high + 1, -high - 1, -high - 2}, "lsb-boundary", out);
  }
  if (d.LabFamily()) return;  // the lab's vectors stay as they were
  const int low_bits = d.FullBits() - d.out_bits;
  if (low_bits <= 0 || low_bits >= 62) return;
  const int64_t step = int64_t{1} << low_bits;
  AddSums(d, {step - 1, step, -1, -step + 1, -step, -step - 1}, "msb-boundary", out);
}

}  // namespace

std::vector<DpuVector> MakeDpuVectors(const DpuDesign& d, int random_count, uint64_t seed) {
  const uint32_t a_max = AMax(d);
  const uint32_t m_max = MagnitudeMax(d);
  std::vector<DpuVector> out;
  out.push_back(Make(d, std::vector<uint32_t>(d.n, 0), std::vector<uint32_t>(d.n, 0), "zeros"));
  out.push_back(
      Make(d, std::vector<uint32_t>(d.n, a_max), std::vector<uint32_t>(d.n, m_max), "max"));
  if (d.Signed()) {
    out.push_back(Make(d, std::vector<uint32_t>(d.n, a_max),
                       std::vector<uint32_t>(d.n, Negative(d, m_max)), "min"));
    // -0 is 0: every weight a negative zero.
    out.push_back(Make(d, std::vector<uint32_t>(d.n, a_max),
                       std::vector<uint32_t>(d.n, Negative(d, 0)), "minus-zero"));
  }
  AddBoundaries(d, out);
  // One-hot: each element alone at its maximum (all of them for small N, a
  // spread of positions for large N so the vector count stays bounded), and
  // at its most negative for sign-magnitude.
  const int step = d.n <= 32 ? 1 : d.n / 16;
  for (int i = 0; i < d.n; i += step) {
    std::vector<uint32_t> a(d.n, 0), b(d.n, 0);
    a[i] = a_max;
    b[i] = m_max;
    out.push_back(Make(d, a, b, "one-hot"));
    if (d.Signed()) {
      b[i] = Negative(d, m_max);
      out.push_back(Make(d, a, b, "one-hot"));
    }
  }
  const DpuVectorSet random = RandomDpuVectors(d.n, d.a_bits, d.b_bits, random_count, seed);
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
    a_hex += PackHex(v.a, design.a_bits) + "\n";
    b_hex += PackHex(v.b, design.b_bits) + "\n";
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
  d.set("out_msb", std::to_string(design.OutputBits() - 1));
  d.set("vcd", dump_vcd);
  std::string tb;
  if (design.LabFamily()) {
    d.set("in_msb", std::to_string(design.n * design.a_bits - 1));
    tb = RenderTemplate("rtl_templates/dpu_tb.v.mustache", templates::dpu_tb_v_mustache(), d);
  } else {
    d.set("a_msb", std::to_string(design.n * design.a_bits - 1));
    d.set("b_msb", std::to_string(design.n * design.b_bits - 1));
    tb = RenderTemplate("rtl_templates/dpu_ab_tb.v.mustache", templates::dpu_ab_tb_v_mustache(), d);
  }
  WriteFileAtomically(dir / "labq_tb.v", tb);
}

}  // namespace labq
