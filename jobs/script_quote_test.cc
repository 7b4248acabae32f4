#include "jobs/script_quote.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

/// Values a hostile user might put in a workdir, cwd or PDK folder name.
const std::vector<std::string> kHostile = {
    "/tmp/x/wb[exec touch PWNED]",
    "/tmp/x/wb[{*}exec\\x20touch\\x20PWNED]",
    "/tmp/with space/a b.lib",
    "/tmp/$HOME/${x}/$::env(PATH)",
    "/tmp/a;exec touch PWNED;b",
    "/tmp/{open brace",
    "/tmp/close} brace",
    "/tmp/}{reversed",
    "/tmp/\"quoted\"",
    "/tmp/back\\slash\\n",
    "/tmp/line\nbreak\ttab",
    "/tmp/{balanced} [list a b] $x",
    "#comment",
};

TEST(ScriptQuote, PlainWordsAreLeftAlone) {
  EXPECT_EQ(TclWord("liberty.lib"), "liberty.lib");
  EXPECT_EQ(TclWord("/a/b-c_d+e.v"), "/a/b-c_d+e.v");
  EXPECT_EQ(TclWord("a b"), "{a b}");
  EXPECT_EQ(TclWord("a}b{"), "a\\}b\\{");
  EXPECT_EQ(TclWord(""), "{}");
  EXPECT_EQ(YosysWord("dpu_8_full.v"), "dpu_8_full.v");
  EXPECT_EQ(YosysWord("a b/$x;{y}[z]"), "\"a b/$x;{y}[z]\"");
  EXPECT_THROW(YosysWord("a\"b"), Error);
  EXPECT_THROW(YosysWord("a\nb"), Error);
}

/// A real TCL interpreter reads every quoted value back unchanged, and
/// nothing in it runs.
TEST(ScriptQuote, TclReadsEveryHostileValueBackLiterally) {
  if (!FindExecutable("tclsh")) GTEST_SKIP() << "tclsh not installed (scripts/setup)";
  testing::TempDir tmp;
  std::string script = "set out [open values.txt w]\nfconfigure $out -translation binary\n";
  for (const auto& value : kHostile) {
    script += "puts -nonewline $out " + TclWord(value) + "\nputs -nonewline $out \\0\n";
  }
  script += "close $out\n";
  WriteFileAtomically(tmp.path() / "check.tcl", script);
  SubprocessSpec spec;
  spec.argv = {"tclsh", "check.tcl"};
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / "tcl.out";
  spec.stderr_path = tmp.path() / "tcl.err";
  ASSERT_TRUE(RunSubprocess(spec).Succeeded()) << ReadFile(spec.stderr_path.string()) << script;
  const std::string values = ReadFile((tmp.path() / "values.txt").string());
  std::string expected;
  for (const auto& value : kHostile) expected += value + std::string(1, '\0');
  EXPECT_EQ(values, expected);
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "PWNED"));
}

/// Real Yosys reads a Verilog file from a folder whose name holds spaces,
/// `$`, `;`, braces and brackets.
TEST(ScriptQuote, YosysReadsAFileWhoseNameNeedsQuoting) {
  testing::TempDir tmp;
  const auto dir = tmp.path() / "a b$x;{y}[exec touch PWNED]";
  std::filesystem::create_directories(dir);
  WriteFileAtomically(dir / "m.v", "module m(input a, output y); assign y = ~a; endmodule\n");
  WriteFileAtomically(tmp.path() / "s.ys", "read_verilog " + YosysWord((dir / "m.v").string()) +
                                               "\nhierarchy -top m\ntee -o stat.txt stat\n");
  SubprocessSpec spec;
  spec.argv = {"yosys", "-q", "-s", "s.ys"};
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / "y.out";
  spec.stderr_path = tmp.path() / "y.err";
  ASSERT_TRUE(RunSubprocess(spec).Succeeded()) << ReadFile(spec.stdout_path.string());
  EXPECT_TRUE(Contains(ReadFile((tmp.path() / "stat.txt").string()), "=== m ==="));
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "PWNED"));
}

}  // namespace
}  // namespace labq
