#include "jobs/step_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "common/file_util.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

namespace fs = std::filesystem;

struct Dirs {
  testing::TempDir tmp;
  fs::path store = tmp.path() / "steps";
  fs::path a = tmp.path() / "a";
  fs::path b = tmp.path() / "b";
  Dirs() {
    fs::create_directories(a);
    fs::create_directories(b);
  }
};

TEST(StepStore, SavedFilesComeBackIntoAnotherJobDirectory) {
  Dirs d;
  StepStore store(d.store);
  const StepKey key{"yosys", "rtl=1\nliberty=2\n"};
  WriteFileAtomically(d.a / "netlist.v", "module m; endmodule\n");
  WriteFileAtomically(d.a / "stat.rpt", "area 3\n");
  EXPECT_FALSE(store.Restore(key, d.b, {"netlist.v", "stat.rpt"}));
  EXPECT_TRUE(store.Save(key, d.a, {"netlist.v", "stat.rpt"}));
  EXPECT_TRUE(store.Restore(key, d.b, {"netlist.v", "stat.rpt"}));
  EXPECT_EQ(ReadFile((d.b / "netlist.v").string()), "module m; endmodule\n");
  EXPECT_EQ(ReadFile((d.b / "stat.rpt").string()), "area 3\n");
  // The manifest says what the entry was keyed on.
  EXPECT_TRUE(Contains(ReadFile((store.EntryDir(key) / "step.txt").string()), "liberty=2"));
}

TEST(StepStore, AnotherInputIsAnotherEntry) {
  Dirs d;
  StepStore store(d.store);
  WriteFileAtomically(d.a / "sta_power.rpt", "0.1\n");
  ASSERT_TRUE(store.Save({"power", "activity=global 0.1\n"}, d.a, {"sta_power.rpt"}));
  EXPECT_FALSE(store.Restore({"power", "activity=global 0.2\n"}, d.b, {"sta_power.rpt"}));
  // Same material, another step: not the same entry either.
  EXPECT_FALSE(store.Restore({"timing", "activity=global 0.1\n"}, d.b, {"sta_power.rpt"}));
  EXPECT_FALSE(fs::exists(d.b / "sta_power.rpt"));
}

TEST(StepStore, AnEntryMissingAFileIsNotRestored) {
  Dirs d;
  StepStore store(d.store);
  const StepKey key{"yosys", "x\n"};
  WriteFileAtomically(d.a / "netlist.v", "n\n");
  ASSERT_TRUE(store.Save(key, d.a, {"netlist.v"}));
  EXPECT_FALSE(store.Restore(key, d.b, {"netlist.v", "netlist.json"}));
  // A file the step did not write fails the save and leaves no entry or temporary.
  const StepKey other{"yosys", "y\n"};
  EXPECT_FALSE(store.Save(other, d.a, {"netlist.v", "absent.rpt"}));
  EXPECT_FALSE(fs::exists(store.EntryDir(other)));
  for (const auto& e : fs::directory_iterator(d.store)) {
    EXPECT_FALSE(StartsWith(e.path().filename().string(), ".tmp-")) << e.path();
  }
}

TEST(StepStore, ConcurrentSavesOfOneStepLeaveOneCompleteEntry) {
  Dirs d;
  StepStore store(d.store);
  const StepKey key{"timing", "netlist=abc\n"};
  std::vector<std::thread> savers;
  for (int i = 0; i < 8; ++i) {
    const fs::path dir = d.tmp.path() / ("job" + std::to_string(i));
    fs::create_directories(dir);
    WriteFileAtomically(dir / "sta_checks.rpt", std::string(100000, 'x'));
    savers.emplace_back(
        [&store, &key, dir] { EXPECT_TRUE(store.Save(key, dir, {"sta_checks.rpt"})); });
  }
  for (auto& t : savers) t.join();
  ASSERT_TRUE(store.Restore(key, d.b, {"sta_checks.rpt"}));
  EXPECT_EQ(ReadFile((d.b / "sta_checks.rpt").string()).size(), 100000u);
  int entries = 0;
  for (const auto& e : fs::directory_iterator(d.store)) {
    ++entries;
    EXPECT_EQ(e.path(), store.EntryDir(key));
  }
  EXPECT_EQ(entries, 1);
}

TEST(StepStore, RunOrReuseStepRunsOnceAndLogsBoth) {
  Dirs d;
  StepStore store(d.store);
  StepLog log;
  int runs = 0;
  const StepKey key{"power", "activity=default\n"};
  for (const fs::path& dir : {d.a, d.b}) {
    RunOrReuseStep(store, log, key, dir, {"sta_power.rpt"}, [&] {
      ++runs;
      WriteFileAtomically(dir / "sta_power.rpt", "power\n");
    });
  }
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(StepLog::Join(log.run), "power");
  EXPECT_EQ(StepLog::Join(log.reused), "power");
  EXPECT_EQ(ReadFile((d.b / "sta_power.rpt").string()), "power\n");
}

TEST(StepStore, ADisabledStoreAlwaysRuns) {
  Dirs d;
  StepStore store{fs::path()};
  StepLog log;
  int runs = 0;
  for (int i = 0; i < 2; ++i) {
    RunOrReuseStep(store, log, {"yosys", "x\n"}, d.a, {"netlist.v"}, [&] {
      ++runs;
      WriteFileAtomically(d.a / "netlist.v", "n\n");
    });
  }
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(StepLog::Join(log.reused), "none");
}

}  // namespace
}  // namespace labq
