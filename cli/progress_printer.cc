#include "cli/progress_printer.h"

#include <unistd.h>

#include <cmath>
#include <string>

#include "results/job_state.h"

namespace labq {

std::string FormatProgressLine(const Progress& p) {
  const int finished = p.counts.CountIf(IsFinal);
  std::string line = "[" + std::to_string(finished) + "/" + std::to_string(p.counts.total) +
                     "] running " + std::to_string(p.running.size()) + ", failed " +
                     std::to_string(p.counts.CountIf(IsFailure)) + ", skipped " +
                     std::to_string(p.counts.Count(JobState::kSkipped));
  if (p.eta_seconds >= 0) {
    const long long s = std::llround(p.eta_seconds);
    line += ", ETA " + std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  }
  return line;
}

ProgressPrinter::ProgressPrinter(std::FILE* out) : out_(out), tty_(::isatty(::fileno(out))) {}

void ProgressPrinter::operator()(const Progress& p) {
  const std::string line = FormatProgressLine(p);
  if (tty_) {
    if (!p.event.empty()) std::fprintf(out_, "\r\033[K%s\n", p.event.c_str());
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    dirty_ = true;
  } else {
    std::fprintf(out_, "%s  %s\n", line.c_str(), p.event.c_str());
  }
  std::fflush(out_);
}

void ProgressPrinter::Finish() {
  if (dirty_) std::fprintf(out_, "\n");
  dirty_ = false;
}

}  // namespace labq
