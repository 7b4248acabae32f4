#pragma once
/// Renders the Verilog of a dot-product unit from rtl_templates/dpu.v.mustache.

#include <string>

#include "dpu/dpu_design.h"

namespace labq {

std::string RenderDpuVerilog(const DpuDesign& design);

}  // namespace labq
