#include "orchestrator/slurm_client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "common/error.h"
#include "common/text.h"
#include "tests/test_paths.h"

// Tests named SlurmLive.* and SlurmSlow.* need a running SLURM: start one with
//   eval "$(scripts/local-slurm start)"
// They use $SLURM_CONF and are skipped when it is unset or sinfo does not answer.
// SlurmSlow.* waits for SLURM's time limit (60-100 s) and carries the `slow` label.

namespace labq {
namespace {

using namespace std::chrono_literals;

std::filesystem::path WriteScript(const std::filesystem::path& dir, const std::string& name,
                                  const std::string& body) {
  const auto path = dir / name;
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  return path;
}

// ---------------------------------------------------------------------------
// Parsing and state mapping on fixed strings: no SLURM needed.

constexpr const char* kCompleted =
    "JobId=12 JobName=dpu_8_full.synth UserId=root(0) GroupId=root(0) MCS_label=N/A "
    "Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=COMPLETED Reason=None "
    "Dependency=(null) Requeue=0 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:01 "
    "TimeLimit=UNLIMITED TimeMin=N/A SubmitTime=2026-11-28T06:30:47 Partition=debug "
    "AllocNode:Sid=localhost:22190 ReqB:S:C:T=0:0:*:* CPUs/Task=1 "
    "Command=/tmp/job/run.sh WorkDir=/tmp/job StdErr=/tmp/job/slurm.err StdIn=/dev/null "
    "StdOut=/tmp/job/slurm.out Power= ";

TEST(SlurmParse, ScontrolCompletedJob) {
  SlurmJobState s;
  EXPECT_EQ(ParseScontrolJobLine(kCompleted, s), "12");
  EXPECT_EQ(s.state, "COMPLETED");
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(s.signal, 0);
  EXPECT_EQ(s.reason, "None");
  EXPECT_EQ(LabqStateFor(s).state, JobState::kDone);
  EXPECT_TRUE(LabqStateFor(s).Final());
}

TEST(SlurmParse, ScontrolFailedJobKeepsExitCodeAndReason) {
  SlurmJobState s;
  ParseScontrolJobLine(
      "JobId=7 JobName=s.sh JobState=FAILED Reason=NonZeroExitCode Dependency=(null) "
      "ExitCode=3:0 RunTime=00:00:00",
      s);
  EXPECT_EQ(s.state, "FAILED");
  EXPECT_EQ(s.exit_code, 3);
  EXPECT_EQ(s.signal, 0);
  EXPECT_EQ(s.reason, "NonZeroExitCode");
  const auto labq = LabqStateFor(s);
  EXPECT_EQ(labq.state, JobState::kFailed);
  EXPECT_EQ(labq.detail, "FAILED, exit 3 (NonZeroExitCode)");
}

TEST(SlurmParse, ScontrolTimeoutCancelledAndSignal) {
  SlurmJobState s;
  ParseScontrolJobLine("JobId=9 JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15", s);
  EXPECT_EQ(s.signal, 15);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kTimeout);
  EXPECT_EQ(LabqStateFor(s).detail, "TIMEOUT, signal 15 (TimeLimit)");
  ParseScontrolJobLine("JobId=10 JobState=CANCELLED Reason=None ExitCode=0:15", s);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kCancelled);
  ParseScontrolJobLine("JobId=11 JobState=FAILED Reason=JobLaunchFailure ExitCode=0:11", s);
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(s.signal, 11);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kFailed);
  ParseScontrolJobLine("JobId=12 JobState=OUT_OF_MEMORY Reason=OutOfMemory ExitCode=0:125", s);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kFailed);
  ParseScontrolJobLine("JobId=13 JobState=NODE_FAIL Reason=NodeDown ExitCode=0:0", s);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kFailed);
}

TEST(SlurmParse, ScontrolPendingAndRunningAreNotFinal) {
  SlurmJobState s;
  ParseScontrolJobLine("JobId=5 JobState=PENDING Reason=Resources ExitCode=0:0", s);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kQueued);
  EXPECT_EQ(LabqStateFor(s).detail, "PENDING (Resources)");
  EXPECT_FALSE(LabqStateFor(s).Final());
  ParseScontrolJobLine("JobId=5 JobState=COMPLETING Reason=None ExitCode=0:0", s);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kRunning);
  ParseScontrolJobLine("JobId=5 JobState=SOME_NEW_STATE Reason=None ExitCode=0:0", s);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kRunning);
  EXPECT_FALSE(LabqStateFor(s).Final());
}

TEST(SlurmParse, ScontrolValueWithSpacesAndFirstKeyWins) {
  SlurmJobState s;
  EXPECT_EQ(ParseScontrolJobLine("JobId=21 JobName=my job name JobState=RUNNING Reason=None "
                                 "ExitCode=0:0 Comment=pretend JobState=COMPLETED",
                                 s),
            "21");
  EXPECT_EQ(s.state, "RUNNING");
}

TEST(SlurmParse, ScontrolLineWithoutStateIsAnError) {
  SlurmJobState s;
  EXPECT_THROW(ParseScontrolJobLine("slurm_load_jobs error: Invalid job id specified", s), Error);
  EXPECT_THROW(ParseScontrolJobLine("JobId=4 JobName=x", s), Error);
  EXPECT_THROW(ParseScontrolJobLine("", s), Error);
}

TEST(SlurmParse, SqueueRowsDecodeTheWaitStatus) {
  const auto jobs = ParseSqueueOutput(
      "1|FAILED|768|NonZeroExitCode|\n"
      "2|COMPLETED|0|None|\n"
      "3|CANCELLED|15|None|\n"
      "4|FAILED|11|JobLaunchFailure|\n"
      "5|PENDING|0|ReqNodeNotAvail, UnavailableNodes:vm|\n"
      "garbage line\n");
  ASSERT_EQ(jobs.size(), 5u);
  EXPECT_EQ(jobs.at("1").exit_code, 3);
  EXPECT_EQ(jobs.at("1").signal, 0);
  EXPECT_EQ(jobs.at("1").reason, "NonZeroExitCode");
  EXPECT_EQ(jobs.at("2").state, "COMPLETED");
  EXPECT_EQ(jobs.at("3").signal, 15);
  EXPECT_EQ(jobs.at("4").signal, 11);
  EXPECT_EQ(jobs.at("5").reason, "ReqNodeNotAvail, UnavailableNodes:vm");
}

TEST(SlurmParse, UnknownJobIsFailedWithAnExplanation) {
  SlurmJobState s;
  s.state = "UNKNOWN";
  const auto labq = LabqStateFor(s);
  EXPECT_EQ(labq.state, JobState::kFailed);
  EXPECT_TRUE(Contains(labq.detail, "no longer knows"));
}

// ---------------------------------------------------------------------------
// Option validation: no SLURM needed.

std::string RejectionOf(const SlurmOptions& o) {
  try {
    ValidateSlurmOptions(o);
  } catch (const SlurmOptionError& e) {
    return e.what();
  }
  return "";
}

SlurmOptions WithExtra(std::string arg) {
  SlurmOptions o;
  o.extra_args = {std::move(arg)};
  return o;
}

TEST(SlurmOptionsCheck, GoodOptionsMakeTheseArguments) {
  SlurmOptions o;
  o.partition = "debug,gpu";
  o.account = "lab2";
  o.qos = "normal";
  o.time = "1-02:00:00";
  o.mem = "4G";
  o.gres = "gpu:a100:1";
  o.cpus = 4;
  o.extra_args = {"--exclusive", "--constraint=avx2", "--export=ALL,LABQ_X=1",
                  "--mail-user=me@lab.org", "--signal=B:USR1@60"};
  EXPECT_NO_THROW(ValidateSlurmOptions(o));
  EXPECT_EQ(
      SlurmOptionArgs(o),
      (std::vector<std::string>{
          "--partition=debug,gpu", "--account=lab2", "--qos=normal", "--time=1-02:00:00",
          "--mem=4G", "--gres=gpu:a100:1", "--cpus-per-task=4", "--exclusive", "--constraint=avx2",
          "--export=ALL,LABQ_X=1", "--mail-user=me@lab.org", "--signal=B:USR1@60"}));
  EXPECT_TRUE(SlurmOptionArgs(SlurmOptions{}).empty());
}

TEST(SlurmOptionsCheck, TimeFormats) {
  for (const char* good : {"1", "30", "90:30", "2:00:00", "1-0", "1-12", "1-12:30", "7-00:00:00"}) {
    SlurmOptions o;
    o.time = good;
    EXPECT_EQ(RejectionOf(o), "") << good;
  }
  for (const char* bad : {"0", "0:00", "abc", "1h", "-5", "1:99", "1:60:00", "1-25:00:00", "1--2",
                          "1-", "30 ", "UNLIMITED", "1:2:3:4"}) {
    SlurmOptions o;
    o.time = bad;
    EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.time: ")) << bad << ": " << RejectionOf(o);
  }
}

TEST(SlurmOptionsCheck, BadMemGresNamesAndCpus) {
  for (const char* bad : {"0", "4X", "-1G", "4 G", "4GB", "1.5G", "G", "4G;rm"}) {
    SlurmOptions o;
    o.mem = bad;
    EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.mem: ")) << bad;
  }
  SlurmOptions o;
  o.gres = "gpu:1;reboot";
  EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.gres: "));
  o = {};
  o.partition = "debug --wrap=x";
  EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.partition: "));
  o = {};
  o.account = "a,b";
  EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.account: "));
  o = {};
  o.qos = "-x";
  EXPECT_EQ(RejectionOf(o), "");  // a plain name; sbatch gets --qos=-x as one argument
  o.qos = "$(id)";
  EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.qos: "));
  o = {};
  o.cpus = -1;
  EXPECT_TRUE(StartsWith(RejectionOf(o), "slurm.cpus: "));
}

TEST(SlurmOptionsCheck, UnsafeExtraArgumentsAreRefused) {
  for (const char* bad : {"-o", "-p debug", "--comment=$(rm -rf /)", "--comment=a b",
                          "--comment='x'", "--comment=a;b", "--Comment=x", "--comment=x\ny",
                          "--comment=`id`", "--", "---x", "--x y", "--comment=~/x"}) {
    const auto why = RejectionOf(WithExtra(bad));
    EXPECT_TRUE(StartsWith(why, "slurm.extra_args[0]: ")) << bad << ": " << why;
  }
  // Options labq owns or that have their own key, and abbreviations of them.
  for (const char* bad : {"--output=/etc/passwd",
                          "--out=x",
                          "--o=x",
                          "--error=/tmp/e",
                          "--chdir=/",
                          "--ch=/",
                          "--job-name=x",
                          "--parsable",
                          "--wrap=id",
                          "--array=1-3",
                          "--wait",
                          "--partition=x",
                          "--part=x",
                          "--time=5",
                          "--mem=1G",
                          "--cpus-per-task=2",
                          "--gres=gpu:1",
                          "--clusters=c",
                          "--uid=0",
                          "--help",
                          "--version",
                          "--test-only"}) {
    const auto why = RejectionOf(WithExtra(bad));
    EXPECT_TRUE(StartsWith(why, "slurm.extra_args[0]: ")) << bad << ": " << why;
    EXPECT_TRUE(Contains(why, "not allowed")) << bad << ": " << why;
  }
  // An option that takes a value must carry it, or sbatch would eat the next argument.
  EXPECT_TRUE(Contains(RejectionOf(WithExtra("--comment")), "needs a value"));
  EXPECT_EQ(RejectionOf(WithExtra("--requeue")), "");
  EXPECT_EQ(RejectionOf(WithExtra("--wait-all-nodes=1")), "");  // not a prefix of --wait
  EXPECT_EQ(RejectionOf(WithExtra("--mem-per-cpu=2G")), "");

  SlurmOptions two = WithExtra("--constraint=avx2");
  two.extra_args.push_back("--output=x");
  EXPECT_TRUE(StartsWith(RejectionOf(two), "slurm.extra_args[1]: "));
  try {
    ValidateSlurmOptions(two);
  } catch (const SlurmOptionError& e) {
    EXPECT_EQ(e.key(), "extra_args[1]");
    EXPECT_FALSE(Contains(e.problem(), "slurm."));
  }
}

// A fake sbatch first on PATH records its arguments: invalid options must be
// refused before it runs, valid ones reach it as the documented argv.
class FakeSbatch : public ::testing::Test {
 protected:
  void SetUp() override {
    bin_ = tmp_.path() / "bin";
    std::filesystem::create_directories(bin_);
    WriteScript(bin_, "sbatch",
                "for a in \"$@\"; do echo \"$a\"; done > '" + (tmp_.path() / "argv").string() +
                    "'\necho '4242;cluster'");
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    ::setenv("PATH", (bin_.string() + ":" + old_path_).c_str(), 1);
    job_ = tmp_.path() / "job";
    std::filesystem::create_directories(job_);
    script_ = WriteScript(job_, "run.sh", "exit 0");
  }
  void TearDown() override { ::setenv("PATH", old_path_.c_str(), 1); }
  bool SbatchRan() const { return std::filesystem::exists(tmp_.path() / "argv"); }

  testing::TempDir tmp_;
  std::filesystem::path bin_, job_, script_;
  std::string old_path_;
};

TEST_F(FakeSbatch, InvalidOptionsAreRejectedBeforeSbatchRuns) {
  SlurmClient client;
  for (auto bad : {WithExtra("--output=/etc/passwd"), WithExtra("--comment=a;b")}) {
    EXPECT_THROW(client.Submit("j", job_, script_, bad), SlurmOptionError);
  }
  SlurmOptions mem;
  mem.mem = "lots";
  EXPECT_THROW(client.Submit("j", job_, script_, mem), SlurmOptionError);
  SlurmOptions time;
  time.time = "1:99";
  EXPECT_THROW(client.Submit("j", job_, script_, time), SlurmOptionError);
  EXPECT_THROW(client.Submit("bad name", job_, script_, {}), Error);
  EXPECT_THROW(client.Submit("j", tmp_.path() / "nope", script_, {}), Error);
  EXPECT_THROW(client.Submit("j", job_, job_ / "nope.sh", {}), Error);
  const auto pct = tmp_.path() / "50%";
  std::filesystem::create_directories(pct);
  EXPECT_THROW(client.Submit("j", pct, script_, {}), Error);
  EXPECT_FALSE(SbatchRan());
}

TEST_F(FakeSbatch, SubmitPassesTheDocumentedArguments) {
  SlurmClient client;
  SlurmOptions o;
  o.time = "5";
  o.mem = "64M";
  o.extra_args = {"--comment=labq"};
  EXPECT_EQ(client.Submit("dpu_8_full.synth", job_, script_, o), "4242");
  ASSERT_TRUE(SbatchRan());
  const auto dir = job_.string();
  EXPECT_EQ(
      SplitLines(ReadFile((tmp_.path() / "argv").string())),
      (std::vector<std::string>{"--parsable", "--job-name=dpu_8_full.synth", "--chdir=" + dir,
                                "--output=" + dir + "/slurm.out", "--error=" + dir + "/slurm.err",
                                "--time=5", "--mem=64M", "--comment=labq", script_.string()}));
}

TEST_F(FakeSbatch, SbatchErrorsCarryItsMessage) {
  WriteScript(bin_, "sbatch",
              "echo 'sbatch: error: Batch job submission failed: Invalid account' >&2; exit 1");
  SlurmClient client;
  try {
    client.Submit("j", job_, script_, {});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), "Invalid account")) << e.what();
    EXPECT_TRUE(Contains(e.what(), "exit 1")) << e.what();
  }
}

// ---------------------------------------------------------------------------
// Against a running SLURM ($SLURM_CONF, e.g. from scripts/local-slurm start).

std::map<std::string, std::string> SlurmEnv() {
  const char* conf = std::getenv("SLURM_CONF");
  return {{"SLURM_CONF", conf ? conf : ""}};
}

// Empty when SLURM can be used; otherwise why not.
std::string SlurmMissing() {
  static const std::string why = [] {
    const char* conf = std::getenv("SLURM_CONF");
    if (!conf || !*conf) {
      return std::string(
          "SLURM_CONF is unset: start scripts/local-slurm first "
          "(eval \"$(scripts/local-slurm start)\")");
    }
    std::error_code ec;
    if (!std::filesystem::exists(conf, ec)) {
      return "SLURM_CONF=" + std::string(conf) + " does not exist: start scripts/local-slurm first";
    }
    // sinfo takes about 9 s to give up on a stopped slurmctld; a live one
    // answers in well under a second (40 ms here).
    SlurmClient client(SlurmEnv());
    client.set_command_timeout(3s);
    if (!client.Available()) {
      return "sinfo does not answer with SLURM_CONF=" + std::string(conf) +
             ": start scripts/local-slurm first";
    }
    return std::string();
  }();
  return why;
}

#define LABQ_REQUIRE_SLURM()                                                \
  do {                                                                      \
    if (const auto why = SlurmMissing(); !why.empty()) GTEST_SKIP() << why; \
  } while (0)

// Polls (every 200 ms) until the job reaches a final state or `limit` passes.
SlurmJobState WaitFinal(SlurmClient& client, const std::string& id,
                        std::chrono::seconds limit = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  SlurmJobState s = client.Poll(id);
  while (!LabqStateFor(s).Final() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(200ms);
    s = client.Poll(id);
  }
  return s;
}

// Polls until the job is RUNNING (or final) or `limit` passes.
SlurmJobState WaitRunning(SlurmClient& client, const std::string& id,
                          std::chrono::seconds limit = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  SlurmJobState s = client.Poll(id);
  while (s.state != "RUNNING" && !LabqStateFor(s).Final() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
    s = client.Poll(id);
  }
  return s;
}

TEST(SlurmLive, Available) {
  LABQ_REQUIRE_SLURM();
  EXPECT_TRUE(SlurmClient(SlurmEnv()).Available());
}

TEST(SlurmLive, SubmittedJobCompletesWithExitZero) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "echo hello from $SLURM_JOB_NAME; pwd");
  SlurmClient client(SlurmEnv());
  const auto started = std::chrono::steady_clock::now();
  const auto id = client.Submit("labq_ok", tmp.path(), script, {});
  const auto s = WaitFinal(client, id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(s.state, "COMPLETED") << s.reason;
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(s.signal, 0);
  EXPECT_EQ(LabqStateFor(s).state, JobState::kDone);
  EXPECT_EQ(ReadFile((tmp.path() / "slurm.out").string()),
            "hello from labq_ok\n" + tmp.path().string() + "\n");
  std::cout << "job " << id << " submitted to COMPLETED in " << seconds << " s\n";
}

TEST(SlurmLive, FailingScriptReportsItsExitCode) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "echo broken >&2; exit 3");
  SlurmClient client(SlurmEnv());
  const auto id = client.Submit("labq_fail", tmp.path(), script, {});
  const auto s = WaitFinal(client, id);
  EXPECT_EQ(s.state, "FAILED");
  EXPECT_EQ(s.exit_code, 3);
  EXPECT_EQ(s.reason, "NonZeroExitCode");
  EXPECT_EQ(LabqStateFor(s).state, JobState::kFailed);
  EXPECT_EQ(ReadFile((tmp.path() / "slurm.err").string()), "broken\n");
}

TEST(SlurmLive, ValidOptionsAreAcceptedBySbatch) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "echo $SLURM_CPUS_PER_TASK");
  SlurmOptions o;
  o.partition = "debug";
  o.time = "0-00:05:00";
  o.mem = "64M";
  o.cpus = 1;
  o.extra_args = {"--comment=labq-test", "--no-requeue", "--nice=10"};
  SlurmClient client(SlurmEnv());
  const auto s = WaitFinal(client, client.Submit("labq_opts", tmp.path(), script, o));
  EXPECT_EQ(s.state, "COMPLETED") << s.reason;
  EXPECT_EQ(ReadFile((tmp.path() / "slurm.out").string()), "1\n");
}

TEST(SlurmLive, SbatchRefusalCarriesItsMessage) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "exit 0");
  SlurmOptions o;
  o.partition = "labq_no_such_partition";
  SlurmClient client(SlurmEnv());
  try {
    client.Submit("labq_badpart", tmp.path(), script, o);
    FAIL() << "sbatch accepted a missing partition";
  } catch (const Error& e) {
    EXPECT_TRUE(Contains(e.what(), "invalid partition")) << e.what();
  }
  // More memory than the node has.
  o = {};
  o.mem = "999999G";
  EXPECT_THROW(client.Submit("labq_bigmem", tmp.path(), script, o), Error);
}

TEST(SlurmLive, CancelEndsAsCancelled) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "sleep 300");
  SlurmClient client(SlurmEnv());
  const auto id = client.Submit("labq_cancel", tmp.path(), script, {});
  EXPECT_EQ(WaitRunning(client, id).state, "RUNNING");
  client.Cancel(id);
  const auto s = WaitFinal(client, id, 30s);
  EXPECT_EQ(s.state, "CANCELLED");
  EXPECT_EQ(LabqStateFor(s).state, JobState::kCancelled);
  EXPECT_NO_THROW(client.Cancel(id));  // again: already over
}

TEST(SlurmLive, CancelPendingJob) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "exit 0");
  SlurmClient client(SlurmEnv());
  SlurmOptions later;
  later.extra_args = {"--begin=now+3600"};
  const auto id = client.Submit("labq_later", tmp.path(), script, later);
  auto s = client.Poll(id);
  EXPECT_EQ(s.state, "PENDING");
  EXPECT_EQ(LabqStateFor(s).state, JobState::kQueued);
  client.Cancel(id);
  s = WaitFinal(client, id, 30s);
  EXPECT_EQ(s.state, "CANCELLED");
}

TEST(SlurmLive, UnknownIdsAreUnknown) {
  LABQ_REQUIRE_SLURM();
  SlurmClient client(SlurmEnv());
  EXPECT_EQ(client.Poll("987654321").state, "UNKNOWN");
  const auto many = client.Poll(std::vector<std::string>{"987654321", "987654322"});
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many.at("987654322").state, "UNKNOWN");
  EXPECT_NO_THROW(client.Cancel("987654321"));
  EXPECT_THROW(client.Poll("12; rm"), Error);
  EXPECT_THROW(client.Cancel("--help"), Error);
}

TEST(SlurmLive, PollManyAgreesWithPollOne) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  SlurmClient client(SlurmEnv());
  std::vector<std::string> ids;
  for (int code : {0, 3, 42}) {
    const auto dir = tmp.path() / std::to_string(code);
    std::filesystem::create_directories(dir);
    const auto script = WriteScript(dir, "run.sh", "exit " + std::to_string(code));
    ids.push_back(client.Submit("labq_many", dir, script, {}));
  }
  for (const auto& id : ids) WaitFinal(client, id);
  ids.push_back("987654321");
  const auto many = client.Poll(ids);
  ASSERT_EQ(many.size(), ids.size());
  for (const auto& id : ids) {
    const auto one = client.Poll(id);
    EXPECT_EQ(many.at(id).state, one.state) << id;
    EXPECT_EQ(many.at(id).exit_code, one.exit_code) << id;
    EXPECT_EQ(many.at(id).signal, one.signal) << id;
    EXPECT_EQ(many.at(id).reason, one.reason) << id;
  }
  EXPECT_EQ(many.at(ids[0]).state, "COMPLETED");
  EXPECT_EQ(many.at(ids[1]).exit_code, 3);
  EXPECT_EQ(many.at(ids[2]).exit_code, 42);
  EXPECT_EQ(many.at(ids[3]).state, "UNKNOWN");
}

// Slow (label `slow`): SLURM checks time limits about every 30 s, so a
// --time=1 job ends 60-100 s after it starts.
TEST(SlurmSlow, OverTimeLimitEndsAsTimeout) {
  LABQ_REQUIRE_SLURM();
  testing::TempDir tmp;
  const auto script = WriteScript(tmp.path(), "run.sh", "echo started; sleep 600");
  SlurmOptions o;
  o.time = "1";
  SlurmClient client(SlurmEnv());
  const auto started = std::chrono::steady_clock::now();
  const auto id = client.Submit("labq_timeout", tmp.path(), script, o);
  const auto s = WaitFinal(client, id, 200s);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(s.state, "TIMEOUT") << s.reason;
  EXPECT_EQ(LabqStateFor(s).state, JobState::kTimeout);
  EXPECT_GE(seconds, 55);
  std::cout << "job " << id << " ended " << s.state << " (" << LabqStateFor(s).detail << ") after "
            << seconds << " s\n";
}

}  // namespace
}  // namespace labq
