#include "genus/report_kind.h"

#include <gtest/gtest.h>

#include <string>

#include "common/error.h"

namespace labq::genus {
namespace {

TEST(GenusReportKind, DispatchesOnKind) {
  ParsedReport area = ParseGenusReport(
      "area", "Instance Cells Cell Area Net Area Total Area\n----\ntop 1 2 3 5\n", "a.rpt");
  EXPECT_EQ(area.kind, "area");
  EXPECT_DOUBLE_EQ(area.Get("total_area"), 5);

  ParsedReport timing = ParseGenusReport("timing", "Path 1: MET (7 ps)\n", "t.rpt");
  EXPECT_EQ(timing.kind, "timing");
  EXPECT_DOUBLE_EQ(timing.Get("slack"), 0.007);

  ParsedReport power =
      ParseGenusReport("power",
                       "Power Unit: W\nCategory Leakage Internal Switching Total Row%\n"
                       "Subtotal 1 2 3 6 100%\n",
                       "p.rpt");
  EXPECT_EQ(power.kind, "power");
  EXPECT_DOUBLE_EQ(power.Get("total"), 6);

  ParsedReport gates = ParseGenusReport(
      "gates", "Gate Instances Area Library\n---\nINV 2 1.5 lib\n---\ntotal 2 1.5\n", "g.rpt");
  EXPECT_EQ(gates.kind, "gates");
  EXPECT_DOUBLE_EQ(gates.Get("total_instances"), 2);

  ParsedReport qor = ParseGenusReport("qor", "Total Area (Cell+Physical+Net)  36.291\n", "q.rpt");
  EXPECT_EQ(qor.kind, "qor");
  EXPECT_DOUBLE_EQ(qor.Get("total_area"), 36.291);
}

TEST(GenusReportKind, UnknownKindNamesFileAndKinds) {
  try {
    ParseGenusReport("stat", "whatever", "r.rpt");
    FAIL() << "no error for an unknown kind";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("r.rpt"), std::string::npos) << message;
    EXPECT_NE(message.find("'stat'"), std::string::npos) << message;
    EXPECT_NE(message.find("timing, area, power, gates or qor"), std::string::npos) << message;
  }
}

TEST(GenusReportKind, WrongKindForTheTextFails) {
  // An area report read as power must fail, not return zeros.
  EXPECT_THROW(
      ParseGenusReport("power", "Instance Cells Cell Area Net Area Total Area\n----\ntop 1 2 3 5\n",
                       "a.rpt"),
      Error);
  EXPECT_THROW(ParseGenusReport("area", "Power Unit: W\n", "p.rpt"), Error);
}

}  // namespace
}  // namespace labq::genus
