#include "gatesim/activity_file.h"

#include <cstdio>
#include <limits>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"

namespace labq::gatesim {
namespace {

constexpr size_t kMaxActivityBytes = size_t{1} << 30;

std::string Number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

void WriteActivityTsv(const ActivityResult& result, const std::string& path) {
  std::string out = "# labq gate-level activity (gatesim)\n# cycles " +
                    std::to_string(result.cycles) + "\n# vectors " +
                    std::to_string(result.vectors) + " warmup " + std::to_string(result.warmup) +
                    " lanes " + std::to_string(result.lanes) + " seconds " +
                    Number(result.seconds) + "\n# source " + result.source + "\n# clock " +
                    result.clock + "\nnet\ttoggles\thigh_cycles\tclock\n";
  out.reserve(out.size() + result.nets.size() * 32);
  for (const auto& net : result.nets) {
    out += net.name;
    out += '\t';
    out += std::to_string(net.toggles);
    out += '\t';
    out += Number(net.high_cycles);
    out += net.clock_tree ? "\t1\n" : "\t0\n";
  }
  WriteFileAtomically(path, out);
}

ActivityResult ReadActivityTsv(const std::string& path) {
  const std::string text = ReadInputFile(path, kMaxActivityBytes, "activity");
  const auto lines = SplitLines(text);
  ActivityResult result;
  bool header = false, have_cycles = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int line = static_cast<int>(i) + 1;
    const std::string_view l = lines[i];
    auto fail = [&](const std::string& message) { throw InputError({path, line, 0}, "", message); };
    if (l.empty()) continue;
    if (l[0] == '#') {
      const auto words = SplitWhitespace(l.substr(1));
      if (words.size() == 2 && words[0] == "cycles") {
        const auto v = ParseDouble(words[1]);
        if (!v || *v < 0) fail("bad cycle count");
        result.cycles = static_cast<uint64_t>(*v);
        have_cycles = true;
      } else if (words.size() >= 2 && words[0] == "source") {
        result.source = std::string(Trim(l.substr(l.find("source") + 6)));
      } else if (words.size() == 2 && words[0] == "clock") {
        result.clock = words[1];
      } else if (words.size() == 8 && words[0] == "vectors") {
        result.vectors = static_cast<size_t>(ParseDouble(words[1]).value_or(0));
        result.warmup = static_cast<int>(ParseDouble(words[3]).value_or(0));
        result.lanes = static_cast<int>(ParseDouble(words[5]).value_or(0));
        result.seconds = ParseDouble(words[7]).value_or(0);
      }
      continue;
    }
    if (!header) {
      if (l != "net\ttoggles\thigh_cycles\tclock")
        fail("expected the header net/toggles/high_cycles/clock");
      header = true;
      continue;
    }
    const auto fields = Split(l, '\t');
    if (fields.size() != 4) fail("expected 4 tab-separated fields");
    const auto toggles = ParseDouble(fields[1]);
    const auto high = ParseDouble(fields[2]);
    if (!toggles || !high || *toggles < 0 || *high < 0 || (fields[3] != "0" && fields[3] != "1")) {
      fail("bad numbers for net " + fields[0]);
    }
    result.nets.push_back({fields[0], static_cast<uint64_t>(*toggles), *high, fields[3] == "1"});
  }
  if (!have_cycles || !header) throw InputError({path, 0, 0}, "", "not a labq activity file");
  return result;
}

}  // namespace labq::gatesim
