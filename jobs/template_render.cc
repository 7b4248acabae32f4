#include "jobs/template_render.h"

#include "common/error.h"

namespace labq {

std::string RenderTemplate(std::string_view template_name, std::string_view tmpl,
                           const kainjow::mustache::data& data) {
  kainjow::mustache::mustache compiled{std::string(tmpl)};
  if (!compiled.is_valid()) {
    throw Error(std::string(template_name) + ": template error: " + compiled.error_message());
  }
  compiled.set_custom_escape([](const std::string& s) { return s; });
  std::string out = compiled.render(data);
  if (!compiled.is_valid()) {
    throw Error(std::string(template_name) + ": render error: " + compiled.error_message());
  }
  return out;
}

}  // namespace labq
