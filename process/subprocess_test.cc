#include "process/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

SubprocessSpec Spec(const testing::TempDir& tmp, std::vector<std::string> argv) {
  SubprocessSpec spec;
  spec.argv = std::move(argv);
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / "out";
  spec.stderr_path = tmp.path() / "err";
  return spec;
}

TEST(Subprocess, RecordsExitCodeAndOutput) {
  testing::TempDir tmp;
  auto r = RunSubprocess(Spec(tmp, {"sh", "-c", "echo hello; echo oops >&2; exit 3"}));
  EXPECT_EQ(r.end, SubprocessResult::End::kExited);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(ReadFile((tmp.path() / "out").string()), "hello\n");
  EXPECT_EQ(ReadFile((tmp.path() / "err").string()), "oops\n");
}

TEST(Subprocess, ArgumentsAreNotShellExpanded) {
  testing::TempDir tmp;
  auto r = RunSubprocess(Spec(tmp, {"echo", "$HOME; rm -rf /", "*"}));
  ASSERT_TRUE(r.Succeeded());
  EXPECT_EQ(ReadFile((tmp.path() / "out").string()), "$HOME; rm -rf / *\n");
}

TEST(Subprocess, OutputReplacesWhatAnEarlierRunLeft) {
  testing::TempDir tmp;
  WriteOutputFile(tmp.path() / "out", "a longer first run\n");
  auto r = RunSubprocess(Spec(tmp, {"echo", "second"}));
  ASSERT_TRUE(r.Succeeded());
  EXPECT_EQ(ReadFile((tmp.path() / "out").string()), "second\n");
}

TEST(Subprocess, ReportsTheKillingSignal) {
  testing::TempDir tmp;
  auto r = RunSubprocess(Spec(tmp, {"sh", "-c", "kill -SEGV $$"}));
  EXPECT_EQ(r.end, SubprocessResult::End::kSignaled);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_NE(r.Describe().find("signal 11"), std::string::npos);
}

TEST(Subprocess, ATimeoutSaysHowLongItRan) {
  SubprocessResult r;
  r.end = SubprocessResult::End::kTimedOut;
  r.seconds = 0.52;
  EXPECT_EQ(r.Describe(), "timed out after 0.5 s");  // not "0 s"
  r.seconds = 30.2;
  EXPECT_EQ(r.Describe(), "timed out after 30 s");
}

TEST(Subprocess, TimeoutKillsTheWholeProcessGroup) {
  testing::TempDir tmp;
  // The grandchild writes its pid, then both sleep; the timeout must end both.
  auto spec = Spec(tmp, {"sh", "-c", "sleep 30 & echo $! > grandchild; wait"});
  spec.timeout = std::chrono::milliseconds(300);
  auto r = RunSubprocess(spec);
  EXPECT_EQ(r.end, SubprocessResult::End::kTimedOut);
  EXPECT_LT(r.seconds, 10);
  const int grandchild = std::stoi(ReadFile((tmp.path() / "grandchild").string()));
  // SIGKILL lands asynchronously: wait (bounded) until the grandchild is gone
  // or a zombie; it must never go on running its sleep.
  const auto status = "/proc/" + std::to_string(grandchild) + "/stat";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    try {
      ended = !std::filesystem::exists(status, ec) || Contains(ReadFile(status), ") Z");
    } catch (const Error&) {
      ended = true;  // vanished between the two looks
    }
    if (!ended) std::this_thread::yield();
  }
  EXPECT_TRUE(ended) << "grandchild " << grandchild << " still running";
}

TEST(Subprocess, MissingProgramIsNotStartedWithAReason) {
  testing::TempDir tmp;
  auto r = RunSubprocess(Spec(tmp, {"labq-no-such-tool"}));
  EXPECT_EQ(r.end, SubprocessResult::End::kNotStarted);
  EXPECT_NE(r.error.find("labq-no-such-tool"), std::string::npos);
}

TEST(Subprocess, CancelFlagStopsTheProcess) {
  testing::TempDir tmp;
  std::atomic<bool> cancel{false};
  auto r = RunSubprocess(Spec(tmp, {"sleep", "30"}), &cancel, [&](int) { cancel = true; });
  EXPECT_EQ(r.end, SubprocessResult::End::kCancelled);
}

// In a process that runs several jobs' steps at once (the shepherd), a step
// must hold nothing of another's: the first step's output files stayed open
// in the second (they were not close-on-exec).
TEST(Subprocess, AStepStartedBesideAnotherHoldsNoneOfItsFiles) {
  testing::TempDir tmp;
  const auto go = tmp.path() / "go";
  const auto first_dir = tmp.path() / "first";
  std::filesystem::create_directories(first_dir);
  SubprocessSpec first = Spec(
      tmp, {"sh", "-c", "while ! test -f " + ShellQuote(go.string()) + "; do sleep 0.01; done"});
  first.stdout_path = first_dir / "first.stdout";
  first.stderr_path = first_dir / "first.stderr";
  std::atomic<bool> started{false};
  std::jthread runner([&] { RunSubprocess(first, nullptr, [&](int) { started = true; }); });
  struct Go {
    std::filesystem::path path;
    ~Go() { WriteFileAtomically(path, ""); }
  } release{go};
  while (!started) std::this_thread::yield();  // its output files are open here now
  auto second = RunSubprocess(Spec(tmp, {"sh", "-c", "ls -l /proc/$$/fd"}));
  ASSERT_TRUE(second.Succeeded()) << second.Describe();
  const std::string fds = ReadFile((tmp.path() / "out").string());
  EXPECT_EQ(fds.find("first."), std::string::npos) << fds;
}

}  // namespace
}  // namespace labq
