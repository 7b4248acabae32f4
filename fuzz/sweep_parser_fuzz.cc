/// libFuzzer target: any bytes as a sweep file. A labq::Error (the parser's
/// "file:line:col: key: message") is the expected answer to bad input; any
/// other exception, a crash or a sanitizer report is a bug.

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "jobs/kind_registry.h"
#include "sweep/sweep_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    labq::SweepLimits limits;
    limits.max_jobs = 2000;  // keeps each input fast; the limit logic is what is tested
    labq::ParseSweep(labq::BuiltinKinds(), text, "fuzz.yaml", {}, limits);
  } catch (const labq::Error&) {
  }
  return 0;
}
