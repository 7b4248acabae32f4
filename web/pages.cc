/// The dashboard's HTML pages. Every value from the store goes through
/// HtmlEscape; URLs carry ids (numbers) or UrlEncode'd values; the live parts
/// are updated by /static/app.js from the JSON twins (web/api.cc).

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "common/file_util.h"
#include "results/codesign_table.h"
#include "results/dpu_table.h"
#include "results/job_state.h"
#include "results/qat_table.h"
#include "results/table.h"
#include "web/html.h"
#include "web/job_logs.h"
#include "web/route_support.h"
#include "web/routes.h"

namespace labq::web {
namespace {

std::string Td(const std::string& text, const std::string& attributes = "") {
  return "<td" + (attributes.empty() ? "" : " " + attributes) + ">" + HtmlEscape(text) + "</td>";
}

std::string Num(long long n) { return std::to_string(n); }

/// A job page cell the script keeps current from /api/jobs/ID's `field`
/// while the job runs ("job-started" for started_at).
std::string LiveCell(const std::string& field) {
  return "id=\"job-" + field.substr(0, field.find('_')) + "\" data-live=\"" + field + "\"";
}

std::string SweepUrl(int64_t id) { return "/sweeps/" + Num(id); }

/// The counts cells the script updates: one per state, total and ETA.
std::string CountCells(const SweepProgress& p) {
  std::string out = Td(Num(p.counts.total), "class=\"num\" data-field=\"total\"");
  for (const JobState state : AllJobStates()) {
    out += Td(Num(p.counts.Count(state)), "class=\"num\" data-count=\"" + ToString(state) + "\"");
  }
  return out + Td(FormatEta(p.eta_seconds), "data-field=\"eta\"");
}

std::string CountHeaders() {
  std::string out = "<th>jobs</th>";
  for (const auto& state : JobStateNames()) out += "<th>" + state + "</th>";
  return out + "<th>ETA</th>";
}

std::string CellText(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return FormatNumber(v.get<double>(), 4);
  return v.dump();
}

std::string RenderHtmlTable(const Table& t) {
  std::string out = "<table class=\"results\"><thead><tr>";
  for (const auto& c : t.columns) {
    out += "<th>" + HtmlEscape(c.name) +
           (c.unit.empty() ? "" : " <span class=\"muted\">[" + HtmlEscape(c.unit) + "]</span>") +
           "</th>";
  }
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (const auto& v : row) out += Td(CellText(v), v.is_number() ? "class=\"num\"" : "");
    out += "</tr>\n";
  }
  return out + "</tbody></table>";
}

/// Whether the sweep has hw_eval jobs: the codesign table and figure exist
/// only for those sweeps (a Part 1 sweep has no co-design to show).
bool HasCodesign(Snapshot& s, int64_t sweep_id) {
  sql::Statement q(s.db, "SELECT 1 FROM jobs WHERE sweep_id = ? AND kind = 'hw_eval' LIMIT 1");
  q.Bind(1, sweep_id);
  return q.Step();
}

/// The tables a sweep page links to: dpu and qat always, codesign when the
/// sweep has hw_eval jobs.
std::vector<std::string> TableNames(Snapshot& s, int64_t sweep_id) {
  std::vector<std::string> names = {"dpu", "qat"};
  if (HasCodesign(s, sweep_id)) names.push_back("codesign");
  return names;
}

Table BuildTable(Snapshot& s, const SweepInfo& sweep, const std::string& which) {
  if (which == "dpu") return BuildDpuTable(*s.store, sweep.id);
  if (which == "qat") return BuildQatTable(*s.store, sweep.id);
  if (which == "codesign") {
    if (!HasCodesign(s, sweep.id)) {
      throw HttpError(404, "sweep " + sweep.name + " has no hw_eval jobs: no codesign table");
    }
    return BuildCodesignTable(*s.store, sweep.id);
  }
  throw HttpError(404, "no table '" + which + "' (tables: dpu, qat, codesign)");
}

/// A download name from user data: letters, digits, . _ - only.
std::string SafeFileName(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    out += std::isalnum(c) || c == '.' || c == '-' ? static_cast<char>(c) : '_';
  }
  return out.empty() ? "sweep" : out;
}

const std::vector<std::string>& FigureKinds() {
  static const std::vector<std::string> kKinds = {"dpu", "qat", "curves", "codesign"};
  return kKinds;
}

/// The figures a sweep page shows: codesign only where its table has rows.
std::vector<std::string> FigureNames(Snapshot& s, int64_t sweep_id) {
  std::vector<std::string> names = FigureKinds();
  if (!HasCodesign(s, sweep_id)) names.pop_back();
  return names;
}

}  // namespace

Reply Routes::SweepsPage() const {
  return Guard(false, [&] {
    Snapshot& s = Connections();
    std::string rows;
    for (const auto& sweep : s.store->SweepDetails()) {
      const auto p = QuerySweepProgress(s.db, sweep.id);
      std::string tags;
      for (const auto& t : sweep.tags) tags += (tags.empty() ? "" : ", ") + t;
      rows += "<tr data-sweep=\"" + Num(sweep.id) + "\">" + Td(Num(sweep.id), "class=\"num\"") +
              "<td><a href=\"" + SweepUrl(sweep.id) + "\">" + HtmlEscape(sweep.name) + "</a></td>" +
              Td(sweep.description) + Td(tags) + Td(sweep.created_at) + CountCells(p) + "</tr>\n";
    }
    std::string body =
        "<h1>Sweeps</h1>\n<p id=\"new-sweeps\" hidden>New sweeps were submitted: "
        "<a href=\"/\">reload</a> to see them.</p>\n";
    body += rows.empty()
                ? "<p id=\"no-sweeps\">No sweeps yet: <code>labq submit SWEEP.yaml</code>.</p>"
                : "<table id=\"sweeps\"><thead><tr><th>id</th><th>sweep</th><th>description</th>"
                  "<th>tags</th><th>submitted</th>" +
                      CountHeaders() + "</tr></thead><tbody>\n" + rows + "</tbody></table>";
    return Reply{200, "text/html; charset=utf-8",
                 Page("sweeps", body, "data-page=\"sweeps\" data-api=\"/api/sweeps\""), ""};
  });
}

Reply Routes::SweepPage(const std::string& sweep_text, const Query& query) const {
  return Guard(false, [&] {
    Snapshot& s = Connections();
    const SweepInfo sweep = FindSweepOr404(s, sweep_text);
    const JobPageQuery q = ParseJobPageQuery(sweep.id, query, 100);
    const auto p = QuerySweepProgress(s.db, sweep.id);
    const auto jobs = QueryJobPage(s.db, q);
    const std::string base = SweepUrl(sweep.id);
    const std::string shown_state = q.state ? ToString(*q.state) : "";
    const auto page_url = [&](const std::string& state, int64_t offset) {
      std::string query;
      if (!state.empty()) query += "&state=" + UrlEncode(state);
      if (offset > 0) query += "&offset=" + Num(offset);
      return query.empty() ? base : base + "?" + query.substr(1);
    };
    std::string body = "<h1>Sweep " + HtmlEscape(sweep.name) + " <span class=\"muted\">@" +
                       Num(sweep.id) + "</span></h1>\n";
    if (!sweep.description.empty()) body += "<p>" + HtmlEscape(sweep.description) + "</p>\n";
    body += "<p class=\"muted\">submitted " + HtmlEscape(sweep.created_at) + " from " +
            HtmlEscape(sweep.file) + "</p>\n";
    if (!sweep.note.empty()) body += "<p>note: " + HtmlEscape(sweep.note) + "</p>\n";
    body += "<table id=\"counts\"><thead><tr>" + CountHeaders() + "</tr></thead><tbody><tr>" +
            CountCells(p) + "</tr></tbody></table>\n";
    body += "<nav class=\"filters\">show: <a href=\"" + page_url("", 0) + "\"" +
            (!q.state ? " class=\"current\"" : "") + ">all</a>";
    for (const JobState state : AllJobStates()) {
      const std::string name = ToString(state);
      body += "<a href=\"" + HtmlEscape(page_url(name, 0)) + "\"" +
              (q.state == state ? " class=\"current\"" : "") + ">" + name + " (" +
              Num(p.counts.Count(state)) + ")</a>";
    }
    body +=
        "</nav>\n<table id=\"jobs\"><thead><tr><th>id</th><th>job</th><th>kind</th>"
        "<th>state</th><th>attempts</th><th>wall</th><th>error</th></tr></thead><tbody>\n";
    for (const auto& j : jobs) {
      body += "<tr data-job=\"" + Num(j.id) + "\">" + Td(Num(j.id), "class=\"num\"") +
              "<td><a href=\"/jobs/" + Num(j.id) + "\">" + HtmlEscape(j.name) + "</a></td>" +
              Td(j.kind) + "<td data-field=\"state\" class=\"state state-" +
              HtmlEscape(ToString(j.state)) + "\">" + HtmlEscape(ToString(j.state)) + "</td>" +
              Td(Num(j.attempts), "class=\"num\" data-field=\"attempts\"") +
              Td(FormatWall(j.wall_seconds), "class=\"num\" data-field=\"wall\"") +
              Td(j.error, "data-field=\"error\"") + "</tr>\n";
    }
    body += "</tbody></table>\n";
    const int64_t shown_total = !q.state ? p.counts.total : p.counts.Count(*q.state);
    body += "<p class=\"pager\">jobs " + Num(jobs.empty() ? 0 : q.offset + 1) + "-" +
            Num(q.offset + static_cast<int64_t>(jobs.size())) + " of " + Num(shown_total);
    if (q.offset > 0) {
      body += " <a id=\"prev\" href=\"" +
              HtmlEscape(page_url(shown_state, std::max<int64_t>(0, q.offset - q.limit))) +
              "\">previous</a>";
    }
    if (q.offset + q.limit < shown_total) {
      body += " <a id=\"next\" href=\"" + HtmlEscape(page_url(shown_state, q.offset + q.limit)) +
              "\">next</a>";
    }
    body += "</p>\n<h2>Tables</h2>\n<ul>";
    for (const auto& t : TableNames(s, sweep.id)) {
      const std::string url = base + "/tables/" + t;
      body +=
          "<li><a href=\"" + url + "\">" + t + "</a> (<a href=\"" + url + ".csv\">CSV</a>)</li>";
    }
    body += "</ul>\n<h2>Figures</h2>\n";
    if (!figures_) {
      body += "<p id=\"no-figures\">figures not available in this build</p>\n";
    } else {
      for (const auto& kind : FigureNames(s, sweep.id)) {
        body += "<img class=\"figure\" src=\"" + base + "/figures/" + kind + ".svg\" alt=\"" +
                kind + " figure (not available for this sweep)\">";
      }
    }
    const std::string api = "/api/sweeps/" + Num(sweep.id) +
                            "/jobs?state=" + UrlEncode(q.state ? ToString(*q.state) : "") +
                            "&offset=" + Num(q.offset) + "&limit=" + Num(q.limit);
    return Reply{200, "text/html; charset=utf-8",
                 Page("sweep " + sweep.name, body,
                      "data-page=\"sweep\" data-api=\"" + HtmlEscape(api) + "\""),
                 ""};
  });
}

Reply Routes::JobPage(const std::string& job_id) const {
  return Guard(false, [&] {
    Snapshot& s = Connections();
    const JobRecord job = FindJobOr404(s, job_id);
    std::string body = "<h1>Job " + HtmlEscape(job.name) + " <span class=\"muted\">#" +
                       Num(job.id) + " (" + HtmlEscape(job.kind) + ")</span></h1>\n";
    body += "<p>sweep <a href=\"" + SweepUrl(job.sweep_id) + "\">" + HtmlEscape(job.sweep_name) +
            "</a>@" + Num(job.sweep_id) + "</p>\n";
    body +=
        "<table id=\"job\"><tbody>"
        "<tr><th>state</th><td id=\"job-state\" class=\"state state-" +
        HtmlEscape(ToString(job.state)) + "\" data-seen=\"" + HtmlEscape(ToString(job.state)) +
        "\">" + HtmlEscape(ToString(job.state)) + "</td></tr><tr><th>attempts</th>" +
        Td(Num(job.attempts), LiveCell("attempts")) + "</tr><tr><th>wall</th>" +
        Td(FormatWall(job.wall_seconds), LiveCell("wall")) + "</tr><tr><th>started</th>" +
        Td(job.started_at, LiveCell("started_at")) + "</tr><tr><th>finished</th>" +
        Td(job.finished_at, LiveCell("finished_at")) + "</tr><tr><th>error</th><td><pre " +
        LiveCell("error") + ">" + HtmlEscape(job.error) + "</pre></td></tr>";
    if (job.cached_from) {
      body += "<tr><th>cached from</th><td><a href=\"/jobs/" + Num(*job.cached_from) + "\">job " +
              Num(*job.cached_from) + "</a></td></tr>";
    }
    body += "<tr><th>directory</th>" + Td(job.workdir) + "</tr></tbody></table>\n";
    body += "<h2>Rerun</h2>\n<div id=\"job-rerun\">";
    for (const auto& c : RerunCommands(job, db_path_)) {
      body += "<pre class=\"rerun\">" + HtmlEscape(c) + "</pre>";
    }
    body += "</div>\n";
    body += "<h3>Steps</h3>\n";
    for (const auto& argv : job.argv) {
      body += "<pre class=\"step\">" + HtmlEscape(ShellJoin(argv.get<std::vector<std::string>>())) +
              "</pre>\n";
    }
    body += "<h2>Parameters</h2>\n<table id=\"params\"><tbody>";
    for (const auto& [k, v] : job.params.items()) {
      body += "<tr>" + Td(k) + Td(v.is_string() ? v.get<std::string>() : v.dump()) + "</tr>";
    }
    body += "</tbody></table>\n<h2>Metrics</h2>\n";
    const auto metrics = s.store->Metrics(job.id);
    body += std::string("<p id=\"no-metrics\"") + (metrics.empty() ? "" : " hidden") +
            ">No metrics yet.</p>\n<table id=\"metrics\"><thead><tr><th>metric</th><th>value</th>"
            "<th>unit</th></tr></thead><tbody>";
    for (const auto& m : metrics) {
      body += "<tr>" + Td(m.name) + Td(FormatNumber(m.value, 6), "class=\"num\"") + Td(m.unit) +
              "</tr>";
    }
    body += "</tbody></table>\n";
    const auto texts = s.store->Texts(job.id);
    if (!texts.empty()) {
      body += "<h3>Notes</h3>\n<table id=\"texts\"><tbody>";
      for (const auto& [k, v] : texts) body += "<tr>" + Td(k) + Td(v) + "</tr>";
      body += "</tbody></table>\n";
    }
    body += "<h2>Logs</h2>\n<div id=\"logs\">";
    const auto logs = ListJobLogs(job.workdir);
    body +=
        std::string("<p id=\"no-logs\"") + (logs.empty() ? "" : " hidden") + ">No logs yet.</p>";
    for (const auto& log : logs) {
      const auto chunk = ReadJobLog(job.workdir, log.name, std::nullopt);
      if (!chunk) continue;
      body += "<h3>" + HtmlEscape(log.name) +
              (chunk->offset > 0
                   ? " <span class=\"muted\">(last " + Num(chunk->text.size()) + " bytes)</span>"
                   : "") +
              "</h3><pre class=\"log\" data-step=\"" + HtmlEscape(log.name) + "\" data-offset=\"" +
              Num(static_cast<long long>(chunk->next_offset)) + "\">" + HtmlEscape(chunk->text) +
              "</pre>\n";
    }
    body += "</div>\n";
    return Reply{200, "text/html; charset=utf-8",
                 Page("job " + job.name, body,
                      "data-page=\"job\" data-api=\"/api/jobs/" + Num(job.id) + "\""),
                 ""};
  });
}

Reply Routes::TablePage(const std::string& sweep_text, const std::string& which) const {
  return Guard(false, [&] {
    Snapshot& s = Connections();
    const SweepInfo sweep = FindSweepOr404(s, sweep_text);
    const Table t = BuildTable(s, sweep, which);
    const std::string csv = SweepUrl(sweep.id) + "/tables/" + which + ".csv";
    std::string body = "<h1>" + HtmlEscape(which) + " table of <a href=\"" + SweepUrl(sweep.id) +
                       "\">" + HtmlEscape(sweep.name) + "</a>@" + Num(sweep.id) + "</h1>\n";
    body += "<p><a id=\"csv\" href=\"" + csv +
            "\" download>Download CSV</a> (the bytes of "
            "<code>labq table " +
            HtmlEscape(which) + " --sweep " + Num(sweep.id) + " --format csv</code>)</p>\n";
    body += t.rows.empty() ? "<p id=\"no-rows\">No rows: no job of this sweep feeds this table.</p>"
                           : RenderHtmlTable(t);
    return Reply{200, "text/html; charset=utf-8", Page(which + " table " + sweep.name, body), ""};
  });
}

Reply Routes::TableCsv(const std::string& sweep_text, const std::string& which) const {
  return Guard(false, [&] {
    Snapshot& s = Connections();
    const SweepInfo sweep = FindSweepOr404(s, sweep_text);
    // The same builder and renderer as `labq table WHICH --format csv`.
    const std::string csv = Render(BuildTable(s, sweep, which), {TableFormat::kCsv, {}, {}});
    return Reply{200, "text/csv; charset=utf-8", csv,
                 SafeFileName(sweep.name) + "-" + Num(sweep.id) + "-" + which + ".csv"};
  });
}

Reply Routes::Figure(const std::string& sweep_text, const std::string& kind) const {
  return Guard(false, [&] {
    if (!figures_) throw HttpError(404, "figures not available in this build");
    const auto& kinds = FigureKinds();
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      throw HttpError(404, "no figure '" + kind + "' (figures: dpu, qat, curves, codesign)");
    }
    Snapshot& s = Connections();
    const SweepInfo sweep = FindSweepOr404(s, sweep_text);
    if (kind == "codesign" && !HasCodesign(s, sweep.id)) {
      throw HttpError(404, "sweep " + sweep.name + " has no hw_eval jobs: no codesign figure");
    }
    const std::string fingerprint = FigureFingerprint(s.db, sweep.id);
    if (auto svg = figure_cache_->Find(sweep.id, kind, fingerprint)) {
      return Reply{200, "image/svg+xml", std::move(*svg), ""};
    }
    const auto path = figures_(Num(sweep.id), kind);
    if (!path) throw HttpError(404, "no " + kind + " figure for sweep " + sweep.name);
    std::ifstream in(*path, std::ios::binary);
    if (!in) throw HttpError(500, "cannot read figure " + path->string());
    std::ostringstream svg;
    svg << in.rdbuf();
    // Drawn from results at least as new as the fingerprint read before.
    figure_cache_->Store(sweep.id, kind, fingerprint, svg.str());
    return Reply{200, "image/svg+xml", svg.str(), ""};
  });
}

}  // namespace labq::web
