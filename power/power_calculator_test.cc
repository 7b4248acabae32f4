#include "power/power_calculator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "jobs/liberty.h"
#include "power/liberty_reader.h"
#include "process/subprocess.h"
#include "tests/test_paths.h"

namespace labq::power {
namespace {

/// Four osu018 flops in a chain: d -> r0 -> r1 -> r2 -> r3 -> q.
constexpr char kChain[] = R"(module chain (input clk, input d, output q);
  wire q0, q1, q2;
  DFFPOSX1 r0 (.CLK(clk), .D(d), .Q(q0));
  DFFPOSX1 r1 (.CLK(clk), .D(q0), .Q(q1));
  DFFPOSX1 r2 (.CLK(clk), .D(q1), .Q(q2));
  DFFPOSX1 r3 (.CLK(clk), .D(q2), .Q(q));
endmodule
)";

/// Yosys's JSON of a structural Verilog netlist over `liberty`'s cells.
std::filesystem::path WriteJson(const testing::TempDir& tmp, const std::string& verilog,
                                const std::filesystem::path& liberty) {
  std::ofstream(tmp.path() / "chain.v") << verilog;
  SubprocessSpec spec;
  spec.argv = {
      "yosys", "-q", "-p",
      "read_liberty -lib " + liberty.string() + "; read_verilog chain.v; write_json chain.json"};
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / "yosys.out";
  spec.stderr_path = tmp.path() / "yosys.err";
  const SubprocessResult result = RunSubprocess(spec);
  EXPECT_TRUE(result.Succeeded()) << result.Describe();
  return tmp.path() / "chain.json";
}

/// Toggles per cycle and P(1) of a bit sequence.
NetActivity Measure(const std::vector<int>& wave) {
  int toggles = 0;
  int high = 0;
  for (size_t t = 0; t < wave.size(); ++t) {
    high += wave[t];
    if (t > 0 && wave[t] != wave[t - 1]) ++toggles;
  }
  return {static_cast<double>(toggles) / static_cast<double>(wave.size() - 1),
          static_cast<double>(high) / static_cast<double>(wave.size())};
}

TEST(PowerCalculator, RegisterChainSwitchingCountedByHand) {
  if (!std::filesystem::exists(ResolveLiberty("osu018"))) GTEST_SKIP() << "osu018 not installed";
  testing::TempDir tmp;
  const auto lib_path = StageLiberty("osu018", tmp.path() / "stage").plain_lib;
  const Liberty liberty = ReadLiberty(lib_path);
  const MappedNetlist netlist = ReadMappedNetlist(WriteJson(tmp, kChain, lib_path), "chain");

  // The pattern 0011 0011 ... on d; each flop repeats it one cycle later.
  const int cycles = 4001;
  std::vector<std::vector<int>> waves(5, std::vector<int>(cycles, 0));  // d, q0, q1, q2, q
  for (int t = 0; t < cycles; ++t) {
    waves[0][t] = (t / 2) % 2;
    for (int stage = 1; stage < 5; ++stage) waves[stage][t] = t == 0 ? 0 : waves[stage - 1][t - 1];
  }
  ActivityLookup activity;
  const char* names[] = {"d", "q0", "q1", "q2", "q"};
  for (int i = 0; i < 5; ++i) activity.by_net[names[i]] = Measure(waves[i]);
  EXPECT_NEAR(activity.by_net["q1"].toggle_rate, 0.5, 1e-3);
  activity.default_activity = {0.0, 0.0};  // every net is named: a default would be a bug

  const double period_ns = 10.0;
  const PowerResult power = ComputePower(liberty, netlist, activity, period_ns);

  // By hand, from osu018_stdcells.lib (1 pF capacitance unit, 1.8 V):
  // q0, q1 and q2 each drive one DFFPOSX1 D pin, rise_capacitance
  // 0.00882947 pF (> fall 0.00881001; the larger counts); q drives only the
  // port (no load, no wire-load model in osu018); d and clk are driven by
  // ports, outside the design. Each net: 1/2 C V^2 * toggles / period.
  const double c_d_pin = 0.00882947e-12;  // F
  const double volts = 1.8;
  const double per_net = 0.5 * c_d_pin * volts * volts * 0.5 / (period_ns * 1e-9);
  const double by_hand = 3 * per_net;  // = 2.1456e-6 W
  EXPECT_NEAR(by_hand, 2.1456e-6, 0.0001e-6);
  EXPECT_NEAR(power.switching_w, by_hand, 0.01 * by_hand);
  EXPECT_DOUBLE_EQ(power.sequential.switching_w, power.switching_w);
  // Leakage: cell_leakage_power 0.160725 nW per flop.
  EXPECT_NEAR(power.leakage_w, 4 * 0.160725e-9, 1e-15);
  EXPECT_EQ(power.flop_count, 4);
  EXPECT_EQ(power.comb_cell_count, 0);
  EXPECT_GT(power.internal_w, 0.0);
  EXPECT_DOUBLE_EQ(power.total_w, power.internal_w + power.switching_w + power.leakage_w);
  EXPECT_DOUBLE_EQ(power.sequential_w, power.total_w);
}

TEST(PowerCalculator, SwitchingScalesWithToggleRateAndPeriod) {
  if (!std::filesystem::exists(ResolveLiberty("osu018"))) GTEST_SKIP() << "osu018 not installed";
  testing::TempDir tmp;
  const auto lib_path = StageLiberty("osu018", tmp.path() / "stage").plain_lib;
  const Liberty liberty = ReadLiberty(lib_path);
  const MappedNetlist netlist = ReadMappedNetlist(WriteJson(tmp, kChain, lib_path), "chain");
  ActivityLookup slow;
  slow.default_activity = {0.1, 0.5};
  ActivityLookup fast;
  fast.default_activity = {0.4, 0.5};
  const PowerResult a = ComputePower(liberty, netlist, slow, 10.0);
  const PowerResult b = ComputePower(liberty, netlist, fast, 10.0);
  const PowerResult c = ComputePower(liberty, netlist, slow, 5.0);
  EXPECT_NEAR(b.switching_w, 4 * a.switching_w, 1e-12);
  EXPECT_NEAR(c.switching_w, 2 * a.switching_w, 1e-12);
  EXPECT_DOUBLE_EQ(c.leakage_w, a.leakage_w);
}

TEST(PowerCalculator, UnknownCellNamesTypeAndLiberty) {
  if (!std::filesystem::exists(ResolveLiberty("osu018"))) GTEST_SKIP() << "osu018 not installed";
  testing::TempDir tmp;
  const auto lib_path = StageLiberty("osu018", tmp.path() / "stage").plain_lib;
  const Liberty liberty = ReadLiberty(lib_path);
  MappedNetlist netlist;
  netlist.top = "t";
  netlist.net_names.resize(3);
  netlist.cells.push_back({"u1", "NOSUCHCELL", {{"A", 2}}});
  try {
    ComputePower(liberty, netlist, ActivityLookup{}, 10.0);
    FAIL() << "accepted an unknown cell";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'NOSUCHCELL'"), std::string::npos) << message;
    EXPECT_NE(message.find(lib_path.string()), std::string::npos) << message;
  }
  EXPECT_THROW(ComputePower(liberty, MappedNetlist{}, ActivityLookup{}, 0.0), Error);
}

}  // namespace
}  // namespace labq::power
