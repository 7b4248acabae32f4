#include "viz/plot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "common/error.h"
#include "common/file_util.h"
#include "viz/gnuplot_script.h"
#include "viz/plot_kinds.h"
#include "viz/run_tool.h"

namespace labq::viz {
namespace {

namespace fs = std::filesystem;

/// The folder a figure goes to must exist and take a new file: probed by
/// creating one, since permission bits say nothing for root or a read-only
/// mount.
void RequireWritableFolder(const fs::path& out) {
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    throw Error("--out " + out.string() + ": cannot write there: folder " + dir.string() +
                " does not exist");
  }
  if (!fs::is_directory(dir, ec)) {
    throw Error("--out " + out.string() + ": cannot write there: " + dir.string() +
                " is not a folder");
  }
  if (fs::is_directory(out, ec)) {
    throw Error("--out " + out.string() + ": is a folder; name the figure file (e.g. " +
                (out / "figure.svg").string() + ")");
  }
  std::string probe = (dir / ".labq-write-probe-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd < 0) {
    throw Error("--out " + out.string() + ": cannot write there: folder " + dir.string() +
                " does not take new files");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

SweepView View(ResultStore& store, int64_t sweep_id) {
  auto sweep = store.SweepById(sweep_id);
  if (!sweep) throw Error("no sweep with id " + std::to_string(sweep_id));
  return {sweep->id, sweep->name};
}

}  // namespace

const std::vector<std::string>& PlotKindNames() {
  static const std::vector<std::string> kNames = {"dpu", "qat", "curves", "codesign", "metric"};
  return kNames;
}

PlotKind ParsePlotKind(const std::string& name) {
  const auto& names = PlotKindNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<PlotKind>(i);
  }
  throw Error("plot: '" + name + "' is not one of dpu, qat, curves, codesign, metric");
}

std::string PlotKindName(PlotKind kind) { return PlotKindNames()[static_cast<size_t>(kind)]; }

fs::path RequireGnuplot() {
  auto found = FindTool("gnuplot");
  if (!found) {
    throw Error(
        "gnuplot is not installed (figures are drawn by it): apt-get install gnuplot-nox "
        "fonts-dejavu-core, or run scripts/setup");
  }
  return *found;
}

Figure BuildFigure(ResultStore& store, const PlotRequest& request) {
  const SweepView sweep = View(store, request.sweep_id);
  switch (request.kind) {
    case PlotKind::kDpu:
      return DpuFigure(store, request, sweep);
    case PlotKind::kQat:
      return QatFigure(store, sweep);
    case PlotKind::kCurves:
      return CurvesFigure(store, sweep);
    case PlotKind::kCodesign:
      return CodesignFigure(store, sweep);
    case PlotKind::kMetric:
      return MetricFigure(store, request, sweep);
  }
  throw Error("plot: unknown kind");
}

PlotFiles DrawFigure(const Figure& figure, const fs::path& out, const std::string& about) {
  const ImageFormat format = ImageFormatFor(out);
  RequireWritableFolder(out);
  const fs::path gnuplot = RequireGnuplot();
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  // Beside the figure, named as the user named it ("dpu.gp" for "dpu.svg").
  const fs::path stem = out.parent_path() / out.stem();
  PlotFiles files{out, fs::path(stem.string() + ".gp"), fs::path(stem.string() + ".dat")};
  const GnuplotFiles text =
      BuildGnuplot(figure, format, out.filename().string(), files.data.filename().string(), about);
  WriteOutputFile(files.data, text.data);
  WriteOutputFile(files.script, text.script);
  // "./name": a file name starting with '-' must not read as an option.
  const ToolRun run = RunTool({gnuplot.string(), "./" + files.script.filename().string()}, dir);
  if (!run.Succeeded()) {
    throw Error("gnuplot failed on " + files.script.string() + " (" + run.Describe() +
                "): " + run.output.substr(0, 2000));
  }
  std::error_code ec;
  if (!fs::is_regular_file(out, ec) || fs::file_size(out, ec) == 0) {
    throw Error("gnuplot wrote no figure to " + out.string() + ": " + run.output.substr(0, 2000));
  }
  return files;
}

PlotFiles RenderPlot(ResultStore& store, const PlotRequest& request, const fs::path& out) {
  ImageFormatFor(out);  // a wrong extension is refused before any work
  RequireWritableFolder(out);
  const Figure figure = BuildFigure(store, request);
  const auto sweep = store.SweepById(request.sweep_id);
  const std::string about = "labq plot " + PlotKindName(request.kind) + " of sweep " +
                            (sweep ? sweep->name : "?") + " (id " +
                            std::to_string(request.sweep_id) + ") from " + store.path();
  return DrawFigure(figure, out, about);
}

}  // namespace labq::viz
