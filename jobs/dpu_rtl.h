#pragma once
/// Renders the Verilog of a dot-product unit from rtl_templates/dpu.v.mustache.

#include <string>

#include "dpu/dpu_design.h"

namespace labq {

std::string RenderDpuVerilog(const DpuDesign& design);

/// The templates a design renders from, as a cache input: "" for the lab's
/// family (rtl_templates/dpu*.v.mustache are in every key already,
/// jobs/cache_key.cc), a line with the hash of the dpu_ab templates for any
/// other design.
std::string DpuTemplateInputs(const DpuDesign& design);

}  // namespace labq
