#pragma once
/// What web/pages.cc and web/api.cc share: sweep and job lookups over the
/// thread's read-only view of the store (web/connections.h), request parameter checks, and the
/// facts a page and its JSON twin both show (so they cannot disagree).

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.h"
#include "results/job_page.h"
#include "results/result_store.h"
#include "results/sqlite.h"
#include "web/connections.h"
#include "web/figure_cache.h"
#include "web/routes.h"

namespace labq::web {

/// An error with the HTTP status it answers (400 bad parameter, 404 unknown).
class HttpError : public Error {
 public:
  HttpError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// The sweep or a 404 naming it.
SweepInfo FindSweepOr404(Snapshot& s, const std::string& name_or_id);
JobRecord FindJobOr404(Snapshot& s, const std::string& job_id);

/// ?state= (one of the job states, or absent), ?offset= (>= 0), ?limit= (1..1000).
JobPageQuery ParseJobPageQuery(int64_t sweep_id, const Query& query, int64_t default_limit);

/// The commands `labq show` prints for rerunning a job: the job directory's
/// command.sh, and `labq retry` while the job ended without success.
std::vector<std::string> RerunCommands(const JobRecord& job, const std::string& db_path);

/// JSON that never throws on invalid UTF-8 (logs are arbitrary bytes).
Reply JsonReply(const nlohmann::json& value, int status = 200);

/// "12.3 s" style display used in pages and JSON alike.
std::string FormatWall(double seconds);

}  // namespace labq::web
