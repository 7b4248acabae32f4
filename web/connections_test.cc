/// The dashboard keeps each thread's read-only connections between requests
/// and notices a replaced, removed or migrated database file.

#include "web/connections.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "results/result_store.h"
#include "tests/test_paths.h"
#include "web/routes.h"

namespace labq::web {
namespace {

class ConnectionsTest : public ::testing::Test {
 protected:
  std::string Db() const { return (tmp_.path() / "r.db").string(); }

  /// A store at `path` holding one sweep called `name`.
  static void MakeStore(const std::string& path, const std::string& name) {
    ResultStore store(path);
    Sweep s;
    s.name = name;
    s.jobs.push_back({"j", "command", "g", {{"argv", {"true"}}}, {}});
    store.AddSweep(s);
  }

  static nlohmann::json Sweeps(const Routes& r) {
    return nlohmann::json::parse(r.ApiSweeps().body);
  }

  labq::testing::TempDir tmp_;
};

TEST_F(ConnectionsTest, OneThreadReusesItsConnectionsAcrossRequests) {
  MakeStore(Db(), "first");
  Routes r(Db(), {});
  EXPECT_EQ(r.connection_opens(), 0);
  for (int i = 0; i < 3; ++i) {
    const Reply reply = r.ApiSweeps();
    ASSERT_EQ(reply.status, 200) << reply.body;
  }
  EXPECT_EQ(r.connection_opens(), 1);
  // A reused connection still sees what a writer commits meanwhile.
  {
    ResultStore writer(Db());
    Sweep s;
    s.name = "second";
    s.jobs.push_back({"j", "command", "g", {{"argv", {"true"}}}, {}});
    writer.AddSweep(s);
  }
  EXPECT_EQ(Sweeps(r)["sweeps"].size(), 2u);
  EXPECT_EQ(r.connection_opens(), 1);
}

TEST_F(ConnectionsTest, ThreadsNeverShareAConnection) {
  MakeStore(Db(), "first");
  ConnectionCache cache(Db());
  Snapshot* mine = &cache.ForThisThread();
  EXPECT_EQ(&cache.ForThisThread(), mine);
  Snapshot* theirs = nullptr;
  std::thread([&] { theirs = &cache.ForThisThread(); }).join();
  EXPECT_NE(theirs, mine);
  EXPECT_EQ(cache.opens(), 2);
}

TEST_F(ConnectionsTest, AReplacedFileIsReopened) {
  MakeStore(Db(), "old");
  Routes r(Db(), {});
  EXPECT_EQ(Sweeps(r)["sweeps"][0]["name"], "old");
  // Deleted and made anew under the same name: another inode.
  std::filesystem::remove(Db());
  std::filesystem::remove(Db() + "-wal");
  std::filesystem::remove(Db() + "-shm");
  MakeStore(Db(), "new");
  const auto sweeps = Sweeps(r)["sweeps"];
  ASSERT_EQ(sweeps.size(), 1u);
  EXPECT_EQ(sweeps[0]["name"], "new");
  EXPECT_EQ(r.connection_opens(), 2);
}

TEST_F(ConnectionsTest, ARemovedFileAnswers503UntilItIsBack) {
  Routes r(Db(), {});
  Reply missing = r.ApiSweeps();  // never there
  EXPECT_EQ(missing.status, 503);
  EXPECT_NE(missing.body.find("no results database here"), std::string::npos) << missing.body;
  MakeStore(Db(), "first");
  EXPECT_EQ(r.ApiSweeps().status, 200);
  std::filesystem::remove(Db());
  missing = r.SweepsPage();
  EXPECT_EQ(missing.status, 503);
  EXPECT_NE(missing.body.find("no results database here"), std::string::npos) << missing.body;
  MakeStore(Db(), "again");
  EXPECT_EQ(Sweeps(r)["sweeps"][0]["name"], "again");
}

TEST_F(ConnectionsTest, ASchemaChangeUnderARunningDashboardIsNoticed) {
  MakeStore(Db(), "first");
  Routes r(Db(), {});
  ASSERT_EQ(r.ApiSweeps().status, 200);
  const int current = ResultStore::SchemaVersion();
  // What a newer labd leaves after migrating the file in place.
  sql::Database(Db()).Exec("PRAGMA user_version = " + std::to_string(current + 1));
  const Reply changed = r.ApiSweeps();
  EXPECT_EQ(changed.status, 503);
  EXPECT_NE(changed.body.find("schema version " + std::to_string(current + 1)), std::string::npos)
      << changed.body;
  sql::Database(Db()).Exec("PRAGMA user_version = " + std::to_string(current));
  EXPECT_EQ(r.ApiSweeps().status, 200);
  EXPECT_EQ(r.connection_opens(), 2);  // the first, then one after the change
}

}  // namespace
}  // namespace labq::web
