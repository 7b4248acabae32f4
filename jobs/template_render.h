#pragma once
/// Mustache rendering without HTML escaping: our templates produce Verilog and
/// TCL, and every value put into them was validated before it got here.

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

namespace labq {

/// Renders `tmpl` with `data`; throws labq::Error naming `template_name` when
/// the template itself is malformed.
std::string RenderTemplate(std::string_view template_name, std::string_view tmpl,
                           const kainjow::mustache::data& data);

}  // namespace labq
