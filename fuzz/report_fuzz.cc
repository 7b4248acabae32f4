/// libFuzzer target for one `labq parse` report kind, chosen at compile time
/// (LABQ_FUZZ_TOOL, LABQ_FUZZ_KIND). A labq::Error naming the file and line is
/// the expected answer to a report it cannot read; anything else is a bug.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "genus/report_kind.h"
#include "yosys_sta/report_kind.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string_view tool = LABQ_FUZZ_TOOL;
  try {
    if (tool == "genus") {
      labq::genus::ParseGenusReport(LABQ_FUZZ_KIND, text, "fuzz.rpt");
    } else {
      labq::yosys_sta::ParseOpenFlowReport(tool, LABQ_FUZZ_KIND, text, "fuzz.rpt");
    }
  } catch (const labq::Error&) {
  }
  return 0;
}
