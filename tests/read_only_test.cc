/// The real labq binary on hostile or restricted input (issue 10, findings
/// 4, 6 and 7): read commands never create or write the database and never
/// lock its owner out; --out replaces only regular files; input limits.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

constexpr const char* kSweep = R"(name: ro
groups:
  - {name: c, kind: command, params: {argv: ["true"]}}
)";

/// The commands that only read.
const std::vector<std::vector<std::string>> kReadCommands = {
    {"jobs"},
    {"sweeps"},
    {"status"},
    {"show", "c"},
    {"table", "dpu", "--sweep", "ro"},
    {"logs", "c"},
    {"export", "csv", "--sweep", "ro", "--out", "out.csv"},
};

class ReadOnlyTest : public ::testing::Test {
 protected:
  std::string Db() const { return (tmp_.path() / "r.db").string(); }
  SubprocessResult Labq(const std::vector<std::string>& args, const std::string& log = "labq") {
    return testing::RunLabqCli(tmp_.path(), Db(), args, log);
  }
  /// As user `nobody` when the test runs as root (a reader who may not write
  /// the database), else as ourselves.
  SubprocessResult LabqAsReader(const std::vector<std::string>& args, const std::string& log) {
    if (::geteuid() != 0) return Labq(args, log);
    SubprocessSpec spec;
    spec.argv = {"setpriv",
                 "--reuid=65534",
                 "--regid=65534",
                 "--clear-groups",
                 testing::BinaryDir() + "/cli/labq",
                 "--db",
                 Db()};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.working_dir = tmp_.path();
    spec.stdout_path = tmp_.path() / (log + ".out");
    spec.stderr_path = tmp_.path() / (log + ".err");
    return RunSubprocess(spec);
  }
  std::string Err(const std::string& log = "labq") const {
    return testing::CliOutput(tmp_.path(), log);
  }
  std::set<std::string> Files() const {
    std::set<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(tmp_.path())) {
      const auto name = e.path().filename().string();
      if (!EndsWith(name, ".out") && !EndsWith(name, ".err") && name != "out.csv") {
        names.insert(name);
      }
    }
    return names;
  }
  static bool EndsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  }

  testing::TempDir tmp_;
};

// Finding 6: a read command on a missing database created it.
TEST_F(ReadOnlyTest, ReadCommandOnMissingDatabaseIsAnErrorNamingItAndCreatesNothing) {
  auto commands = kReadCommands;
  commands.push_back({"watch", "ro"});
  for (const auto& args : commands) {
    SCOPED_TRACE(args[0]);
    auto r = Labq(args);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_TRUE(Contains(Err(), Db() + ": no results database here")) << Err();
    EXPECT_TRUE(Files().empty()) << *Files().begin();
  }
}

// Finding 6: a reader who may not write the database failed and left
// -wal/-shm files the owner could not use; a 444 database could not be read
// (it was opened read-write and its schema version written).
TEST_F(ReadOnlyTest, ReaderWritesNothingAndNeverLocksTheOwnerOut) {
  WriteFileAtomically(tmp_.path() / "s.yaml", kSweep);
  ASSERT_TRUE(Labq({"submit", "s.yaml"}).Succeeded()) << Err();
  // The reader could create files in the folder, but not write the database.
  ::chmod(tmp_.path().c_str(), 0777);
  ::chmod(Db().c_str(), 0444);
  const std::string before = Sha256OfFile(Db());
  const auto files_before = Files();
  for (const auto& args : kReadCommands) {
    SCOPED_TRACE(args[0]);
    auto r = LabqAsReader(args, "reader");
    EXPECT_TRUE(r.Succeeded()) << r.Describe() << ": " << Err("reader");
    EXPECT_EQ(Files(), files_before) << "a reader left files behind";
  }
  ASSERT_TRUE(LabqAsReader({"jobs"}, "jobs").Succeeded());
  EXPECT_TRUE(Contains(testing::CliOutput(tmp_.path(), "jobs", "out"), "queued"));
  EXPECT_EQ(Sha256OfFile(Db()), before);
  // The owner still writes.
  ::chmod(Db().c_str(), 0644);
  EXPECT_TRUE(Labq({"submit", "s.yaml"}, "again").Succeeded()) << Err("again");
  // The name now matches two sweeps: the newer one is picked by id.
  EXPECT_TRUE(Labq({"cancel", "ro@2"}, "cancel").Succeeded()) << Err("cancel");
}

// A reader beside a live writer (WAL files present) sees committed rows.
TEST_F(ReadOnlyTest, ReaderSeesCommitsOfAnActiveWriter) {
  WriteFileAtomically(tmp_.path() / "s.yaml", kSweep);
  ASSERT_TRUE(Labq({"submit", "s.yaml"}).Succeeded()) << Err();
  ResultStore writer(Db());  // keeps -wal/-shm open, as labd would
  ASSERT_TRUE(Labq({"submit", "s.yaml"}, "second").Succeeded()) << Err("second");
  ASSERT_TRUE(Labq({"sweeps"}, "sweeps").Succeeded()) << Err("sweeps");
  const std::string out = testing::CliOutput(tmp_.path(), "sweeps", "out");
  size_t rows = 0;
  for (size_t at = out.find("s.yaml"); at != std::string::npos; at = out.find("s.yaml", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 2u) << out;
}

// Finding 7: `export csv --out /dev/full` as root replaced the device node,
// and a symlink was replaced rather than followed.
TEST_F(ReadOnlyTest, ExportReplacesOnlyRegularFilesAndWritesThroughSymlinks) {
  WriteFileAtomically(tmp_.path() / "s.yaml", kSweep);
  ASSERT_TRUE(Labq({"submit", "s.yaml"}).Succeeded()) << Err();
  auto export_to = [&](const std::string& out) {
    return Labq({"export", "csv", "--sweep", "ro", "--table", "dpu", "--out", out}, "export");
  };
  const auto fifo = tmp_.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  std::vector<std::filesystem::path> refused = {fifo, tmp_.path()};
  if (::geteuid() == 0) {
    // A copy of /dev/full's node (major 1, minor 7), so nothing real is at risk.
    const auto device = tmp_.path() / "full";
    ASSERT_EQ(::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 7)), 0);
    refused.push_back(device);
  }
  for (const auto& path : refused) {
    SCOPED_TRACE(path);
    EXPECT_EQ(export_to(path.string()).exit_code, 2);
    EXPECT_TRUE(Contains(Err("export"), "is not a regular file")) << Err("export");
  }
  struct stat st {};
  ASSERT_EQ(::lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  if (::geteuid() == 0) {
    ASSERT_EQ(::lstat((tmp_.path() / "full").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
  }
  // A link to a regular file: written through, the link kept.
  std::filesystem::create_directories(tmp_.path() / "real");
  WriteFileAtomically(tmp_.path() / "real" / "t.csv", "old\n");
  std::filesystem::create_symlink("real/t.csv", tmp_.path() / "link.csv");
  ASSERT_TRUE(export_to((tmp_.path() / "link.csv").string()).Succeeded()) << Err("export");
  EXPECT_TRUE(std::filesystem::is_symlink(tmp_.path() / "link.csv"));
  EXPECT_TRUE(Contains(ReadFile((tmp_.path() / "real" / "t.csv").string()), "sweep,job_id,job,N,mode"));
  // A link to nothing is refused.
  std::filesystem::create_symlink("real/none.csv", tmp_.path() / "dangling.csv");
  EXPECT_EQ(export_to((tmp_.path() / "dangling.csv").string()).exit_code, 2);
  EXPECT_TRUE(Contains(Err("export"), "symbolic link to nothing")) << Err("export");
}

// Finding 4: `labq submit /dev/zero` read until bad_alloc; the job count has
// a limit and an override.
TEST_F(ReadOnlyTest, SubmitRefusesDevicesAndHugeGridsWithAnOverride) {
  EXPECT_EQ(Labq({"submit", "/dev/zero"}).exit_code, 2);
  EXPECT_EQ(Err(),
            "labq: /dev/zero: is not a regular file (a device, pipe or socket); a sweep must be a "
            "file\n");
  EXPECT_FALSE(std::filesystem::exists(Db()));
  std::string grid =
      "name: g\ngroups:\n  - name: c\n    kind: command\n"
      "    params: {argv: [echo, \"{a}\"]}\n    grid:\n";
  grid += "      a: [";
  for (int i = 0; i < 30; ++i) grid += (i ? ", " : "") + std::to_string(i);
  grid += "]\n";
  WriteFileAtomically(tmp_.path() / "g.yaml", grid);
  EXPECT_EQ(Labq({"submit", "g.yaml", "--max-jobs", "20"}).exit_code, 2);
  EXPECT_TRUE(Contains(Err(), "expands to 30 configurations")) << Err();
  EXPECT_TRUE(Contains(Err(), "20-job limit (raise it with --max-jobs)")) << Err();
  EXPECT_TRUE(Labq({"submit", "g.yaml", "--max-jobs", "30"}).Succeeded()) << Err();
}

}  // namespace
}  // namespace labq
