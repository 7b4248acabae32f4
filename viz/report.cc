#include "viz/report.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <regex>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "results/codesign_table.h"
#include "results/dpu_table.h"
#include "results/job_state.h"
#include "results/qat_table.h"
#include "results/table.h"
#include "viz/plot.h"
#include "viz/run_tool.h"

namespace labq::viz {
namespace {

namespace fs = std::filesystem;

/// Markdown text: entities for HTML's specials, backslashes for Markdown's.
std::string MdEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '#':
        out += '\\';
        out += c;
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A table with every text cell made safe for Markdown (RenderMarkdown
/// escapes only the pipe).
Table MdSafe(Table t) {
  for (auto& c : t.columns) c.name = MdEscape(c.name);
  for (auto& row : t.rows) {
    for (auto& cell : row) {
      if (cell.is_string()) cell = MdEscape(cell.get<std::string>());
    }
  }
  return t;
}

std::string HtmlCell(const nlohmann::json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return HtmlEscape(v.get<std::string>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_number_integer()) return v.dump();
  if (v.is_number()) return HtmlEscape(FormatNumber(v.get<double>(), 4));
  return HtmlEscape(v.dump());
}

std::string HtmlTable(const Table& t) {
  std::string out = "<table>\n<thead><tr>";
  for (const auto& c : t.columns) {
    out += "<th>" + HtmlEscape(c.name) +
           (c.unit.empty() ? "" : "<br><small>" + HtmlEscape(c.unit) + "</small>") + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const auto& v = i < row.size() ? row[i] : nlohmann::json();
      out += std::string(v.is_number() ? "<td class=num>" : "<td>") + HtmlCell(v) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

/// A Markdown code fence longer than any backtick run in `text`.
std::string Fence(const std::string& text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<size_t>(3, longest + 1), '`');
}

std::string NowUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &tm);
  return buffer;
}

/// The first non-empty line a tool prints about its version.
std::string VersionLine(const std::vector<std::string>& argv) {
  const ToolRun run = RunTool(argv, {}, std::chrono::seconds(20));
  if (!run.started) return "not installed";
  for (const auto& line : SplitLines(run.output)) {
    const auto t = Trim(line);
    if (!t.empty()) return std::string(t);
  }
  return "(printed nothing; " + run.Describe() + ")";
}

const char* kMethods = R"(Part 1 (DPU, one synth job per N and mode):
- period: the clock each design was synthesized toward and timed at (period_source): lab = the lab's fixed period for every configuration, auto-common = the slowest critical period among the modes of the same N, auto = the design's own critical period, fixed = the sweep's number.
- f (MHz): the frequency the OPS use: 1/period when the worst setup slack is >= 0 at that period, else 1/(period - slack), the speed its critical path allows (timing says VIOLATED). fmax (MHz) is 1/(period - slack) either way.
- OPS (operations/s): a DPU of size N does 2·N operations per cycle (N multiplies, N adds), so OPS = 2·N·f.
- OPS/W = OPS / P, with P the total power at that clock (activity column): default and global = OpenSTA report_power with its default or a global toggle rate; vectors = labq's calculator on the toggles of a gate-level simulation of the mapped netlist on the job's vectors.
- OPS/mm² = OPS / (cell area in mm²); the area is the synthesized cell area in µm² times 1e-6.
- verified: the simulation job this synth job waited for passed (the RTL matches the golden model on the test vectors).

Part 2 (QAT, one job per mode):
- accuracy: top-1 accuracy in percent on the data set's test split, for the weights of that mode: FP (floating point), 8-bit (conv weights as 8-bit sign-magnitude codes), 4-bit (the same codes cut to 4 bits: sign and 3 magnitude bits from bit k, by the rule column).
- vs FP (percentage points) = accuracy - FP baseline accuracy of the same sweep.
- nested: one network trained on both precisions; its 4-bit result uses the same 8-bit codes. q8 cut naively to 4-bit: the pure 8-bit network evaluated at 4 bits without 4-bit training.
- curves: per epoch, the training loss (mean cross-entropy over the epoch's steps) and the test accuracy after that epoch, as labqat printed them (stored as epoch_N.* metrics).

Co-design (one hw_eval job per DPU configuration, the rows of labq table codesign):
- accuracy: top-1 test accuracy with every convolution computed as the DPU computes it (activations quantized to a_bits unsigned, the 8-bit codes or their 4-bit cuts as weights, each output's products in N-element DPU calls through the output mode).
- delta (percentage points) = accuracy - the accuracy of the same weights with float activations (what labqat eval reports); the figure draws that float accuracy as a dashed line per weight precision.
- utilization = MACs per image / (DPU calls per image x N): the share of the DPU's multipliers doing a MAC the network needs. Zero padding (a K = 9 conv on N = 128) lowers it; unsigned-split makes two calls per chunk (positive and negative weights), so it is at most 1/2.
- OPS/W and OPS/mm²: the network's, = the DPU's (the synthesis job that built it, as in Part 1: DPU OPS/W) x utilization. The DPU's own figure counts every cycle as 2N operations, padding and the second call included, so it would rank unsigned-split as high as a DPU needing half the calls.
- energy = 2 x MACs per image / OPS/W = DPU calls per image x 2N operations / DPU OPS/W: what one inference's convolutions cost on that DPU.
- Pareto: no other row of the sweep has both accuracy and (the network's) OPS/W at least as high, one of them higher; the figure's staircase joins these rows.
)";

struct Doc {
  std::string md;
  std::string html;
  void Heading(int level, const std::string& text) {
    md += std::string(static_cast<size_t>(level), '#') + " " + MdEscape(text) + "\n\n";
    html += "<h" + std::to_string(level) + ">" + HtmlEscape(text) + "</h" + std::to_string(level) +
            ">\n";
  }
  void Paragraph(const std::string& text) {
    md += MdEscape(text) + "\n\n";
    html += "<p>" + HtmlEscape(text) + "</p>\n";
  }
  void Tab(const Table& t) {
    md += RenderMarkdown(MdSafe(t), 4) + "\n";
    html += HtmlTable(t);
  }
  void Code(const std::string& text, const std::string& language) {
    const std::string fence = Fence(text);
    md += fence + language + "\n" + text + (EndsWithNewline(text) ? "" : "\n") + fence + "\n\n";
    html += "<pre><code>" + HtmlEscape(text) + "</code></pre>\n";
  }
  /// Our own text (never user data): "- " lines become list items, other
  /// lines paragraphs.
  void List(const std::string& text) {
    md += text + "\n";
    bool open = false;
    for (const auto& line : SplitLines(text)) {
      const bool item = StartsWith(line, "- ");
      if (item && !open) html += "<ul>\n";
      if (!item && open) html += "</ul>\n";
      open = item;
      if (item) {
        html += "<li>" + HtmlEscape(line.substr(2)) + "</li>\n";
      } else if (!line.empty()) {
        html += "<p>" + HtmlEscape(line) + "</p>\n";
      }
    }
    if (open) html += "</ul>\n";
  }
  static bool EndsWithNewline(const std::string& s) { return !s.empty() && s.back() == '\n'; }
};

/// The columns of a table a slide needs (the rest stay in `labq table`).
Table Slide(const Table& t, const std::vector<std::string>& wanted) {
  std::vector<std::string> present;
  for (const auto& w : wanted) {
    for (const auto& c : t.columns)
      if (c.name == w) present.push_back(w);
  }
  return SelectColumns(t, present);
}

void RequireFinishedJobs(ResultStore& store, const SweepInfo& sweep) {
  const SweepCounts counts = store.Counts(sweep.id);
  if (counts.CountIf(IsSuccess) > 0) return;
  std::string states;
  for (const auto& [state, n] : counts.by_state) {
    states += (states.empty() ? "" : ", ") + ToString(state) + " " + std::to_string(n);
  }
  throw Error("sweep '" + sweep.name + "' (id " + std::to_string(sweep.id) +
              ") has no finished jobs yet (" + (states.empty() ? "no jobs" : states) +
              "): nothing to report");
}

void PrepareFolder(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw Error("--out " + dir.string() + ": exists and is not a folder");
  }
  fs::create_directory(dir, ec);
  if (ec) throw Error("--out " + dir.string() + ": cannot create the folder: " + ec.message());
  const fs::path probe = dir / ".labq-write-probe";
  try {
    WriteFileAtomically(probe, "", Durability::kCrashSafe);
  } catch (const Error&) {
    throw Error("--out " + dir.string() + ": cannot write into this folder");
  }
  fs::remove(probe, ec);
}

}  // namespace

std::string InlineSvg(const std::string& svg, const std::string& prefix) {
  const size_t start = svg.find("<svg");
  if (start == std::string::npos) throw Error("figure is not an SVG document");
  std::string body = svg.substr(start);
  static const std::regex kId(R"(\bid=(['"]))");
  static const std::regex kRef(R"((href=['"]#|url\(#))");
  body = std::regex_replace(body, kId, "id=$1" + prefix);
  body = std::regex_replace(body, kRef, "$1" + prefix);
  return body;
}

namespace {

/// The title line and the paragraph of who, when and what of the sweep.
void AddSummary(Doc& doc, ResultStore& store, const SweepInfo& sweep) {
  doc.Heading(1, "Sweep " + sweep.name + " (id " + std::to_string(sweep.id) + ")");
  const SweepCounts counts = store.Counts(sweep.id);
  std::string states;
  for (const auto& [state, n] : counts.by_state)
    states += (states.empty() ? "" : ", ") + ToString(state) + " " + std::to_string(n);
  doc.Paragraph("Submitted " + sweep.created_at + " from " +
                (sweep.file.empty() ? std::string("(no file)") : sweep.file) + "; jobs: " + states +
                "; wall time " + FormatNumber(sweep.wall_seconds, 3) + " s. Report written " +
                NowUtc() + " from " + store.path() + ".");
  if (!sweep.description.empty()) doc.Paragraph(sweep.description);
  if (!sweep.note.empty()) doc.Paragraph("Note: " + sweep.note);
}

/// A section of the report: a slide table and the figure of one plot kind.
struct Part {
  PlotKind kind;
  const char* heading;
  Table table;
};

std::vector<Part> Parts(ResultStore& store, int64_t sweep_id) {
  const Table dpu = BuildDpuTable(store, sweep_id);
  const Table qat = BuildQatTable(store, sweep_id);
  const Table codesign = BuildCodesignTable(store, sweep_id);
  return {
      {PlotKind::kDpu, "Part 1: DPU efficiency",
       Slide(dpu, {"N", "mode", "liberty", "verified", "period_source", "timing", "f_MHz",
                   "fmax_MHz", "area_um2", "power_mW", "activity", "OPS_per_s", "OPS_per_W",
                   "OPS_per_mm2", "state"})},
      {PlotKind::kQat, "Part 2: QAT accuracy",
       Slide(qat, {"result", "job", "accuracy_pct", "vs_fp_points", "k", "rule", "bn", "epochs",
                   "train_s", "state"})},
      {PlotKind::kCurves, "Part 2: training curves", Table{}},
      {PlotKind::kCodesign, "Co-design: accuracy on the DPU vs OPS/W",
       Slide(codesign,
             {"N", "mode", "b_format", "precision", "accuracy_pct", "delta_pts", "OPS_per_W",
              "OPS_per_mm2", "utilization", "dpu_OPS_per_W", "energy_pJ", "pareto", "state"})},
  };
}

/// One part: its table and its figure (inlined in the HTML, linked in the
/// Markdown); a figure that cannot be drawn is said in place and listed.
void AddPart(Doc& doc, ResultStore& store, const ReportRequest& request, const Part& part,
             int& figure_number, ReportFiles& files) {
  const bool has_table = !part.table.rows.empty();
  const fs::path svg = request.out_dir / (PlotKindName(part.kind) + ".svg");
  std::string figure_error;
  try {
    RenderPlot(store, {part.kind, request.sweep_id, "", "", ""}, svg);
  } catch (const Error& e) {
    figure_error = e.what();
  }
  if (!figure_error.empty()) files.skipped.push_back(PlotKindName(part.kind) + ": " + figure_error);
  if (!has_table && !figure_error.empty()) return;
  doc.Heading(2, part.heading);
  if (has_table) doc.Tab(part.table);
  if (!figure_error.empty()) {
    doc.Paragraph("Figure not drawn: " + figure_error);
    return;
  }
  files.figures.push_back(svg);
  ++figure_number;
  const std::string name = svg.filename().string();
  doc.md += "![" + PlotKindName(part.kind) + " figure](" + name + ")\n\n" +
            "(gnuplot script: " + svg.stem().string() + ".gp)\n\n";
  doc.html += "<figure>" +
              InlineSvg(ReadFile(svg.string()), "f" + std::to_string(figure_number) + "_") +
              "<figcaption>" + HtmlEscape(name) + " (restyle with " +
              HtmlEscape(svg.stem().string()) + ".gp)</figcaption></figure>\n";
}

void AddSweepSource(Doc& doc, ResultStore& store, const SweepInfo& sweep) {
  doc.Heading(2, "Sweep file");
  const std::string source = store.SweepSource(sweep.id);
  if (!source.empty()) {
    doc.Paragraph("As submitted (stored in the results database with the sweep" +
                  std::string(sweep.file.empty() ? "" : ", read from " + sweep.file) + "):");
    doc.Code(source, "yaml");
  } else {
    doc.Paragraph(
        "The database holds no sweep text for this sweep" +
        (sweep.file.empty() ? std::string(".") : "; it was read from " + sweep.file + "."));
  }
}

void AddToolVersions(Doc& doc, std::vector<std::vector<std::string>> commands) {
  doc.Heading(2, "Tool versions");
  doc.Paragraph(
      "As installed on the machine that wrote this report (the sweep ran with the tools of its own "
      "machine).");
  if (commands.empty()) {
    commands = {{"yosys", "-V"},
                {"sta", "-version"},
                {"verilator", "--version"},
                {"iverilog", "-V"},
                {"gnuplot", "--version"}};
  }
  Table versions;
  versions.columns = {{"tool", ""}, {"command", ""}, {"version", ""}};
  for (const auto& argv : commands) {
    std::string command;
    for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
    versions.AddRow({argv.empty() ? "" : argv[0], command, VersionLine(argv)});
  }
  doc.Tab(versions);
}

std::string HtmlPage(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n<title>" +
         HtmlEscape(title) +
         "</title>\n<style>\n"
         "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;max-width:1320px;margin:2em "
         "auto;padding:0 1em;color:#222}\n"
         "table{border-collapse:collapse;margin:1em 0;font-size:14px}\n"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\n"
         "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
         "pre{background:#f6f6f6;padding:1em;overflow:auto}\n"
         "figure{margin:1em 0}figure svg{max-width:100%;height:auto}\n"
         "figcaption{color:#666;font-size:13px}\n</style>\n</head>\n<body>\n" +
         body + "</body>\n</html>\n";
}

}  // namespace

ReportFiles WriteReport(ResultStore& store, const ReportRequest& request) {
  const auto sweep = store.SweepById(request.sweep_id);
  if (!sweep) throw Error("no sweep with id " + std::to_string(request.sweep_id));
  RequireFinishedJobs(store, *sweep);
  PrepareFolder(request.out_dir);
  ReportFiles files{request.out_dir / "report.md", request.out_dir / "report.html", {}, {}};
  Doc doc;
  AddSummary(doc, store, *sweep);
  int figure_number = 0;
  for (const Part& part : Parts(store, sweep->id)) {
    AddPart(doc, store, request, part, figure_number, files);
  }
  doc.Heading(2, "How each number was computed");
  doc.List(kMethods);
  AddSweepSource(doc, store, *sweep);
  AddToolVersions(doc, request.version_commands);
  if (!files.skipped.empty()) {
    doc.Heading(2, "Figures not drawn");
    for (const auto& s : files.skipped) doc.Paragraph(s);
  }
  WriteOutputFile(files.markdown, doc.md);
  WriteOutputFile(files.html, HtmlPage("labq report: sweep " + sweep->name, doc.html));
  return files;
}

}  // namespace labq::viz
