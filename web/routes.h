#pragma once
/// What each dashboard URL answers, apart from HTTP: handlers take the path's
/// parts and the query, read the store through the calling thread's cached
/// read-only connections (web/connections.h), and return a status with a
/// body. web/dashboard.cc maps URLs and methods onto them.
///
///   /                               sweeps, live counts and ETA
///   /sweeps/S?state=&offset=        a sweep's jobs, 100 a page
///   /sweeps/S/tables/T[.csv]        a result table (dpu, qat; codesign where the sweep
///                                   has hw_eval jobs); .csv = `labq table --format csv`
///   /sweeps/S/figures/KIND.svg      a figure, when a renderer is wired in; kept
///                                   until the sweep's results change
///   /jobs/ID                        params, metrics, rerun command, logs
///   /api/sweeps, /api/sweeps/S/jobs?state=&offset=&limit=, /api/jobs/ID,
///   /api/jobs/ID/log?step=&offset=  the JSON the pages poll

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace labq::web {

class ConnectionCache;
class FigureCache;
struct Snapshot;

/// Draws figure `kind` (dpu, qat, curves, codesign) of the sweep whose id is
/// `sweep` (decimal) and returns the SVG's path; nullopt when it cannot.
using FigureRenderer = std::function<std::optional<std::filesystem::path>(const std::string& sweep,
                                                                          const std::string& kind)>;

struct Reply {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::string filename;  ///< set: a download (Content-Disposition: attachment)
};

using Query = std::map<std::string, std::string>;

class Routes {
 public:
  Routes(std::string db_path, FigureRenderer figures);
  ~Routes();
  Routes(const Routes&) = delete;
  Routes& operator=(const Routes&) = delete;

  Reply SweepsPage() const;
  Reply SweepPage(const std::string& sweep, const Query& query) const;
  Reply JobPage(const std::string& job_id) const;
  Reply TablePage(const std::string& sweep, const std::string& which) const;
  Reply TableCsv(const std::string& sweep, const std::string& which) const;
  Reply Figure(const std::string& sweep, const std::string& kind) const;

  Reply ApiSweeps() const;
  Reply ApiSweepJobs(const std::string& sweep, const Query& query) const;
  Reply ApiJob(const std::string& job_id) const;
  Reply ApiJobLog(const std::string& job_id, const Query& query) const;

  const std::string& db_path() const { return db_path_; }
  /// Read-only connections opened so far (tests: reuse across requests).
  int64_t connection_opens() const;

 private:
  /// Runs a handler, turning labq::Error (a missing database, a bad
  /// parameter) into an escaped error page or JSON error.
  Reply Guard(bool json, const std::function<Reply()>& handler) const;
  /// The calling thread's connections, checked for this request.
  Snapshot& Connections() const;

  std::string db_path_;
  FigureRenderer figures_;
  std::unique_ptr<ConnectionCache> connections_;
  std::unique_ptr<FigureCache> figure_cache_;  ///< figures drawn, by sweep and kind
};

/// 4xx/5xx with the message escaped for the page or JSON.
Reply ErrorReply(int status, const std::string& message, bool json);

}  // namespace labq::web
