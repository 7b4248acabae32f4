/// labq for people, through the real binary with fast `kind: command`
/// sweeps: reused sweep names, rm/tag/note, diff, dry runs, --set errors,
/// logs --step/--tail and the table formats.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "common/file_util.h"
#include "common/text.h"
#include "common/version.h"
#include "results/result_store.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

class LabqPeopleTest : public ::testing::Test {
 protected:
  std::string Db() const { return (tmp_.path() / "r.db").string(); }
  std::string Work() const { return (tmp_.path() / "work").string(); }

  /// Runs labq; returns exit code, output in out_/err_.
  int Labq(std::vector<std::string> args) {
    const std::string log = "cli" + std::to_string(++calls_);  // fresh files per call
    auto r = testing::RunLabqCli(tmp_.path(), Db(), args, log);
    out_ = testing::CliOutput(tmp_.path(), log, "out");
    err_ = testing::CliOutput(tmp_.path(), log, "err");
    return r.exit_code;
  }

  std::string Write(const std::string& name, const std::string& text) {
    WriteFileAtomically(tmp_.path() / name, text);
    return (tmp_.path() / name).string();
  }

  /// A sweep of `kind: command` jobs printing a metric that depends on {i}
  /// and `scale`, so two sweeps can differ in one fixed parameter.
  std::string Sweep(const std::string& name, int scale) {
    return Write(name + std::to_string(scale) + ".yaml",
                 "name: " + name + "\ndescription: squares times " + std::to_string(scale) +
                     "\ngroups:\n  - name: c\n    kind: command\n"
                     "    params: {argv: [sh, -c, \"seq 1 5; echo labq-metric value "
                     "$(({i} * {i} * {scale})) count\"], scale: " +
                     std::to_string(scale) + "}\n    grid: {i: [1, 2, 3]}\n");
  }

  int64_t RunSweep(const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", file, "--workdir", Work(), "--quiet", "--no-cache"};
    args.insert(args.end(), extra.begin(), extra.end());
    EXPECT_EQ(Labq(args), 0) << err_;
    auto sweeps = ResultStore(Db()).SweepDetails();
    return sweeps.back().id;
  }

  testing::TempDir tmp_;
  std::string out_, err_;
  int calls_ = 0;
};

TEST_F(LabqPeopleTest, DbIsAcceptedAfterTheSubcommandToo) {
  RunSweep(Sweep("g", 1));
  ASSERT_EQ(Labq({"jobs"}), 0) << err_;  // `labq --db X jobs`
  const std::string before = out_;
  SubprocessSpec spec;
  spec.argv = {testing::BinaryDir() + "/cli/labq", "jobs", "--db", Db()};
  spec.working_dir = tmp_.path();
  spec.stdout_path = tmp_.path() / "after.out";
  spec.stderr_path = tmp_.path() / "after.err";
  ASSERT_TRUE(RunSubprocess(spec).Succeeded()) << ReadFile(spec.stderr_path.string());
  EXPECT_EQ(ReadFile(spec.stdout_path.string()), before);
  EXPECT_NE(before.find("done"), std::string::npos) << before;
}

TEST_F(LabqPeopleTest, ReusedSweepNameIsAnErrorListingEachSweepUntilOneIsPicked) {
  const int64_t first = RunSweep(Sweep("p1", 1));
  const int64_t second = RunSweep(Sweep("p1", 1));
  ASSERT_EQ(Labq({"cancel", "p1"}), 2);
  EXPECT_NE(err_.find("'p1' names 2 sweeps"), std::string::npos) << err_;
  EXPECT_NE(err_.find("p1@" + std::to_string(first) + "  submitted "), std::string::npos) << err_;
  EXPECT_NE(err_.find("p1@" + std::to_string(second)), std::string::npos) << err_;
  EXPECT_NE(err_.find("done 3"), std::string::npos) << err_;
  EXPECT_EQ(Labq({"table", "dpu", "--sweep", "p1"}), 2);
  EXPECT_EQ(Labq({"jobs", "--sweep", "p1@" + std::to_string(first)}), 0) << err_;
  EXPECT_NE(out_.find("p1@" + std::to_string(first)), std::string::npos) << out_;
  EXPECT_EQ(out_.find("p1@" + std::to_string(second)), std::string::npos) << out_;
  EXPECT_EQ(Labq({"jobs", "--sweep", "p1@999"}), 2);
  // A job name both sweeps have: show, logs and retry refuse to guess.
  EXPECT_EQ(Labq({"show", "c_1"}), 2);
  EXPECT_NE(err_.find("job 'c_1' is in 2 sweeps"), std::string::npos) << err_;
  EXPECT_EQ(Labq({"logs", "c_1"}), 2);
  EXPECT_EQ(Labq({"show", "c_1", "--sweep-id", std::to_string(second)}), 0) << err_;
  EXPECT_NE(out_.find("of sweep p1@" + std::to_string(second)), std::string::npos) << out_;
  EXPECT_EQ(Labq({"retry", "c_1", "--sweep", "p1@" + std::to_string(first)}), 0) << err_;
}

TEST_F(LabqPeopleTest, RmDeletesRowsAndDirectoriesOfOneSweepOnly) {
  const int64_t keep = RunSweep(Sweep("keep", 1));
  const int64_t gone = RunSweep(Sweep("gone", 2));
  const auto gone_dir = std::filesystem::path(Work()) / ("gone-" + std::to_string(gone));
  const auto keep_dir = std::filesystem::path(Work()) / ("keep-" + std::to_string(keep));
  ASSERT_TRUE(std::filesystem::is_directory(gone_dir));
  EXPECT_EQ(Labq({"tag", "gone", "baseline"}), 0) << err_;
  EXPECT_EQ(Labq({"note", "gone", "first try"}), 0) << err_;
  EXPECT_EQ(Labq({"sweeps", "--format", "csv"}), 0) << err_;
  EXPECT_NE(out_.find(",gone,squares times 2,baseline,"), std::string::npos) << out_;
  EXPECT_NE(out_.find("first try"), std::string::npos) << out_;

  // Without --yes and without a terminal, nothing goes.
  EXPECT_EQ(Labq({"rm", "gone"}), 2);
  EXPECT_NE(err_.find("--yes"), std::string::npos) << err_;
  EXPECT_TRUE(std::filesystem::is_directory(gone_dir));
  EXPECT_EQ(Labq({"rm", "gone", "--yes"}), 0) << err_;
  EXPECT_FALSE(std::filesystem::exists(gone_dir));
  EXPECT_TRUE(std::filesystem::is_directory(keep_dir));
  ResultStore store(Db());
  EXPECT_FALSE(store.SweepById(gone));
  EXPECT_TRUE(store.Jobs(gone).empty());
  sql::Database db(Db());
  for (const char* table : {"metrics", "job_texts", "sweep_tags"}) {
    sql::Statement q(db,
                     std::string("SELECT COUNT(*) FROM ") + table + " WHERE " +
                         (std::string(table) == "sweep_tags" ? "sweep_id" : "job_id") +
                         (std::string(table) == "sweep_tags" ? " = " + std::to_string(gone)
                                                             : " NOT IN (SELECT id FROM jobs)"));
    ASSERT_TRUE(q.Step());
    EXPECT_EQ(q.Int(0), 0) << table;
  }
  EXPECT_EQ(store.Counts(keep).Count(JobState::kDone), 3);
  EXPECT_EQ(store.Metrics(store.Jobs(keep).at(0).id).size(), 1u);
}

TEST_F(LabqPeopleTest, DiffMatchesJobsByParametersWithDeltasAndPercent) {
  RunSweep(Sweep("a", 1));
  RunSweep(Sweep("b", 2));
  ASSERT_EQ(Labq({"diff", "a", "b", "--format", "csv"}), 0) << err_;
  EXPECT_NE(err_.find("scale: 1 -> 2"), std::string::npos) << err_;
  // value = i*i*scale: i=3 gives 9 in A, 18 in B, +9, +100 %.
  EXPECT_NE(out_.find("command i=3,value,count,9,18,9,100\r\n"), std::string::npos) << out_;
  EXPECT_NE(out_.find("command i=1,value,count,1,2,1,100\r\n"), std::string::npos) << out_;
}

TEST_F(LabqPeopleTest, DryRunShowsJobsAndCacheHitsAndWritesNothing) {
  const std::string file = Sweep("dry", 1);
  ASSERT_EQ(Labq({"run", file, "--dry-run", "--workdir", Work()}), 0) << err_;
  EXPECT_NE(out_.find("3 jobs (dry run"), std::string::npos) << out_;
  EXPECT_NE(out_.find("c_2"), std::string::npos) << out_;
  EXPECT_NE(out_.find("3 would run, 0 from the cache (no database"), std::string::npos) << out_;
  EXPECT_FALSE(std::filesystem::exists(Db()));
  EXPECT_FALSE(std::filesystem::exists(Work()));
  // After a real run, a dry run of the same file says the cache answers it.
  ASSERT_EQ(Labq({"run", file, "--quiet", "--workdir", Work()}), 0) << err_;
  ASSERT_EQ(Labq({"submit", file, "-n"}), 0) << err_;
  EXPECT_NE(out_.find("0 would run, 3 from the cache"), std::string::npos) << out_;
  EXPECT_EQ(ResultStore(Db()).SweepDetails().size(), 1u);
}

TEST_F(LabqPeopleTest, SetOverridesAreValidatedAndLocatedOnTheCommandLine) {
  const std::string file = Sweep("over", 1);
  EXPECT_EQ(Labq({"run", file, "--set", "timeout_s=-3", "--workdir", Work()}), 2);
  EXPECT_NE(err_.find("<command line>: --set timeout_s: -3 is out of range"), std::string::npos)
      << err_;
  EXPECT_EQ(Labq({"run", file, "--set", "timeout=5"}), 2);
  EXPECT_NE(err_.find("<command line>: --set timeout: is not a parameter of any job kind (did "
                      "you mean 'timeout_s'?)"),
            std::string::npos)
      << err_;
  EXPECT_EQ(Labq({"run", file, "--set", "i=4"}), 2);
  EXPECT_NE(err_.find("--set i: is swept by groups[0]"), std::string::npos) << err_;
  EXPECT_EQ(Labq({"run", file, "--set", "noequals"}), 2);
  EXPECT_NE(err_.find("<command line>: --set: 'noequals' is not KEY=VALUE"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(Db()));
  const int64_t id = RunSweep(file, {"--set", "scale=10", "--set", "name=scaled"});
  ResultStore store(Db());
  EXPECT_EQ(store.SweepById(id)->name, "scaled");
  for (const auto& job : store.Jobs(id)) {
    const int i = job.params["i"];
    EXPECT_EQ(store.Metrics(job.id).at(0).value, i * i * 10);
  }
}

TEST_F(LabqPeopleTest, MisspelledKeysAndStatesSayWhatWasMeant) {
  const std::string file = Write("typo.yaml",
                                 "name: typo\ndefaults: {liberty: osu018}\ngroups:\n"
                                 "  - name: d\n    kind: dpu\n    parms: {n: 8}\n");
  EXPECT_EQ(Labq({"run", file}), 2);
  EXPECT_NE(err_.find("groups[0].parms: unknown key (did you mean 'params'?)"), std::string::npos)
      << err_;
  EXPECT_EQ(Labq({"run", Write("t2.yaml", "name: t\ndefaults: {libery: osu018}\ngroups: []\n")}),
            2);
  EXPECT_NE(err_.find("(did you mean 'liberty'?)"), std::string::npos) << err_;
  RunSweep(Sweep("s", 1));
  EXPECT_EQ(Labq({"jobs", "--state", "bogus"}), 2);
  EXPECT_NE(err_.find("'bogus' is not one of queued, running, done, cached, failed, timeout, "
                      "skipped, cancelled"),
            std::string::npos)
      << err_;
}

/// Issue 9: a sweep with a timed-out job printed "1 done, 0 failed, ... of 2"
/// and exited 1 with no reason; `labq sweeps` counted it nowhere.
TEST_F(LabqPeopleTest, TimedOutJobIsCountedAndGivenAsTheReason) {
  const std::string file = Write("to.yaml",
                                 "name: to\ngroups:\n  - name: s\n    kind: command\n"
                                 "    params: {argv: [sleep, \"{i}\"], timeout_s: 0.5}\n"
                                 "    grid: {i: [0, 30]}\n");
  EXPECT_EQ(Labq({"run", file, "--workdir", Work(), "--quiet", "--no-cache"}), 1) << err_;
  EXPECT_NE(err_.find("1 done, 0 failed, 1 timeout, 0 skipped, 0 cancelled, 0 queued, 0 running "
                      "of 2"),
            std::string::npos)
      << err_;
  EXPECT_NE(err_.find("\ntimeout s_30: "), std::string::npos) << err_;
  EXPECT_NE(err_.find("labq: 1 timed out; exit 1"), std::string::npos) << err_;
  ASSERT_EQ(Labq({"sweeps", "--columns", "name,jobs,done,failed,other", "--format", "csv"}), 0)
      << err_;
  EXPECT_EQ(out_, "name,jobs,done,failed,other\r\nto,2,1,1,0\r\n");
  ASSERT_EQ(Labq({"jobs", "--state", "timeout", "--columns", "name,state", "--format", "csv"}), 0)
      << err_;
  EXPECT_EQ(out_, "name,state\r\ns_30,timeout\r\n");
  Labq({"jobs", "--help"});
  EXPECT_NE((out_ + err_).find("queued|running|done|cached|failed|timeout|skipped|cancelled"),
            std::string::npos)
      << out_ << err_;
}

TEST_F(LabqPeopleTest, VersionAndUnknownCommandNamed) {
  ASSERT_EQ(Labq({"--version"}), 0) << err_;
  EXPECT_EQ(out_, std::string("labq ") + kVersion + "\n");
  EXPECT_EQ(std::count(out_.begin(), out_.end(), '.'), 2) << out_;  // MAJOR.MINOR.PATCH
  SubprocessSpec spec;
  spec.argv = {testing::BinaryDir() + "/orchestrator/labd", "--version"};
  spec.working_dir = tmp_.path();
  spec.stdout_path = tmp_.path() / "labd.out";
  spec.stderr_path = tmp_.path() / "labd.err";
  ASSERT_TRUE(RunSubprocess(spec).Succeeded()) << ReadFile(spec.stderr_path.string());
  EXPECT_EQ(ReadFile(spec.stdout_path.string()), std::string("labd ") + kVersion + "\n");
  EXPECT_EQ(Labq({"diff2", "a", "b"}), 2);
  EXPECT_NE(err_.find("labq: unknown command 'diff2' (did you mean 'diff'?)"), std::string::npos)
      << err_;
  EXPECT_EQ(Labq({"frobnicate"}), 2);
  EXPECT_NE(err_.find("labq: unknown command 'frobnicate' (labq --help lists them)"),
            std::string::npos)
      << err_;
  // No word at all is still CLI11's own message.
  EXPECT_NE(Labq({}), 0);
  EXPECT_NE(err_.find("A subcommand is required"), std::string::npos) << err_;
}

TEST_F(LabqPeopleTest, LogsStepAndTail) {
  RunSweep(Sweep("logs", 1));
  ASSERT_EQ(Labq({"logs", "c_1", "--step", "command", "--tail", "2"}), 0) << err_;
  EXPECT_EQ(out_, "==> command.stdout <==\n5\nlabq-metric value 1 count\n");
  ASSERT_EQ(Labq({"logs", "c_1", "--tail", "1"}), 0) << err_;
  EXPECT_NE(out_.find("==> command.stdout <==\nlabq-metric value 1 count\n"), std::string::npos)
      << out_;
  EXPECT_EQ(Labq({"logs", "c_1", "--step", "yosys"}), 2);
  // No runner.log: the shepherd runs the job, its own output goes to labd's stderr.
  EXPECT_NE(err_.find("has no step 'yosys' (steps: command)"), std::string::npos) << err_;
}

TEST_F(LabqPeopleTest, TablesAndExportsInEveryFormatRounded) {
  const int64_t id = RunSweep(Sweep("fmt", 7));
  ASSERT_EQ(Labq({"export", "metrics", "--long", "--sweep", "fmt"}), 0) << err_;
  auto lines = SplitLines(out_);
  ASSERT_EQ(lines.size(), 4u) << out_;
  EXPECT_EQ(lines[0],
            "job_id,job,sweep,sweep_id,kind,state,argv,i,retries,scale,timeout_s,metric,"
            "epoch,value,unit");
  EXPECT_NE(lines[3].find(",fmt," + std::to_string(id) + ",command,done,"), std::string::npos);
  EXPECT_NE(lines[3].find(",3,0,7,3600,value,,63,count"), std::string::npos) << lines[3];
  ASSERT_EQ(Labq({"params", "dpu", "--format", "markdown"}), 0) << err_;
  EXPECT_NE(out_.find("| dpu | clock_period_ns | number 0.001…1000000 \\| auto \\| lab | auto |"),
            std::string::npos)
      << out_;
  ASSERT_EQ(Labq({"completion", "bash"}), 0) << err_;
  EXPECT_NE(out_.find("complete -o default -F _labq labq"), std::string::npos);
  EXPECT_NE(out_.find("--dry-run"), std::string::npos);
  ASSERT_EQ(Labq({"jobs", "--format", "json"}), 0) << err_;
  auto j = nlohmann::json::parse(out_);
  EXPECT_EQ(j["columns"][6]["name"], "wall_s");
  EXPECT_EQ(j["columns"][6]["unit"], "s");
  EXPECT_EQ(j["rows"].size(), 3u);
  ASSERT_EQ(Labq({"jobs", "--columns", "name,state", "--format", "csv"}), 0) << err_;
  EXPECT_EQ(out_.substr(0, 22), "name,state\r\nc_1,done\r\n");
  EXPECT_EQ(Labq({"jobs", "--columns", "name,stat"}), 2);
  EXPECT_NE(err_.find("no column 'stat' (did you mean 'state'?)"), std::string::npos) << err_;
  EXPECT_EQ(Labq({"table", "qat", "--format", "xml"}), 2);
  EXPECT_NE(err_.find("not one of table, csv, json, markdown, latex"), std::string::npos);
}

TEST_F(LabqPeopleTest, ParamsReferenceInDocsMatchesTheSchema) {
  ASSERT_EQ(Labq({"params", "--format", "markdown"}), 0) << err_;
  EXPECT_NE(ReadFile(testing::SourceDir() + "/docs/params.md").find(out_), std::string::npos)
      << "docs/params.md is stale; regenerate the table with labq params --format markdown";
}

// A synth job that succeeded without one of the metrics the DPU table shows:
// people see n/a and a warning naming the metric and the job; CSV keeps an
// empty cell (stdout stays machine-readable) with the same warning on stderr.
TEST_F(LabqPeopleTest, TableNamesAMetricASuccessfulJobLacks) {
  {
    ResultStore store(Db());
    ::labq::Sweep s;
    s.name = "lacks";
    s.jobs = {{"s_4", "synth", "g", {{"n", 4}, {"mode", "full"}}, {}}};
    const int64_t id = store.AddSweep(s);
    auto job = store.ClaimRunnable(id, Work());
    JobCompletion c;
    c.state = JobState::kDone;
    c.metrics = {{"clock_period", 2, "ns"}, {"slack", 0.1, "ns"}, {"area", 900, "um^2"}};
    ASSERT_TRUE(store.FinishJob(job->id, c));
  }
  const std::string warning =
      "labq: warning: table dpu: metric 'power_total' (column power_mW) is missing for 1 job "
      "that succeeded: s_4; shown as n/a";
  ASSERT_EQ(Labq({"table", "dpu", "--columns", "job,area_um2,power_mW"}), 0) << err_;
  EXPECT_NE(out_.find("n/a"), std::string::npos) << out_;
  EXPECT_NE(err_.find(warning), std::string::npos) << err_;
  ASSERT_EQ(Labq({"table", "dpu", "--columns", "job,area_um2,power_mW", "--format", "csv"}), 0)
      << err_;
  EXPECT_NE(out_.find("s_4,900,\r\n"), std::string::npos) << out_;
  EXPECT_EQ(out_.find("n/a"), std::string::npos) << out_;
  EXPECT_NE(err_.find(warning), std::string::npos) << err_;
}

}  // namespace
}  // namespace labq
