#pragma once
/// Drawn figures kept between requests: gnuplot takes far longer than a
/// page, and every view of a sweep page asks for its figures again. An entry
/// holds while the sweep's results are what they were when it was drawn.

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "results/sqlite.h"

namespace labq::web {

/// What changes whenever a figure of the sweep could: its creation time (an
/// id reused after `labq rm`), its job count, how many jobs succeeded and
/// how many ended otherwise (a retry puts one back in the queue), the latest
/// finish and the total attempts (a retried job finishes again later). One
/// pass over the sweep's job rows, no metrics read.
std::string FigureFingerprint(sql::Database& db, int64_t sweep_id);

class FigureCache {
 public:
  /// At most this many figures (a few hundred KB each) are kept; past it the
  /// cache starts over.
  explicit FigureCache(size_t capacity = 64) : capacity_(capacity) {}

  /// The SVG drawn for (sweep, kind) when it was drawn at `fingerprint`.
  std::optional<std::string> Find(int64_t sweep_id, const std::string& kind,
                                  const std::string& fingerprint) const;
  void Store(int64_t sweep_id, const std::string& kind, const std::string& fingerprint,
             std::string svg);

 private:
  struct Entry {
    std::string fingerprint;
    std::string svg;
  };
  size_t capacity_;
  mutable std::mutex mutex_;
  std::map<std::pair<int64_t, std::string>, Entry> entries_;
};

}  // namespace labq::web
