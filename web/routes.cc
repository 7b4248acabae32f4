#include "web/routes.h"

#include <algorithm>
#include <cctype>

#include "common/file_util.h"
#include "results/job_state.h"
#include "results/table.h"
#include "web/html.h"
#include "web/route_support.h"

namespace labq::web {

SweepInfo FindSweepOr404(Snapshot& s, const std::string& name_or_id) {
  auto sweep = QuerySweepHeader(s.db, name_or_id);
  if (!sweep) throw HttpError(404, "no sweep '" + name_or_id + "' in " + s.db.path());
  return *sweep;
}

JobRecord FindJobOr404(Snapshot& s, const std::string& job_id) {
  std::optional<JobRecord> job;
  if (job_id.size() <= 18) job = s.store->Job(std::stoll(job_id));
  if (!job) throw HttpError(404, "no job " + job_id + " in " + s.db.path());
  return *job;
}

namespace {

int64_t ParseCount(const Query& query, const std::string& key, int64_t fallback, int64_t low,
                   int64_t high) {
  auto it = query.find(key);
  if (it == query.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  if (v.size() > 12 ||
      !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw HttpError(400, "?" + key + "=" + v + ": want a whole number");
  }
  const int64_t n = std::stoll(v);
  if (n < low || n > high) {
    throw HttpError(
        400, "?" + key + "=" + v + ": want " + std::to_string(low) + ".." + std::to_string(high));
  }
  return n;
}

}  // namespace

JobPageQuery ParseJobPageQuery(int64_t sweep_id, const Query& query, int64_t default_limit) {
  JobPageQuery q;
  q.sweep_id = sweep_id;
  if (auto it = query.find("state"); it != query.end() && !it->second.empty()) {
    q.state = ParseJobState(it->second);
    if (!q.state) {
      std::string list;
      for (const auto& s : JobStateNames()) list += (list.empty() ? "" : ", ") + s;
      throw HttpError(400, "?state=" + it->second + " is not one of " + list);
    }
  }
  q.offset = ParseCount(query, "offset", 0, 0, 999999999999);
  q.limit = ParseCount(query, "limit", default_limit, 1, 1000);
  return q;
}

std::vector<std::string> RerunCommands(const JobRecord& job, const std::string& db_path) {
  std::vector<std::string> out;
  if (!job.workdir.empty()) out.push_back("sh " + ShellQuote(job.workdir + "/command.sh"));
  if (IsFinal(job.state) && !IsSuccess(job.state)) {
    out.push_back("labq --db " + ShellQuote(db_path) + " retry " + std::to_string(job.id));
  }
  return out;
}

Reply JsonReply(const nlohmann::json& value, int status) {
  Reply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return r;
}

std::string FormatWall(double seconds) { return FormatNumber(seconds, 3) + " s"; }

Reply ErrorReply(int status, const std::string& message, bool json) {
  if (json) return JsonReply({{"error", message}}, status);
  Reply r;
  r.status = status;
  r.body = Page("error " + std::to_string(status), "<h1>error " + std::to_string(status) +
                                                       "</h1>\n<p class=\"error\">" +
                                                       HtmlEscape(message) + "</p>");
  return r;
}

Reply Routes::Guard(bool json, const std::function<Reply()>& handler) const {
  try {
    return handler();
  } catch (const HttpError& e) {
    return ErrorReply(e.status(), e.what(), json);
  } catch (const std::exception& e) {
    // A missing database or one of another schema: nothing to show yet.
    // Whatever failed, this thread's next request starts from new connections.
    connections_->Forget();
    return ErrorReply(503, e.what(), json);
  }
}

Routes::Routes(std::string db_path, FigureRenderer figures)
    : db_path_(std::move(db_path)),
      figures_(std::move(figures)),
      connections_(std::make_unique<ConnectionCache>(db_path_)),
      figure_cache_(std::make_unique<FigureCache>()) {}

Routes::~Routes() = default;

Snapshot& Routes::Connections() const { return connections_->ForThisThread(); }

int64_t Routes::connection_opens() const { return connections_->opens(); }

}  // namespace labq::web
