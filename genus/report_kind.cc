#include "genus/report_kind.h"

#include "common/error.h"
#include "genus/area_report.h"
#include "genus/gates_report.h"
#include "genus/power_report.h"
#include "genus/qor_report.h"
#include "genus/timing_report.h"

namespace labq::genus {

ParsedReport ParseGenusReport(std::string_view kind, std::string_view text,
                              const std::string& file) {
  if (kind == "timing") return ParseGenusTiming(text, file);
  if (kind == "area") return ParseGenusArea(text, file);
  if (kind == "power") return ParseGenusPower(text, file);
  if (kind == "gates") return ParseGenusGates(text, file);
  if (kind == "qor") return ParseGenusQor(text, file);
  throw Error(file + ": unknown Genus report kind '" + std::string(kind) +
              "' (expected timing, area, power, gates or qor)");
}

}  // namespace labq::genus
