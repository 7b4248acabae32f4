#include "viz/svg_renderer.h"

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <memory>
#include <thread>

#include "common/error.h"
#include "results/result_store.h"
#include "viz/plot.h"

namespace labq::viz {
namespace {

/// A fresh folder under $TMPDIR, removed with its figures on destruction.
class FigureFolder {
 public:
  FigureFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "labq-figures-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Error("cannot create a folder for figures in $TMPDIR");
    path_ = pattern;
  }
  ~FigureFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  FigureFolder(const FigureFolder&) = delete;
  FigureFolder& operator=(const FigureFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::optional<std::filesystem::path> Draw(const std::string& db_path,
                                          const std::filesystem::path& folder,
                                          const std::string& sweep, const std::string& kind) {
  try {
    PlotRequest request;
    request.kind = ParsePlotKind(kind);
    request.sweep_id = std::stoll(sweep);
    // One file per serving thread: two requests for one figure never write
    // the same file, and the file stays until that thread's next figure.
    const auto thread = std::hash<std::thread::id>{}(std::this_thread::get_id());
    const auto out = folder / (sweep + "-" + kind + "-" + std::to_string(thread) + ".svg");
    auto store = ResultStore::OpenReadOnly(db_path);
    return RenderPlot(*store, request, out).figure;
  } catch (const std::exception&) {
    return std::nullopt;  // the dashboard answers 404 naming the figure
  }
}

}  // namespace

SvgRenderer MakeSvgRenderer(std::string db_path) {
  auto folder = std::make_shared<FigureFolder>();
  return [db_path = std::move(db_path), folder](const std::string& sweep, const std::string& kind) {
    return Draw(db_path, folder->path(), sweep, kind);
  };
}

}  // namespace labq::viz
