/// The lab's six DPU configurations (N 8/128 x full/msb/lsb, 8-bit unsigned
/// inputs, out_bits 8) must not move when labq learns other DPU variants:
/// their Verilog, their testbench and vectors, and the parameters their jobs
/// store (which, with the unchanged templates, fix their cache keys) are
/// compared byte for byte with jobs/testdata/dpu_lab/, written by labq
/// before the sign-magnitude variant existed. LABQ_WRITE_TESTDATA=1 rewrites
/// the files instead (only for a deliberate change of the lab's DPU).

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/dpu_kind.h"
#include "jobs/dpu_rtl.h"
#include "jobs/dpu_testbench.h"
#include "jobs/kind_registry.h"
#include "sweep/sweep_parser.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

namespace fs = std::filesystem;

fs::path TestdataDir() { return fs::path(testing::SourceDir()) / "jobs/testdata/dpu_lab"; }

bool Rewriting() {
  const char* env = std::getenv("LABQ_WRITE_TESTDATA");
  return env != nullptr && std::string(env) == "1";
}

/// Compares `text` with the committed file `name` (or rewrites it).
void ExpectSameAsCommitted(const std::string& name, const std::string& text) {
  const fs::path path = TestdataDir() / name;
  if (Rewriting()) {
    fs::create_directories(path.parent_path());
    WriteFileAtomically(path, text);
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path;
  EXPECT_TRUE(ReadFile(path.string()) == text)
      << name << " differs from the lab's committed " << path;
}

std::vector<DpuDesign> LabDesigns() {
  std::vector<DpuDesign> designs;
  for (int n : {8, 128}) {
    for (DpuMode mode : {DpuMode::kFull, DpuMode::kMsb, DpuMode::kLsb}) {
      DpuDesign d;
      d.n = n;
      d.mode = mode;
      d.out_bits = 8;
      designs.push_back(d);
    }
  }
  return designs;
}

TEST(DpuLabRender, TheSixLabConfigurationsRenderAsBefore) {
  for (const DpuDesign& d : LabDesigns()) {
    SCOPED_TRACE(d.ModuleName());
    ExpectSameAsCommitted(d.FileName(), RenderDpuVerilog(d));
  }
}

TEST(DpuLabRender, TheirTestbenchesAndVectorsAreAsBefore) {
  for (const DpuDesign& d : LabDesigns()) {
    SCOPED_TRACE(d.ModuleName());
    testing::TempDir tmp;
    WriteDpuTestbench(d, MakeDpuVectors(d, 4, 1), tmp.path());
    const std::string stem = "dpu_" + std::to_string(d.n) + "_" + d.ModeName();
    for (const char* file : {"labq_tb.v", "vectors_a.hex", "vectors_b.hex", "vectors_y.hex"}) {
      ExpectSameAsCommitted(stem + "_tb/" + file, ReadFile((tmp.path() / file).string()));
    }
  }
}

/// The jobs configs/lab2_part1.yaml expands to: names, kinds, dependencies
/// and every stored parameter (the cache key's params).
TEST(DpuLabRender, TheLabSweepStoresTheSameJobParams) {
  const std::string path = testing::SourceDir() + "/configs/lab2_part1.yaml";
  const Sweep sweep = ParseSweep(BuiltinKinds(), ReadFile(path), path);
  nlohmann::json jobs = nlohmann::json::array();
  for (const JobSpec& job : sweep.jobs) {
    jobs.push_back({{"name", job.name},
                    {"kind", job.kind},
                    {"depends_on", job.depends_on},
                    {"params", job.params}});
  }
  ExpectSameAsCommitted("lab2_part1_jobs.json", jobs.dump(2) + "\n");
  // Their cache inputs gain nothing either: only other designs add the
  // dpu_ab templates' hash (jobs/dpu_rtl.h DpuTemplateInputs).
  for (const JobSpec& job : sweep.jobs) {
    EXPECT_EQ(DpuTemplateInputs(DpuParams::From(job.params).Design()), "") << job.name;
  }
  DpuDesign sm;
  sm.n = 8;
  sm.b_format = BFormat::kSignMagnitude;
  EXPECT_NE(DpuTemplateInputs(sm), "");
}

}  // namespace
}  // namespace labq
