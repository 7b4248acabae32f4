#include "jobs/dpu_rtl.h"

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

}  // namespace

std::string RenderDpuVerilog(const DpuDesign& design) {
  const int m = design.input_bits;
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
  // Balanced tree: each level adds pairs and widens by one bit; an odd last
  // operand is carried up zero-extended.
  list adders;
  int bits = 2 * m;
  for (int depth = 1; level.size() > 1; ++depth) {
    std::vector<std::string> next;
    for (size_t j = 0; j < level.size(); j += 2) {
      const std::string name = "s_" + std::to_string(depth) + "_" + std::to_string(j / 2);
      std::string expr = "{1'b0, " + level[j] + "}";
      if (j + 1 < level.size()) expr += " + {1'b0, " + level[j + 1] + "}";
      adders.push_back(Wire(name, bits + 1, expr));
      next.push_back(name);
    }
    level = std::move(next);
    ++bits;
  }

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
  d.set("root", level.front());
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

}  // namespace labq
