#include "common/parsed_report.h"

#include "common/error.h"

namespace labq {

double ParsedReport::Get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) {
    throw Error(file + ": " + tool + " " + kind + " report has no value '" + name + "'");
  }
  return it->second.value;
}

}  // namespace labq
