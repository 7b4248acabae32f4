/// Figures and reports: plot, report (drawn by viz/, gnuplot underneath).

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/error.h"
#include "viz/plot.h"
#include "viz/report.h"

namespace labq {
namespace {

struct VizArgs {
  std::string kind;
  SweepArg sweep;
  std::string out;
  std::string by, y, x;
};

int64_t RequireSweep(ResultStore& store, const SweepArg& arg, const char* command) {
  auto sweep = ResolveSweepArg(store, arg);
  if (!sweep) throw Error(std::string(command) + ": --sweep is required");
  return *sweep;
}

int CmdPlot(const std::string& db_path, const VizArgs& a) {
  const viz::PlotKind kind = viz::ParsePlotKind(a.kind);
  auto reader = ResultStore::OpenReadOnly(db_path);
  viz::PlotRequest request{kind, RequireSweep(*reader, a.sweep, "plot"), a.by, a.y, a.x};
  const viz::PlotFiles files = viz::RenderPlot(*reader, request, a.out);
  std::cerr << "wrote " << files.figure.string() << " (gnuplot script " << files.script.string()
            << ", data " << files.data.string() << ")\n";
  return 0;
}

int CmdReport(const std::string& db_path, const VizArgs& a) {
  auto reader = ResultStore::OpenReadOnly(db_path);
  viz::ReportRequest request{RequireSweep(*reader, a.sweep, "report"), a.out, {}};
  const viz::ReportFiles files = viz::WriteReport(*reader, request);
  std::cerr << "wrote " << files.markdown.string() << " and " << files.html.string() << " ("
            << files.figures.size() << " figures)\n";
  for (const auto& s : files.skipped) std::cerr << "  not drawn: " << s << "\n";
  return 0;
}

}  // namespace

void AddVizCommands(CLI::App& app, CliContext& ctx) {
  auto p = std::make_shared<VizArgs>();
  auto* plot = app.add_subcommand(
      "plot", "draw a figure of a sweep with gnuplot (the .gp script is kept beside it)");
  plot->add_option("kind", p->kind, "dpu|qat|curves|codesign|metric")->required();
  AddSweepOptions(plot, p->sweep, "the sweep (required)");
  plot->add_option("-o,--out", p->out, "figure file: .svg, .png or .pdf")->required();
  plot->add_option("--by", p->by, "group by this column (dpu) or parameter (metric)");
  plot->add_option("--y", p->y, "metric (metric) or dpu-table column (dpu) to plot");
  plot->add_option("--x", p->x, "metric: the parameter on the x axis");
  plot->callback([&ctx, p] { ctx.exit_code = CmdPlot(ctx.db, *p); });

  auto r = std::make_shared<VizArgs>();
  auto* report = app.add_subcommand(
      "report", "report.md and a self-contained report.html: tables, figures, YAML, versions");
  AddSweepOptions(report, r->sweep, "the sweep (required)");
  report->add_option("-o,--out", r->out, "output folder (created if missing)")->required();
  report->callback([&ctx, r] { ctx.exit_code = CmdReport(ctx.db, *r); });
}

}  // namespace labq
