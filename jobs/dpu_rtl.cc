#include "jobs/dpu_rtl.h"

#include "common/file_util.h"
#include "jobs/template_render.h"
#include "labq_rtl_templates.h"

namespace labq {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;

data Wire(const std::string& name, int bits, const std::string& expr) {
  data d;
  d.set("name", name);
  d.set("msb", std::to_string(bits - 1));
  d.set("expr", expr);
  return d;
}

/// `bits` bits of `word` from element i's first bit: "a[16 +: 8]".
std::string Element(const char* word, int i, int element_bits, int bits) {
  return std::string(word) + "[" + std::to_string(i * element_bits) +
         " +: " + std::to_string(bits) + "]";
}

/// `value` zero-extended by `zeros` bits: "{8'd0, a[0 +: 8]}".
std::string ZeroExtend(int zeros, const std::string& value) {
  return "{" + std::to_string(zeros) + "'d0, " + value + "}";
}

/// Balanced tree: each level adds pairs and widens by one bit; an odd last
/// operand is carried up extended. Signed operands are sign-extended,
/// unsigned ones zero-extended. Returns the root's name.
std::string AdderTree(std::vector<std::string> level, int bits, bool is_signed, list& adders) {
  for (int depth = 1; level.size() > 1; ++depth) {
    const std::string top = "[" + std::to_string(bits - 1) + "]";
    const auto extend = [&](const std::string& x) {
      return is_signed ? "{" + x + top + ", " + x + "}" : "{1'b0, " + x + "}";
    };
    std::vector<std::string> next;
    for (size_t j = 0; j < level.size(); j += 2) {
      const std::string name = "s_" + std::to_string(depth) + "_" + std::to_string(j / 2);
      std::string expr = extend(level[j]);
      if (j + 1 < level.size()) expr += " + " + extend(level[j + 1]);
      adders.push_back(Wire(name, bits + 1, expr));
      next.push_back(name);
    }
    level = std::move(next);
    ++bits;
  }
  return level.front();
}

/// The lab's DPU (unsigned, a_bits == b_bits == M) from rtl_templates/dpu.v.mustache:
/// this code and that template render the lab's six configurations exactly
/// as before other variants existed (jobs/dpu_lab_render_test.cc).
std::string RenderLabDpu(const DpuDesign& design) {
  const int m = design.a_bits;
  const std::string zeros = "{" + std::to_string(m) + "'d0";
  list products;
  std::vector<std::string> level;
  for (int i = 0; i < design.n; ++i) {
    const std::string lo = std::to_string(i * m);
    const std::string name = "p_0_" + std::to_string(i);
    // Zero-extend both factors to 2M bits so the product is exact with no width warnings.
    products.push_back(Wire(name, 2 * m,
                            zeros + ", a[" + lo + " +: " + std::to_string(m) + "]} * " + zeros +
                                ", b[" + lo + " +: " + std::to_string(m) + "]}"));
    level.push_back(name);
  }
  list adders;
  const std::string root = AdderTree(level, 2 * m, false, adders);

  data d;
  d.set("module", design.ModuleName());
  d.set("n", std::to_string(design.n));
  d.set("m", std::to_string(m));
  d.set("in_msb", std::to_string(design.n * m - 1));
  d.set("out_msb", std::to_string(design.OutputBits() - 1));
  d.set("full_msb", std::to_string(design.FullBits() - 1));
  d.set("out_bits", std::to_string(design.out_bits));
  d.set("msb_low", std::to_string(design.FullBits() - design.out_bits));
  d.set("all_ones", std::to_string(design.out_bits) + "'b" + std::string(design.out_bits, '1'));
  d.set("root", root);
  d.set("products", products);
  d.set("adders", adders);
  d.set("full", design.mode == DpuMode::kFull);
  d.set("msb", design.mode == DpuMode::kMsb);
  d.set("lsb", design.mode == DpuMode::kLsb);
  switch (design.mode) {
    case DpuMode::kFull:
      d.set("mode_text", "exact " + std::to_string(design.FullBits()) + "-bit sum (mode full)");
      break;
    case DpuMode::kMsb:
      d.set("mode_text", "top " + std::to_string(design.out_bits) + " bits of the sum (mode msb)");
      break;
    case DpuMode::kLsb:
      d.set("mode_text", "low " + std::to_string(design.out_bits) +
                             " bits of the sum, saturated on overflow (mode lsb)");
      break;
  }
  return RenderTemplate("rtl_templates/dpu.v.mustache", templates::dpu_v_mustache(), d);
}

std::string AbModeText(const DpuDesign& design) {
  const std::string w = std::to_string(design.FullBits());
  const std::string ob = std::to_string(design.out_bits);
  const std::string kind = design.Signed() ? " two's complement sum" : " sum";
  switch (design.mode) {
    case DpuMode::kFull:
      return "exact " + w + "-bit" + kind + " (mode full)";
    case DpuMode::kMsb:
      return "top " + ob + " bits of the" + kind + " (mode msb)";
    case DpuMode::kLsb:
      return design.Signed() ? "sum saturated to the signed " + ob + "-bit range (mode lsb)"
                             : "low " + ob + " bits of the sum, saturated on overflow (mode lsb)";
  }
  return "";
}

/// Any other DPU (its own a and b widths, either weight format) from
/// rtl_templates/dpu_ab.v.mustache.
std::string RenderAbDpu(const DpuDesign& design) {
  const int a_bits = design.a_bits;
  const int b_bits = design.b_bits;
  const bool is_signed = design.Signed();
  const int mag_bits = is_signed ? b_bits - 1 : b_bits;  // the factor b contributes
  const int mag_product_bits = a_bits + mag_bits;
  const int product_bits = is_signed ? mag_product_bits + 1 : mag_product_bits;
  list magnitudes, products;
  std::vector<std::string> level;
  for (int i = 0; i < design.n; ++i) {
    const std::string index = std::to_string(i);
    const std::string product = ZeroExtend(mag_bits, Element("a", i, a_bits, a_bits)) + " * " +
                                ZeroExtend(a_bits, Element("b", i, b_bits, mag_bits));
    if (is_signed) {
      const std::string m = "m_0_" + index;
      magnitudes.push_back(Wire(m, mag_product_bits, product));
      const std::string sign = "b[" + std::to_string(i * b_bits + b_bits - 1) + "]";
      products.push_back(
          Wire("p_0_" + index, product_bits, sign + " ? -{1'b0, " + m + "} : {1'b0, " + m + "}"));
    } else {
      products.push_back(Wire("p_0_" + index, product_bits, product));
    }
    level.push_back("p_0_" + index);
  }
  list adders;
  const std::string root = AdderTree(level, product_bits, is_signed, adders);

  const int ob = design.out_bits;
  data d;
  d.set("module", design.ModuleName());
  d.set("n", std::to_string(design.n));
  d.set("a_bits", std::to_string(a_bits));
  d.set("b_bits", std::to_string(b_bits));
  d.set("b_format", BFormatName(design.b_format));
  d.set("b_sign", std::to_string(b_bits - 1));
  d.set("mag_bits", std::to_string(mag_bits));
  d.set("mag_product_bits", std::to_string(mag_product_bits));
  d.set("product_bits", std::to_string(product_bits));
  d.set("signed", is_signed);
  d.set("a_msb", std::to_string(design.n * a_bits - 1));
  d.set("b_msb", std::to_string(design.n * b_bits - 1));
  d.set("out_msb", std::to_string(design.OutputBits() - 1));
  d.set("full_msb", std::to_string(design.FullBits() - 1));
  d.set("out_bits", std::to_string(ob));
  d.set("out_sign", std::to_string(ob - 1));
  d.set("msb_low", std::to_string(design.FullBits() - ob));
  d.set("all_ones", std::to_string(ob) + "'b" + std::string(ob, '1'));
  d.set("signed_max", std::to_string(ob) + "'b0" + std::string(ob > 0 ? ob - 1 : 0, '1'));
  d.set("signed_min", std::to_string(ob) + "'b1" + std::string(ob > 0 ? ob - 1 : 0, '0'));
  d.set("root", root);
  d.set("magnitudes", magnitudes);
  d.set("products", products);
  d.set("adders", adders);
  d.set("full", design.mode == DpuMode::kFull);
  d.set("msb", design.mode == DpuMode::kMsb);
  d.set("lsb_unsigned", design.mode == DpuMode::kLsb && !is_signed);
  d.set("lsb_signed", design.mode == DpuMode::kLsb && is_signed);
  d.set("mode_text", AbModeText(design));
  return RenderTemplate("rtl_templates/dpu_ab.v.mustache", templates::dpu_ab_v_mustache(), d);
}

}  // namespace

std::string RenderDpuVerilog(const DpuDesign& design) {
  return design.LabFamily() ? RenderLabDpu(design) : RenderAbDpu(design);
}

std::string DpuTemplateInputs(const DpuDesign& design) {
  if (design.LabFamily()) return "";
  static const std::string hash = Sha256Hex(std::string(templates::dpu_ab_v_mustache()) +
                                            std::string(templates::dpu_ab_tb_v_mustache()));
  return "dpu_ab_templates=" + hash + "\n";
}

}  // namespace labq
