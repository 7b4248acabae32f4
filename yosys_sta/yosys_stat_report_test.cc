#include "yosys_sta/yosys_stat_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <string>

#include "common/error.h"
#include "common/text.h"
#include "tests/test_paths.h"

namespace labq::yosys_sta {
namespace {

using ::testing::HasSubstr;

double Tol(double expected) { return std::abs(expected) * 1e-9 + 1e-12; }

std::string RealPath(const std::string& name) {
  return testing::RealReportsDir() + "/yosys/stat/" + name;
}
ParsedReport ParseReal(const std::string& name, const std::string& top = "") {
  auto path = RealPath(name);
  return ParseYosysStat(ReadFile(path), path, top);
}
std::string OwnPath(const std::string& name) {
  return testing::SourceDir() + "/yosys_sta/testdata/" + name;
}
ParsedReport ParseOwn(const std::string& name, const std::string& top = "") {
  auto path = OwnPath(name);
  return ParseYosysStat(ReadFile(path), path, top);
}

/// Count of the cell type `type` in the report's rows; -1 when absent.
double RowCount(const ParsedReport& r, const std::string& type) {
  for (const auto& [name, q] : r.rows) {
    if (name == type) return q.at("count").value;
  }
  return -1;
}
double RowCountSum(const ParsedReport& r) {
  double sum = 0;
  for (const auto& [name, q] : r.rows) sum += q.at("count").value;
  return sum;
}

std::string ErrorOf(std::string_view text, const std::string& file, const std::string& top = "") {
  try {
    ParseYosysStat(text, file, top);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

// Every real report must have a test below; a new file without one fails here.
TEST(YosysStatReal, EveryReportHasExpectations) {
  LABQ_REQUIRE_REAL_REPORTS();
  const std::set<std::string> covered = {
      "01_y013_orfs_asap7.rpt", "02_y019_openlane1.rpt",    "04_y034_openlane1.rpt",
      "05_y040_orfs_ihp.rpt",   "07_ynew_table_format.rpt", "08_y027_hier_pretechmap_nolib.rpt"};
  std::set<std::string> present;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::RealReportsDir() + "/yosys/stat")) {
    present.insert(entry.path().filename().string());
  }
  EXPECT_EQ(present, covered);
  EXPECT_EQ(present.size(), 6u);
}

TEST(YosysStatReal, Orfs013Asap7) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("01_y013_orfs_asap7.rpt");
  EXPECT_EQ(r.tool, "yosys");
  EXPECT_EQ(r.kind, "stat");
  EXPECT_EQ(r.file, RealPath("01_y013_orfs_asap7.rpt"));
  EXPECT_EQ(r.texts.at("module"), "ser_top");
  EXPECT_EQ(r.texts.at("format"), "classic");
  EXPECT_NEAR(r.Get("cell_count"), 141, Tol(141));
  EXPECT_NEAR(r.Get("area"), 17.7876, Tol(17.7876));
  EXPECT_EQ(r.values.at("area").unit, "um^2");
  EXPECT_EQ(r.values.at("area").line, 40);
  EXPECT_NEAR(r.Get("wire_count"), 146, Tol(146));
  EXPECT_NEAR(r.Get("wire_bits"), 153, Tol(153));
  EXPECT_FALSE(r.Has("sequential_area"));
  EXPECT_EQ(r.rows.size(), 25u);
  EXPECT_EQ(RowCount(r, "DFFLQNx1_ASAP7_75t_SL"), 19);
  EXPECT_EQ(RowCount(r, "XNOR2x2_ASAP7_75t_SL"), 1);
  EXPECT_EQ(RowCountSum(r), 141);
}

TEST(YosysStatReal, OpenLane019) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("02_y019_openlane1.rpt");
  EXPECT_EQ(r.texts.at("module"), "iiitb_tlc");
  EXPECT_NEAR(r.Get("cell_count"), 15, Tol(15));
  EXPECT_NEAR(r.Get("area"), 136.3808, Tol(136.3808));
  EXPECT_NEAR(r.Get("wire_count"), 14, Tol(14));
  EXPECT_NEAR(r.Get("wire_bits"), 18, Tol(18));
  EXPECT_FALSE(r.Has("port_count"));  // 0.19 printed no ports line.
  EXPECT_EQ(r.rows.size(), 8u);
  EXPECT_EQ(RowCount(r, "sky130_fd_sc_hd__buf_1"), 6);
  EXPECT_EQ(RowCount(r, "sky130_vsdinv"), 1);
  EXPECT_EQ(RowCountSum(r), 15);
}

TEST(YosysStatReal, OpenLane034) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("04_y034_openlane1.rpt");
  EXPECT_EQ(r.texts.at("module"), "pes_vedic_mul");
  EXPECT_NEAR(r.Get("cell_count"), 330, Tol(330));
  EXPECT_NEAR(r.Get("area"), 2922.8032, Tol(2922.8032));
  EXPECT_NEAR(r.Get("wire_count"), 317, Tol(317));
  EXPECT_NEAR(r.Get("wire_bits"), 346, Tol(346));
  EXPECT_EQ(r.rows.size(), 33u);
  EXPECT_EQ(RowCount(r, "sky130_fd_sc_hd__nand2_2"), 35);
  EXPECT_EQ(RowCount(r, "sky130_fd_sc_hd__xor2_2"), 27);
  EXPECT_EQ(RowCountSum(r), 330);
}

TEST(YosysStatReal, Orfs040IhpLarge) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("05_y040_orfs_ihp.rpt");
  EXPECT_EQ(r.texts.at("module"), "ElemRVTop");
  EXPECT_NEAR(r.Get("cell_count"), 80950, Tol(80950));
  EXPECT_NEAR(r.Get("area"), 1518965.838, Tol(1518965.838));
  EXPECT_NEAR(r.Get("sequential_area"), 325692.0576, Tol(325692.0576));
  EXPECT_NEAR(r.Get("wire_count"), 87876, Tol(87876));
  EXPECT_NEAR(r.Get("wire_bits"), 87876, Tol(87876));
  EXPECT_NEAR(r.Get("port_count"), 30, Tol(30));
  EXPECT_NEAR(r.Get("port_bits"), 30, Tol(30));
  EXPECT_EQ(r.rows.size(), 57u);
  EXPECT_EQ(RowCount(r, "sg13g2_buf_1"), 33677);
  EXPECT_EQ(RowCount(r, "sg13g2_dfrbp_1"), 6904);
  EXPECT_EQ(RowCountSum(r), 80950);
}

TEST(YosysStatReal, NewTableFormat) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("07_ynew_table_format.rpt");
  EXPECT_EQ(r.texts.at("module"), "soc_top");
  EXPECT_EQ(r.texts.at("format"), "table");
  EXPECT_EQ(r.texts.at("scope"), "module");
  EXPECT_NEAR(r.Get("cell_count"), 12790, Tol(12790));
  // The precise "Chip area" line wins over the rounded "1.68E+05 cells".
  EXPECT_NEAR(r.Get("area"), 168360.2208, Tol(168360.2208));
  EXPECT_EQ(r.values.at("area").line, 142);
  EXPECT_NEAR(r.Get("sequential_area"), 89335.68, Tol(89335.68));
  EXPECT_NEAR(r.Get("wire_count"), 13070, Tol(13070));
  EXPECT_NEAR(r.Get("wire_bits"), 13262, Tol(13262));
  EXPECT_NEAR(r.Get("port_count"), 16, Tol(16));
  EXPECT_NEAR(r.Get("port_bits"), 208, Tol(208));
  EXPECT_EQ(r.rows.size(), 125u);
  EXPECT_EQ(r.rows.front().first, "sky130_fd_sc_hd__a2111o_1");
  EXPECT_NEAR(r.rows.front().second.at("area").value, 33.782, Tol(33.782));
  EXPECT_EQ(RowCount(r, "sky130_fd_sc_hd__edfxtp_1"), 2555);
  for (const auto& [name, q] : r.rows) {
    if (name == "sky130_fd_sc_hd__edfxtp_1") {
      EXPECT_NEAR(q.at("area").value, 7.67e4, Tol(7.67e4));
    }
  }
  EXPECT_EQ(RowCount(r, "sky130_fd_sc_hd__xor2_1"), 218);
  EXPECT_EQ(RowCountSum(r), 12790);
}

TEST(YosysStatReal, HierarchyWithoutLiberty) {
  LABQ_REQUIRE_REAL_REPORTS();
  auto r = ParseReal("08_y027_hier_pretechmap_nolib.rpt");
  EXPECT_EQ(r.texts.at("module"), "cpu");
  EXPECT_EQ(r.texts.at("scope"), "design hierarchy");
  EXPECT_NEAR(r.Get("cell_count"), 17581, Tol(17581));
  EXPECT_FALSE(r.Has("area"));  // stat without -liberty: no area, not zero.
  EXPECT_NEAR(r.Get("wire_count"), 12473, Tol(12473));
  EXPECT_NEAR(r.Get("wire_bits"), 21551, Tol(21551));
  EXPECT_EQ(r.rows.size(), 18u);
  EXPECT_EQ(RowCount(r, "$_DFFE_PP_"), 4096);
  EXPECT_EQ(RowCount(r, "$_MUX_"), 4738);
  EXPECT_EQ(RowCountSum(r), 17581);

  // Naming the top gives the same hierarchy totals.
  auto cpu = ParseReal("08_y027_hier_pretechmap_nolib.rpt", "cpu");
  EXPECT_EQ(cpu.texts.at("scope"), "design hierarchy");
  EXPECT_NEAR(cpu.Get("cell_count"), 17581, Tol(17581));

  // Naming a submodule gives that module's own section.
  auto regfile = ParseReal("08_y027_hier_pretechmap_nolib.rpt", "regfile");
  EXPECT_EQ(regfile.texts.at("module"), "regfile");
  EXPECT_EQ(regfile.texts.at("scope"), "module");
  EXPECT_NEAR(regfile.Get("cell_count"), 5255, Tol(5255));
  EXPECT_NEAR(regfile.Get("wire_count"), 4208, Tol(4208));

  // Parameterized names are matched verbatim, with or without the backslash.
  auto paramod = ParseReal("08_y027_hier_pretechmap_nolib.rpt",
                           "\\$paramod\\pipeline_reg\\WIDTH=s32'00000000000000000000000000100000");
  EXPECT_NEAR(paramod.Get("cell_count"), 32, Tol(32));

  auto path = RealPath("08_y027_hier_pretechmap_nolib.rpt");
  EXPECT_THAT(ErrorOf(ReadFile(path), path, "nosuch"), HasSubstr("no module 'nosuch'"));
}

// --- Output of this machine's Yosys 0.23 ------------------------------------

TEST(YosysStat, Yosys023FlatWithLiberty) {
  auto r = ParseOwn("yosys_0_23_osu018_flat.rpt");
  EXPECT_EQ(r.texts.at("module"), "t");
  EXPECT_EQ(r.texts.at("format"), "classic");
  EXPECT_NEAR(r.Get("cell_count"), 27, Tol(27));
  EXPECT_NEAR(r.Get("area"), 1106, Tol(1106));
  EXPECT_NEAR(r.Get("wire_count"), 27, Tol(27));
  EXPECT_NEAR(r.Get("wire_bits"), 37, Tol(37));
  EXPECT_FALSE(r.Has("sequential_area"));  // 0.23 prints no sequential share.
  EXPECT_EQ(r.rows.size(), 8u);
  EXPECT_EQ(RowCount(r, "DFFPOSX1"), 5);
  EXPECT_EQ(RowCountSum(r), 27);
}

TEST(YosysStat, Yosys023Hierarchy) {
  auto r = ParseOwn("yosys_0_23_osu018_hier.rpt");
  EXPECT_EQ(r.texts.at("module"), "top");
  EXPECT_EQ(r.texts.at("scope"), "design hierarchy");
  EXPECT_NEAR(r.Get("cell_count"), 46, Tol(46));
  EXPECT_NEAR(r.Get("area"), 2070, Tol(2070));
  EXPECT_NEAR(r.Get("wire_count"), 39, Tol(39));
  EXPECT_EQ(RowCount(r, "XOR2X1"), 11);
  EXPECT_FALSE(r.texts.count("unknown_area_cell_types"));

  // Naming the top gives the hierarchy totals, naming a submodule its section.
  auto named = ParseOwn("yosys_0_23_osu018_hier.rpt", "top");
  EXPECT_EQ(named.texts.at("scope"), "design hierarchy");
  EXPECT_NEAR(named.Get("area"), 2070, Tol(2070));
  auto add4 = ParseOwn("yosys_0_23_osu018_hier.rpt", "add4");
  EXPECT_NEAR(add4.Get("cell_count"), 18, Tol(18));
  EXPECT_NEAR(add4.Get("area"), 655, Tol(655));
}

TEST(YosysStat, Yosys023UnknownAreaIsReported) {
  // Same text with the hierarchy section removed: the result is the last
  // module, whose area leaves out add4.
  auto text = ReadFile(OwnPath("yosys_0_23_osu018_hier.rpt"));
  text = text.substr(0, text.find("=== design hierarchy ==="));
  auto r = ParseYosysStat(text, "cut.rpt");
  EXPECT_EQ(r.texts.at("module"), "top");
  EXPECT_EQ(r.texts.at("scope"), "module");
  EXPECT_NEAR(r.Get("cell_count"), 12, Tol(12));
  EXPECT_NEAR(r.Get("area"), 760, Tol(760));
  EXPECT_EQ(r.texts.at("unknown_area_cell_types"), "add4");
}

TEST(YosysStat, Yosys023WithoutLibertyHasNoArea) {
  auto r = ParseOwn("yosys_0_23_nolib.rpt");
  EXPECT_NEAR(r.Get("cell_count"), 25, Tol(25));
  EXPECT_FALSE(r.Has("area"));
  EXPECT_THROW(r.Get("area"), Error);
  EXPECT_EQ(RowCount(r, "$_SDFF_PP0_"), 5);
}

TEST(YosysStat, TableHierarchy) {
  auto r = ParseOwn("yosys_table_hier_handmade.rpt");
  EXPECT_EQ(r.texts.at("module"), "top");
  EXPECT_EQ(r.texts.at("scope"), "design hierarchy");
  EXPECT_EQ(r.texts.at("format"), "table");
  EXPECT_NEAR(r.Get("cell_count"), 15, Tol(15));
  EXPECT_NEAR(r.Get("area"), 816, Tol(816));
  EXPECT_NEAR(r.Get("sequential_area"), 480, Tol(480));
  EXPECT_NEAR(r.Get("wire_count"), 25, Tol(25));
  EXPECT_NEAR(r.Get("wire_bits"), 47, Tol(47));
  EXPECT_NEAR(r.Get("submodule_count"), 2, Tol(2));
  EXPECT_FALSE(r.Has("memory_count"));  // "-" is not a zero.
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(RowCount(r, "XOR2X1"), 6);
  EXPECT_NEAR(r.rows[2].second.at("area").value, 240, Tol(240));

  auto leaf = ParseOwn("yosys_table_hier_handmade.rpt", "leaf");
  EXPECT_EQ(leaf.texts.at("scope"), "module");
  EXPECT_NEAR(leaf.Get("cell_count"), 5, Tol(5));
  EXPECT_NEAR(leaf.Get("area"), 168, Tol(168));
}

TEST(YosysStat, TableWithoutLibertyOrChipArea) {
  const char* text =
      "\n3. Printing statistics.\n\n=== blink ===\n\n"
      "        +----------Local Count, excluding submodules.\n"
      "        |\n"
      "       54 wires\n"
      "       83 wire bits\n"
      "        4 ports\n"
      "       77 cells\n"
      "       21   SB_CARRY\n"
      "       56   SB_LUT4\n";
  auto r = ParseYosysStat(text, "blink.rpt");
  EXPECT_EQ(r.texts.at("module"), "blink");
  EXPECT_NEAR(r.Get("cell_count"), 77, Tol(77));
  EXPECT_FALSE(r.Has("area"));
  EXPECT_EQ(RowCount(r, "SB_LUT4"), 56);
}

TEST(YosysStat, TableWithFourColumnsUsesTotalsIncludingSubmodules) {
  const char* text =
      "=== gcd ===\n\n"
      "        +----------------------------Count including submodules.\n"
      "        |        +-------------------Area including submodules.\n"
      "        |        |        +----------Local count, excluding submodules.\n"
      "        |        |        |        +-Local area, excluding submodules.\n"
      "        |        |        |        |\n"
      "      546        -      500        - wires\n"
      "        -        -        -        - memories\n"
      "      521  663.138      400  500.000 cells\n"
      "        4    4.256        4    4.256   AND2_X1\n"
      "      517  658.882      396  495.744   NAND2_X1\n";
  auto r = ParseYosysStat(text, "gcd.rpt");
  EXPECT_NEAR(r.Get("cell_count"), 521, Tol(521));
  EXPECT_NEAR(r.Get("wire_count"), 546, Tol(546));
  EXPECT_NEAR(r.Get("area"), 663.138, Tol(663.138));  // From the cells row: no chip area line.
  EXPECT_EQ(RowCount(r, "NAND2_X1"), 517);
}

TEST(YosysStat, WholeLogUsesTheLastStatisticsBlock) {
  const char* text =
      "1. Executing Verilog-2005 frontend: t.v\n"
      "=== not_a_stat ===\n"
      "whatever the frontend says\n"
      "\n3. Printing statistics.\n\n=== t ===\n\n"
      "   Number of wires:                 23\n"
      "   Number of cells:                 25\n"
      "     $_AND_                         25\n"
      "\n4. Executing DFFLIBMAP pass (mapping DFF cells to sequential cells from liberty file).\n"
      "  cell DFFPOSX1 (noninv, pins=3, area=96.00) is a direct match for cell type $_DFF_P_.\n"
      "\n6. Printing statistics.\n\n=== t ===\n\n"
      "   Number of wires:                 27\n"
      "   Number of cells:                 27\n"
      "     AND2X1                         27\n\n"
      "   Chip area for module '\\t': 1106.000000\n\n"
      "7. Executing Verilog backend.\n"
      "=== ignored ===\n"
      "End of script. Logfile hash: 0123456789\n";
  auto r = ParseYosysStat(text, "yosys.log");
  EXPECT_EQ(r.texts.at("module"), "t");
  EXPECT_NEAR(r.Get("cell_count"), 27, Tol(27));
  EXPECT_NEAR(r.Get("area"), 1106, Tol(1106));
  EXPECT_EQ(r.values.at("cell_count").line, 21);
}

TEST(YosysStat, PartiallySelectedModuleKeepsItsName) {
  auto r = ParseYosysStat(
      "=== t (partially selected) ===\n   Number of cells:      3\n     AND2X1   3\n", "p.rpt");
  EXPECT_EQ(r.texts.at("module"), "t");
  EXPECT_NEAR(r.Get("cell_count"), 3, Tol(3));
}

TEST(YosysStat, CrLfLineEndings) {
  auto text = ReadFile(OwnPath("yosys_0_23_osu018_flat.rpt"));
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  auto r = ParseYosysStat(crlf, "crlf.rpt");
  EXPECT_EQ(r.texts.at("module"), "t");
  EXPECT_NEAR(r.Get("cell_count"), 27, Tol(27));
  EXPECT_NEAR(r.Get("area"), 1106, Tol(1106));
  EXPECT_EQ(RowCount(r, "DFFPOSX1"), 5);
}

TEST(YosysStat, VeryLongNamesAndLines) {
  const std::string module(200000, 'm');
  const std::string cell(100000, 'c');
  std::string text = "=== " + module + " ===\n   Number of cells:   7\n     " + cell +
                     "   7\n   Chip area for module '\\" + module + "': 12.5\n";
  auto r = ParseYosysStat(text, "long.rpt");
  EXPECT_EQ(r.texts.at("module"), module);
  EXPECT_NEAR(r.Get("area"), 12.5, Tol(12.5));
  EXPECT_EQ(RowCount(r, cell), 7);

  // A long garbage line is blamed on its line and not copied whole.
  std::string bad = "=== t ===\n   Number of cells:   7\n" + std::string(300000, 'x') + "\n";
  auto message = ErrorOf(bad, "long_bad.rpt");
  EXPECT_THAT(message, HasSubstr("long_bad.rpt:3:"));
  EXPECT_LT(message.size(), 400u);
}

TEST(YosysStat, GarbageIsAnErrorNamingFileAndLine) {
  EXPECT_THAT(ErrorOf("\n\nhello world\nno stat here\n", "garbage.rpt"),
              HasSubstr("garbage.rpt:3: not Yosys 'stat' output"));
  EXPECT_THAT(ErrorOf("", "empty.rpt"), HasSubstr("empty.rpt:1:"));
  // The statistics header without any module.
  EXPECT_THAT(ErrorOf("\n12. Printing statistics.\n\nEnd of script.\n", "nomod.rpt"),
              HasSubstr("nomod.rpt:2:"));
  // A section that is not stat output.
  EXPECT_THAT(ErrorOf("=== t ===\n   Number of cells:  4\nthis is not a cell row\n", "bad.rpt"),
              HasSubstr("bad.rpt:3: unrecognized line"));
  // A number that is not one.
  EXPECT_THAT(ErrorOf("=== t ===\n   Number of cells:  four\n", "nan.rpt"),
              HasSubstr("nan.rpt:2:"));
  EXPECT_THAT(ErrorOf("=== t ===\n   Chip area for module '\\t': big\n", "area.rpt"),
              HasSubstr("area.rpt:2:"));
  // A module without a cell count is not a zero-cell module.
  EXPECT_THAT(ErrorOf("=== t ===\n   Number of wires:  4\n", "nocells.rpt"),
              HasSubstr("nocells.rpt:1: no cell count"));
  // A table row with a broken number.
  EXPECT_THAT(ErrorOf("=== t ===\n        +----------Local Count, excluding submodules.\n"
                      "        |\n       1x cells\n",
                      "table.rpt"),
              HasSubstr("table.rpt:4:"));
}

TEST(YosysStat, ZeroCellModuleIsAValidZero) {
  auto r =
      ParseYosysStat("=== empty ===\n   Number of wires:  2\n   Number of cells:  0\n", "zero.rpt");
  EXPECT_EQ(r.Get("cell_count"), 0);
  EXPECT_TRUE(r.rows.empty());
}

}  // namespace
}  // namespace labq::yosys_sta
