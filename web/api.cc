/// The JSON twins of the pages, which the pages poll for live updates.
/// nlohmann::json escapes every string; invalid UTF-8 in logs is replaced.

#include <algorithm>
#include <cctype>

#include "results/job_state.h"
#include "results/table.h"
#include "web/html.h"
#include "web/job_logs.h"
#include "web/route_support.h"
#include "web/routes.h"

namespace labq::web {
namespace {

nlohmann::json ProgressJson(const SweepProgress& p) {
  nlohmann::json counts = nlohmann::json::object();
  for (const JobState state : AllJobStates()) counts[ToString(state)] = p.counts.Count(state);
  return {{"counts", counts},
          {"total", p.counts.total},
          {"eta_seconds", p.eta_seconds < 0 ? nlohmann::json() : nlohmann::json(p.eta_seconds)},
          {"eta", FormatEta(p.eta_seconds)}};
}

std::optional<uint64_t> OffsetParam(const Query& query) {
  auto it = query.find("offset");
  if (it == query.end() || it->second.empty()) return std::nullopt;
  const std::string& v = it->second;
  if (v.size() > 15 ||
      !std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw HttpError(400, "?offset=" + v + ": want a byte offset >= 0");
  }
  return std::stoull(v);
}

}  // namespace

Reply Routes::ApiSweeps() const {
  return Guard(true, [&] {
    Snapshot& s = Connections();
    nlohmann::json sweeps = nlohmann::json::array();
    for (const auto& sweep : s.store->SweepDetails()) {
      nlohmann::json j = ProgressJson(QuerySweepProgress(s.db, sweep.id));
      j["id"] = sweep.id;
      j["name"] = sweep.name;
      j["description"] = sweep.description;
      j["tags"] = sweep.tags;
      j["note"] = sweep.note;
      j["created_at"] = sweep.created_at;
      j["wall_seconds"] = sweep.wall_seconds;
      sweeps.push_back(std::move(j));
    }
    return JsonReply({{"sweeps", sweeps}});
  });
}

Reply Routes::ApiSweepJobs(const std::string& sweep_text, const Query& query) const {
  return Guard(true, [&] {
    Snapshot& s = Connections();
    const SweepInfo sweep = FindSweepOr404(s, sweep_text);
    const JobPageQuery q = ParseJobPageQuery(sweep.id, query, 100);
    nlohmann::json out = ProgressJson(QuerySweepProgress(s.db, sweep.id));
    out["sweep"] = {{"id", sweep.id}, {"name", sweep.name}};
    out["state"] = q.state ? ToString(*q.state) : "";
    out["offset"] = q.offset;
    out["limit"] = q.limit;
    nlohmann::json jobs = nlohmann::json::array();
    for (const auto& j : QueryJobPage(s.db, q)) {
      jobs.push_back({{"id", j.id},
                      {"name", j.name},
                      {"kind", j.kind},
                      {"state", ToString(j.state)},
                      {"attempts", j.attempts},
                      {"wall_seconds", j.wall_seconds},
                      {"wall", FormatWall(j.wall_seconds)},
                      {"started_at", j.started_at},
                      {"finished_at", j.finished_at},
                      {"error", j.error}});
    }
    out["jobs"] = std::move(jobs);
    return JsonReply(out);
  });
}

Reply Routes::ApiJob(const std::string& job_id) const {
  return Guard(true, [&] {
    Snapshot& s = Connections();
    const JobRecord job = FindJobOr404(s, job_id);
    nlohmann::json metrics = nlohmann::json::array();
    for (const auto& m : s.store->Metrics(job.id)) {
      metrics.push_back({{"name", m.name},
                         {"value", m.value},
                         {"unit", m.unit},
                         {"display", FormatNumber(m.value, 6)}});
    }
    nlohmann::json logs = nlohmann::json::array();
    for (const auto& log : ListJobLogs(job.workdir)) {
      logs.push_back({{"name", log.name}, {"bytes", log.bytes}});
    }
    return JsonReply({{"id", job.id},
                      {"sweep", {{"id", job.sweep_id}, {"name", job.sweep_name}}},
                      {"name", job.name},
                      {"kind", job.kind},
                      {"state", ToString(job.state)},
                      {"attempts", job.attempts},
                      {"wall_seconds", job.wall_seconds},
                      {"wall", FormatWall(job.wall_seconds)},
                      {"started_at", job.started_at},
                      {"finished_at", job.finished_at},
                      {"error", job.error},
                      {"params", job.params},
                      {"argv", job.argv},
                      {"workdir", job.workdir},
                      {"rerun", RerunCommands(job, db_path_)},
                      {"metrics", metrics},
                      {"texts", s.store->Texts(job.id)},
                      {"logs", logs}});
  });
}

Reply Routes::ApiJobLog(const std::string& job_id, const Query& query) const {
  return Guard(true, [&] {
    Snapshot& s = Connections();
    const JobRecord job = FindJobOr404(s, job_id);
    auto it = query.find("step");
    if (it == query.end() || it->second.empty()) {
      throw HttpError(400, "?step= names a log of the job (see /api/jobs/" + job_id + " logs)");
    }
    const auto chunk = ReadJobLog(job.workdir, it->second, OffsetParam(query));
    if (!chunk) {
      throw HttpError(404, "job " + job_id + " has no log '" + it->second + "' (see /api/jobs/" +
                               job_id + " logs)");
    }
    return JsonReply({{"step", it->second},
                      {"offset", chunk->offset},
                      {"next_offset", chunk->next_offset},
                      {"size", chunk->size},
                      {"state", ToString(job.state)},
                      {"text", chunk->text}});
  });
}

}  // namespace labq::web
