/// The statement cache of sql::Database: a text is compiled once and its
/// statement reused, a text in use twice at once gets a second statement,
/// and a reused statement starts with no bindings and no rows left over.

#include "results/sqlite.h"

#include <gtest/gtest.h>

#include "tests/test_paths.h"

namespace labq::sql {
namespace {

/// Statements prepared on the connection and not finalized.
int PreparedStatements(Database& db) {
  int n = 0;
  for (sqlite3_stmt* s = sqlite3_next_stmt(db.handle(), nullptr); s;
       s = sqlite3_next_stmt(db.handle(), s)) {
    ++n;
  }
  return n;
}

TEST(StatementCache, ATextIsCompiledOnceAndItsStatementReused) {
  testing::TempDir tmp;
  Database db((tmp.path() / "c.db").string());
  db.Exec("CREATE TABLE t(v INTEGER)");
  const int before = PreparedStatements(db);
  for (int i = 0; i < 100; ++i) Statement(db, "INSERT INTO t(v) VALUES (?)").Bind(1, i).Run();
  EXPECT_EQ(PreparedStatements(db), before + 1);
  Statement count(db, "SELECT COUNT(*), SUM(v) FROM t");
  ASSERT_TRUE(count.Step());
  EXPECT_EQ(count.Int(0), 100);
  EXPECT_EQ(count.Int(1), 4950);
}

TEST(StatementCache, NestedUsesOfOneTextGetTheirOwnStatements) {
  testing::TempDir tmp;
  Database db((tmp.path() / "c.db").string());
  db.Exec("CREATE TABLE t(v INTEGER)");
  db.Exec("INSERT INTO t(v) VALUES (1), (2), (3)");
  const std::string text = "SELECT v FROM t WHERE v >= ? ORDER BY v";
  Statement outer(db, text);
  outer.Bind(1, 2);
  ASSERT_TRUE(outer.Step());
  {
    Statement inner(db, text);  // outer is mid-way through its rows
    inner.Bind(1, 1);
    ASSERT_TRUE(inner.Step());
    EXPECT_EQ(inner.Int(0), 1);
  }
  EXPECT_EQ(outer.Int(0), 2);
  ASSERT_TRUE(outer.Step());
  EXPECT_EQ(outer.Int(0), 3);
  EXPECT_FALSE(outer.Step());
}

TEST(StatementCache, AReusedStatementHasNoBindingsOrRowsLeftOver) {
  testing::TempDir tmp;
  Database db((tmp.path() / "c.db").string());
  db.Exec("CREATE TABLE t(v INTEGER)");
  db.Exec("INSERT INTO t(v) VALUES (1), (2)");
  const std::string text = "SELECT COUNT(*) FROM t WHERE v = ?";
  {
    Statement first(db, text);
    first.Bind(1, 1);
    ASSERT_TRUE(first.Step());  // left mid-way, with a binding
    EXPECT_EQ(first.Int(0), 1);
  }
  Statement second(db, text);  // unbound: v = NULL matches nothing
  ASSERT_TRUE(second.Step());
  EXPECT_EQ(second.Int(0), 0);
}

}  // namespace
}  // namespace labq::sql
