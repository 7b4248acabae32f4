/// labq's power calculator against OpenSTA's report_power on the same
/// netlist with the same uniform activity (`set_power_activity -global`,
/// probability 0.5): the N=8 DPU synthesized by Yosys for each liberty.
/// bench/power_calibration prints the full table (N = 8 and 128, A = 0.1
/// and 0.5).

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "common/text.h"
#include "dpu/dpu_design.h"
#include "jobs/dpu_rtl.h"
#include "jobs/liberty.h"
#include "power/liberty_reader.h"
#include "power/mapped_netlist.h"
#include "power/power_calculator.h"
#include "process/subprocess.h"
#include "tests/test_paths.h"
#include "yosys_sta/opensta_power_report.h"

namespace labq::power {
namespace {

constexpr double kPeriodNs = 5.0;
constexpr double kActivity = 0.1;

bool Run(const testing::TempDir& tmp, std::vector<std::string> argv, const std::string& log) {
  SubprocessSpec spec;
  spec.argv = std::move(argv);
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / (log + ".out");
  spec.stderr_path = tmp.path() / (log + ".err");
  spec.timeout = std::chrono::minutes(5);
  const SubprocessResult result = RunSubprocess(spec);
  EXPECT_TRUE(result.Succeeded()) << log << ": " << result.Describe() << "\n"
                                  << ReadFile((tmp.path() / (log + ".err")).string());
  return result.Succeeded();
}

void ExpectWithin2Percent(double labq, double opensta, const std::string& what) {
  EXPECT_LE(std::abs(labq - opensta), 0.02 * std::abs(opensta))
      << what << ": labq " << labq << " W, OpenSTA " << opensta << " W ("
      << 100.0 * (labq - opensta) / opensta << " %)";
}

void Calibrate(const std::string& liberty_name) {
  if (!std::filesystem::exists(ResolveLiberty(liberty_name)))
    GTEST_SKIP() << liberty_name << " liberty not found";
  testing::TempDir tmp;
  const StagedLiberty staged = StageLiberty(liberty_name, tmp.path() / "stage");
  std::filesystem::copy_file(staged.plain_lib, tmp.path() / "liberty.lib");
  DpuDesign design;
  design.n = 8;
  design.a_bits = 8;
  design.b_bits = 8;
  design.mode = DpuMode::kFull;
  const std::string top = design.ModuleName();
  std::ofstream(tmp.path() / "dpu.v") << RenderDpuVerilog(design);
  // The synthesis labq's flow runs (yosys_sta/templates/synth.ys.mustache).
  std::ofstream(tmp.path() / "synth.ys")
      << "read_liberty -lib liberty.lib\nread_verilog dpu.v\nsynth -top " << top
      << " -flatten\ndfflibmap -liberty liberty.lib\n"
      << "abc -liberty liberty.lib -script +strash;dc2;dretime;strash;dch,-f;map;buffer,-p;upsize;"
         "dnsize\nsetundef -zero\nsplitnets -ports\nopt_clean -purge\n"
      << "write_verilog -noattr -noexpr -nohex -nodec netlist.v\nwrite_json netlist.json\n";
  ASSERT_TRUE(Run(tmp, {"yosys", "-q", "-s", "synth.ys"}, "yosys"));
  std::ofstream(tmp.path() / "sta.tcl")
      << "read_liberty liberty.lib\nread_verilog netlist.v\nlink_design " << top
      << "\ncreate_clock -name clk -period " << kPeriodNs << " [get_ports clk]\n"
      << "set_input_delay -clock clk 0 [delete_from_list [all_inputs] [get_ports clk]]\n"
      << "set_output_delay -clock clk 0 [all_outputs]\n"
      << "set_power_activity -global -activity " << kActivity << "\n"
      << "report_power -digits 6 > power.rpt\n";
  ASSERT_TRUE(Run(tmp, {"sta", "-no_splash", "-exit", "sta.tcl"}, "sta"));
  const ParsedReport sta =
      yosys_sta::ParseOpenStaPower(ReadFile((tmp.path() / "power.rpt").string()), "power.rpt");

  ActivityLookup activity;
  activity.default_activity = {kActivity, 0.5};  // OpenSTA's -global duty is 0.5
  const PowerResult labq =
      ComputePower(ReadLiberty(tmp.path() / "liberty.lib"),
                   ReadMappedNetlist(tmp.path() / "netlist.json", top), activity, kPeriodNs);
  ExpectWithin2Percent(labq.total_w, sta.Get("total"), liberty_name + " total");
  ExpectWithin2Percent(labq.internal_w, sta.Get("internal"), liberty_name + " internal");
  ExpectWithin2Percent(labq.switching_w, sta.Get("switching"), liberty_name + " switching");
  ExpectWithin2Percent(labq.leakage_w, sta.Get("leakage"), liberty_name + " leakage");
  for (const auto& [group, values] : sta.rows)
    if (group == "Sequential")
      ExpectWithin2Percent(labq.sequential_w, values.at("total").value,
                           liberty_name + " sequential");
}

TEST(PowerCalibration, Osu018N8WithinTwoPercentOfOpenSta) { Calibrate("osu018"); }
TEST(PowerCalibration, Nangate45N8WithinTwoPercentOfOpenSta) { Calibrate("nangate45"); }
TEST(PowerCalibration, Sky130N8WithinTwoPercentOfOpenSta) { Calibrate("sky130"); }

}  // namespace
}  // namespace labq::power
