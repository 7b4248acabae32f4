#include "tests/test_paths.h"

#include <cstdlib>
#include <random>
#include <system_error>

namespace labq::testing {

std::string RealReportsDir() {
  const char* override_dir = std::getenv("LABQ_REAL_REPORTS");
  std::filesystem::path dir = override_dir ? override_dir : LABQ_SHARED_FIXTURES;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return dir.string();
  return "";
}

std::string SourceDir() { return LABQ_SOURCE_DIR; }
std::string BinaryDir() { return LABQ_BINARY_DIR; }

TempDir::TempDir() {
  std::random_device rd;
  auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("labq-test-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      path_ = candidate;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory under " + base.string());
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace labq::testing
