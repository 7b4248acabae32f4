#include "gatesim/activity.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_util.h"
#include "dpu/dpu_golden.h"
#include "gatesim/activity_file.h"
#include "gatesim/gate_simulator.h"
#include "gatesim/gatesim_testing.h"
#include "tests/test_paths.h"

namespace labq::gatesim {
namespace {

constexpr const char* kOsu018 = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";

const NetActivity& Net(const ActivityResult& r, const std::string& name) {
  for (const auto& net : r.nets) {
    if (net.name == name) return net;
  }
  static const NetActivity none{"<none>", 0, 0, false};
  ADD_FAILURE() << "no net " << name;
  return none;
}

/// N=1, M=2: y <= a[0] ^ b[0] through osu018 cells, driven by a hand-made
/// pattern whose toggles can be counted on paper.
TEST(GateActivity, HandCountedRegisterAfterXor) {
  labq::testing::TempDir tmp;
  const auto lib = testing::CellModels(kOsu018, tmp.path());
  const auto netlist = ParseMappedNetlist(R"(module t(clk, a, b, y);
  input clk;
  input [1:0] a;
  input [1:0] b;
  output y;
  wire x;
  XOR2X1 u1 (.A(a[0]), .B(b[0]), .Y(x));
  DFFPOSX1 u2 (.CLK(clk), .D(x), .Q(y));
endmodule
)",
                                          "t.v");
  const GateNetlist gates = BuildGateNetlist(netlist, lib);
  DpuVectorSet v;
  v.n = 1;
  v.a_bits = 2;
  v.b_bits = 2;
  v.source = "hand";
  for (int t = 0; t < 10; ++t) {  // a[0] = 1,0,1,0,...; b[0] = 1 from t = 5
    v.a.push_back({static_cast<uint32_t>(t % 2 == 0)});
    v.b.push_back({static_cast<uint32_t>(t >= 5)});
  }
  const ActivityResult r = SimulateActivity(gates, v);
  EXPECT_EQ(r.warmup, 2);  // one flop deep
  EXPECT_EQ(r.cycles, 8u);
  // Counted cycles 2..9: a[0] toggles in each, b[0] once (t = 5).
  EXPECT_EQ(Net(r, "a[0]").toggles, 8u);
  EXPECT_EQ(Net(r, "a[0]").high_cycles, 4);  // t = 2, 4, 6, 8
  EXPECT_EQ(Net(r, "b[0]").toggles, 1u);
  EXPECT_EQ(Net(r, "b[0]").high_cycles, 5);  // t = 5..9
  // x = a ^ b: 1,0,1,0,1,1,0,1,0,1 -> toggles at t = 2,3,4,6,7,8,9.
  EXPECT_EQ(Net(r, "x").toggles, 7u);
  // y(t) = x(t-1): 1,0,1,0,1,1,0,1,0 for t = 1..9 -> toggles at t = 2,3,4,6,7,8,9... of y:
  // y(1..9) = x(0..8) = 1,0,1,0,1,1,0,1,0 -> changes at t = 2,3,4,5,7,8,9 minus t = 6.
  EXPECT_EQ(Net(r, "y").toggles, 7u);
  EXPECT_EQ(Net(r, "a[1]").toggles, 0u);
  EXPECT_EQ(Net(r, "clk").toggles, 16u);
  EXPECT_TRUE(Net(r, "clk").clock_tree);
  EXPECT_EQ(TogglesPerCycle(r, false), (8.0 + 1 + 7 + 7) / 8);
}

/// A toggle flop (D = ~Q) feeds back: one lane, still exact.
TEST(GateActivity, FeedbackRunsInOneLane) {
  labq::testing::TempDir tmp;
  const auto lib = testing::CellModels(kOsu018, tmp.path());
  const auto gates = BuildGateNetlist(ParseMappedNetlist(R"(module t(clk, a, b, q);
  input clk; input a; input b; output q; wire qn;
  INVX1 u1 (.A(q), .Y(qn));
  DFFPOSX1 u2 (.CLK(clk), .D(qn), .Q(q));
endmodule
)",
                                                         "t.v"),
                                      lib);
  const auto r = SimulateActivity(gates, RandomDpuVectors(1, 1, 1, 100, 3));
  EXPECT_EQ(r.lanes, 1);
  EXPECT_EQ(r.cycles, 99u);
  EXPECT_EQ(Net(r, "q").toggles, 99u);
  EXPECT_EQ(Net(r, "q").high_cycles, 50);  // q(t) = t % 2 for t = 1..99
}

/// osu018's DFFSR (active-low set and reset) through $_DFFSR_PNN_.
TEST(GateActivity, AsyncResetForcesAndHolds) {
  labq::testing::TempDir tmp;
  const auto lib = testing::CellModels(kOsu018, tmp.path());
  const auto gates = BuildGateNetlist(ParseMappedNetlist(R"(module t(clk, d, rn, q);
  input clk; input d; input rn; output q;
  DFFSR u (.CLK(clk), .D(d), .R(rn), .S(1'b1), .Q(q));
endmodule
)",
                                                         "t.v"),
                                      lib);
  GateSimulator sim(gates, "clk");
  auto signal = [&](const std::string& name) {
    for (size_t i = 0; i < gates.net_names.size(); ++i) {
      if (gates.net_names[i] == name) return kFirstNet + static_cast<Signal>(i);
    }
    ADD_FAILURE() << name;
    return kSignal0;
  };
  sim.Reset();
  sim.SetInput(signal("d"), 1);
  sim.SetInput(signal("rn"), 1);
  sim.Settle();
  sim.ClockEdge();
  sim.Settle();
  EXPECT_EQ(sim.Value(signal("q")) & 1, 1u);  // captured d
  sim.SetInput(signal("rn"), 0);
  sim.Settle();
  EXPECT_EQ(sim.Value(signal("q")) & 1, 0u);  // reset at once, no edge
  sim.SetInput(signal("rn"), 1);
  sim.Settle();
  EXPECT_EQ(sim.Value(signal("q")) & 1, 0u);  // and held after release
  sim.ClockEdge();
  sim.Settle();
  EXPECT_EQ(sim.Value(signal("q")) & 1, 1u);
}

/// A real mapped DPU: the gate-level outputs match the golden model in
/// every lane, the 64-lane counts equal the serial run's, and the activity
/// file reads back.
TEST(GateActivity, MappedDpuMatchesGoldenAndSerialRun) {
  labq::testing::TempDir tmp;
  const auto job = testing::SynthesizeDpu(3, "lsb", "osu018", tmp.path());
  const GateNetlist gates = testing::FlattenJob(job);
  const DpuDesign design{3, 8, 8, DpuMode::kLsb, 8, BFormat::kUnsigned};
  const DpuVectorSet v = RandomDpuVectors(3, 8, 8, 300, 5);

  GateSimulator sim(gates, "clk");
  std::vector<Signal> y(design.OutputBits()), a(24), b(24);
  for (size_t i = 0; i < gates.net_names.size(); ++i) {
    const std::string& name = gates.net_names[i];
    for (int k = 0; k < 24; ++k) {
      if (name == "a[" + std::to_string(k) + "]") a[k] = kFirstNet + static_cast<Signal>(i);
      if (name == "b[" + std::to_string(k) + "]") b[k] = kFirstNet + static_cast<Signal>(i);
      if (k < design.OutputBits() && name == "y[" + std::to_string(k) + "]") {
        y[k] = kFirstNet + static_cast<Signal>(i);
      }
    }
  }
  // Lane k runs vectors k, k+64, ...: every lane is checked.
  sim.Reset();
  int checked = 0;
  for (size_t step = 0; step < 4; ++step) {
    if (step > 0) sim.ClockEdge();
    for (int bit = 0; bit < 24; ++bit) {
      uint64_t wa = 0, wb = 0;
      for (int lane = 0; lane < 64; ++lane) {
        const size_t t = step * 64 + lane;
        wa |= uint64_t{v.BitA(t, bit)} << lane;
        wb |= uint64_t{v.BitB(t, bit)} << lane;
      }
      sim.SetInput(a[bit], wa);
      sim.SetInput(b[bit], wb);
    }
    sim.Settle();
    if (step == 0) continue;
    for (int lane = 0; lane < 64; ++lane) {
      const size_t t = (step - 1) * 64 + lane;  // y holds the previous cycle's vector
      uint64_t got = 0;
      for (int k = 0; k < design.OutputBits(); ++k) {
        got |= ((sim.Value(y[k]) >> lane) & 1) << k;
      }
      ASSERT_EQ(got, DpuOutput(design, DotProduct(v.a[t], v.b[t]))) << "vector " << t;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 192);

  const auto parallel = SimulateActivity(gates, v);
  ActivityOptions serial_options;
  serial_options.max_lanes = 1;
  const auto serial = SimulateActivity(gates, v, serial_options);
  EXPECT_EQ(parallel.lanes, 64);
  EXPECT_EQ(serial.lanes, 1);
  ASSERT_EQ(parallel.nets.size(), serial.nets.size());
  uint64_t total = 0;
  for (size_t i = 0; i < serial.nets.size(); ++i) {
    EXPECT_EQ(parallel.nets[i].toggles, serial.nets[i].toggles) << serial.nets[i].name;
    EXPECT_EQ(parallel.nets[i].high_cycles, serial.nets[i].high_cycles) << serial.nets[i].name;
    total += serial.nets[i].toggles;
  }
  EXPECT_GT(total, 100 * parallel.cycles);  // random inputs keep the tree busy

  WriteActivityTsv(parallel, (tmp.path() / "activity.tsv").string());
  const auto read = ReadActivityTsv((tmp.path() / "activity.tsv").string());
  EXPECT_EQ(read.cycles, parallel.cycles);
  ASSERT_EQ(read.nets.size(), parallel.nets.size());
  EXPECT_EQ(read.nets[0].name, parallel.nets[0].name);
  EXPECT_EQ(read.nets.back().toggles, parallel.nets.back().toggles);
  EXPECT_EQ(read.source, "random (seed 5)");
}

TEST(GateActivity, UnknownCellAndUnparseableFunctionNameCellAndLiberty) {
  labq::testing::TempDir tmp;
  const auto lib = testing::CellModels(kOsu018, tmp.path());
  try {
    BuildGateNetlist(ParseMappedNetlist("module t(a);\n input a;\n wire x;\n"
                                        "  FOOX1 u (.A(a), .Y(x));\nendmodule\n",
                                        "t.v"),
                     lib);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.v:4: instance u (cell FOOX1, liberty " +
                                         std::string(kOsu018) + "): the liberty has no model"),
              std::string::npos)
        << e.what();
  }
  WriteFileAtomically(tmp.path() / "fake.lib", R"lib(library(fake) {
  cell(GOODX1) {
    pin(A) { direction : input; }
    pin(Y) { direction : output; function : "!A"; }
  }
  cell(BADX1) {
    pin(A) { direction : input; }
    pin(B) { direction : input; }
    pin(Y) { direction : output; function : "(A @ B)"; }
  }
}
)lib");
  WriteFileAtomically(tmp.path() / "fake.ys", RenderCellLibraryScript("fake.lib", "fake.json"));
  std::string output;
  EXPECT_FALSE(testing::RunTool(CellLibraryYosysArgv("fake.ys"), tmp.path(), &output));
  EXPECT_EQ(ExplainLibertyError(output, (tmp.path() / "fake.lib").string()),
            (tmp.path() / "fake.lib").string() +
                ":9: cell BADX1: pin Y: function \"(A @ B)\" cannot be read (Yosys: Expected "
                "identifier at `@ B)'.)");
}

}  // namespace
}  // namespace labq::gatesim
