#pragma once
/// Paths tests need: the source tree, the build tree and the optional real
/// report fixtures that exist only beside a checkout on our machines.

#include <filesystem>
#include <string>

namespace labq::testing {

/// ../shared/fixtures/real_reports, or "" when it is absent. Tests that need it
/// call GTEST_SKIP() with a message naming the missing folder.
std::string RealReportsDir();
std::string SourceDir();
std::string BinaryDir();
/// A fresh, empty temporary directory removed when the returned object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace labq::testing

/// Skips the current test with a message when the real reports are missing.
#define LABQ_REQUIRE_REAL_REPORTS()                                                          \
  do {                                                                                       \
    if (::labq::testing::RealReportsDir().empty())                                           \
      GTEST_SKIP() << "../shared/fixtures/real_reports is absent; real-report test skipped"; \
  } while (0)
