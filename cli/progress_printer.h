#pragma once
/// Prints scheduler progress: one rewritten status line on a terminal, one
/// line per event otherwise (CI logs, files).

#include <cstdio>

#include "orchestrator/scheduler.h"

namespace labq {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::FILE* out);
  void operator()(const Progress& progress);
  void Finish();

 private:
  std::FILE* out_;
  bool tty_;
  bool dirty_ = false;
};

std::string FormatProgressLine(const Progress& progress);

}  // namespace labq
