#include "power/liberty_reader.h"

#include <gtest/gtest.h>

#include <array>

#include "common/error.h"
#include "jobs/liberty.h"
#include "tests/test_paths.h"

namespace labq::power {
namespace {

constexpr char kDemo[] = R"lib(library (demo) {
  time_unit : "1ns";
  voltage_unit : "1V";
  current_unit : "1mA";
  leakage_power_unit : "1nW";
  capacitive_load_unit (1, ff);
  nom_voltage : 1.1;
  voltage_map (VDD, 1.1);
  operating_conditions (typical) { voltage : 1.1; }
  default_operating_conditions : typical;
  wire_load ("small") {
    capacitance : 0.2; resistance : 0.001; slope : 5.0;
    fanout_length (1, 1.0);
    fanout_length (3, 4.0);
  }
  default_wire_load : "small";
  lu_table_template (energy_2d) {
    variable_1 : input_transition_time;
    variable_2 : total_output_net_capacitance;
    index_1 ("0.1, 0.2"); index_2 ("1, 2");
  }
  cell (NAND2) {
    area : 1.5;
    cell_leakage_power : 20;
    leakage_power () { when : "!A & !B"; value : 10; }
    pg_pin (VDD) { voltage_name : VDD; pg_type : primary_power; }
    pin (A) { direction : input; capacitance : 1.5; rise_capacitance : 1.6; }
    pin (B) { direction : input; capacitance : 1.4; }
    pin (Y) {
      direction : output;
      function : "!(A & B)";
      related_power_pin : VDD;
      internal_power () {
        related_pin : "A B";
        rise_power (energy_2d) { values ("1, 2", "3, 4"); }
        fall_power (energy_2d) { index_2 ("1, 3"); values ("5, 6", "7, 8"); }
      }
      timing () {
        related_pin : "A";
        timing_sense : negative_unate;
        rise_transition (scalar) { values ("0.05"); }
      }
      timing () { related_pin : "B"; timing_type : setup_rising; }
    }
  }
  cell (DFF) {
    ff (IQ, IQN) { clocked_on : "CK"; next_state : "D"; }
    pin (CK) { direction : input; clock : true; capacitance : 1; }
    pin (D) { direction : input; capacitance : 1; }
    pin (Q) { direction : output; function : "IQ"; }
  }
}
)lib";

TEST(LibertyReader, UnitsAndTheDerivedEnergyUnit) {
  const Liberty lib = ReadLibertyText(kDemo, "demo.lib");
  EXPECT_EQ(lib.name, "demo");
  EXPECT_DOUBLE_EQ(lib.units.time_s, 1e-9);
  EXPECT_DOUBLE_EQ(lib.units.capacitance_f, 1e-15);
  EXPECT_DOUBLE_EQ(lib.units.leakage_power_w, 1e-9);
  EXPECT_DOUBLE_EQ(lib.units.current_a, 1e-3);
  // Internal energy is in voltage_unit^2 * capacitive_load_unit: 1 fJ here.
  EXPECT_DOUBLE_EQ(lib.units.energy_j(), 1e-15);
  EXPECT_DOUBLE_EQ(lib.nom_voltage, 1.1);
  EXPECT_DOUBLE_EQ(lib.default_voltage, 1.1);
}

TEST(LibertyReader, DefaultWireLoadWithLengthsAndSlope) {
  const Liberty lib = ReadLibertyText(kDemo, "demo.lib");
  const WireLoad* wl = lib.DefaultWireLoad();
  ASSERT_NE(wl, nullptr);
  EXPECT_EQ(wl->name, "small");
  EXPECT_DOUBLE_EQ(wl->capacitance, 0.2);
  EXPECT_DOUBLE_EQ(wl->Length(1), 1.0);
  EXPECT_DOUBLE_EQ(wl->Length(2), 2.5);   // between entries
  EXPECT_DOUBLE_EQ(wl->Length(5), 14.0);  // 4 + 2 * slope beyond the last
  EXPECT_DOUBLE_EQ(wl->Length(0), 0.0);   // 1 - 5 clamps at 0
}

TEST(LibertyReader, CellPinsTablesAndExpressions) {
  const Liberty lib = ReadLibertyText(kDemo, "demo.lib");
  const LibertyCell* nand = lib.FindCell("NAND2");
  ASSERT_NE(nand, nullptr);
  EXPECT_DOUBLE_EQ(nand->area, 1.5);
  EXPECT_DOUBLE_EQ(*nand->cell_leakage_power, 20);
  ASSERT_EQ(nand->leakage_power.size(), 1u);
  EXPECT_TRUE(nand->leakage_power[0].when.has_value());
  EXPECT_FALSE(nand->is_sequential());
  const LibertyPin& a = nand->pins[static_cast<size_t>(nand->FindPin("A"))];
  EXPECT_DOUBLE_EQ(a.rise_capacitance, 1.6);
  EXPECT_DOUBLE_EQ(a.fall_capacitance, 1.5);  // falls back to capacitance
  const LibertyPin& y = nand->pins[static_cast<size_t>(nand->FindPin("Y"))];
  EXPECT_EQ(y.direction, PinDirection::kOutput);
  ASSERT_TRUE(y.function.has_value());
  const std::array<bool, 3> both_high = {true, true, false};
  EXPECT_FALSE(y.function->Evaluate(both_high));
  // "A B" is two arcs; the fall table overrides the template's index_2.
  ASSERT_EQ(y.internal_power.size(), 2u);
  EXPECT_EQ(y.internal_power[1].related_pin, nand->FindPin("B"));
  EXPECT_DOUBLE_EQ(y.internal_power[0].rise->Lookup(0.15, 1.5), 2.5);
  EXPECT_DOUBLE_EQ(y.internal_power[0].fall->Lookup(0.1, 3.0), 6.0);
  // The setup check is not a delay arc.
  ASSERT_EQ(y.timing.size(), 1u);
  EXPECT_EQ(y.timing[0].sense, TimingSense::kNegativeUnate);
  EXPECT_DOUBLE_EQ(y.timing[0].rise_transition->Lookup(9, 9), 0.05);
  EXPECT_DOUBLE_EQ(lib.PinVoltage(*nand, y), 1.1);
  const LibertyCell* dff = lib.FindCell("DFF");
  ASSERT_NE(dff, nullptr);
  EXPECT_TRUE(dff->is_sequential());
  EXPECT_EQ(dff->sequentials[0].state, "IQ");
  EXPECT_TRUE(dff->pins[0].clock);
}

TEST(LibertyReader, UnknownFunctionNamesCellPinAndFile) {
  std::string text = kDemo;
  text.replace(text.find("\"!(A & B)\""), 10, "\"!(A & C)\"");
  try {
    ReadLibertyText(text, "demo.lib");
    FAIL() << "accepted a function over an unknown pin";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("demo.lib:31"), std::string::npos) << message;
    EXPECT_NE(message.find("cell 'NAND2' pin 'Y'"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown pin 'C'"), std::string::npos) << message;
  }
  std::string garbled = kDemo;
  garbled.replace(garbled.find("\"!(A & B)\""), 10, "\"!(A & )B\"");
  EXPECT_THROW(ReadLibertyText(garbled, "demo.lib"), InputError);
}

TEST(LibertyReader, MalformedValuesNameTheLine) {
  std::string text = kDemo;
  text.replace(text.find("area : 1.5"), 10, "area : big");
  try {
    ReadLibertyText(text, "demo.lib");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("demo.lib:23"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ReadLiberty("/nonexistent/x.lib"), Error);
}

/// The three liberties labq ships with: staged (gunzipped) like a job does.
Liberty ReadNamed(const std::string& name, const testing::TempDir& tmp) {
  return ReadLiberty(StageLiberty(name, tmp.path()).plain_lib);
}

TEST(LibertyReader, ReadsOsu018) {
  if (!std::filesystem::exists(ResolveLiberty("osu018"))) GTEST_SKIP() << "osu018 not installed";
  testing::TempDir tmp;
  const Liberty lib = ReadNamed("osu018", tmp);
  EXPECT_DOUBLE_EQ(lib.units.capacitance_f, 1e-12);
  EXPECT_DOUBLE_EQ(lib.units.energy_j(), 1e-12);
  EXPECT_DOUBLE_EQ(lib.default_voltage, 1.8);
  EXPECT_EQ(lib.DefaultWireLoad(), nullptr);
  const LibertyCell* dff = lib.FindCell("DFFPOSX1");
  ASSERT_NE(dff, nullptr);
  EXPECT_DOUBLE_EQ(dff->area, 96);
  EXPECT_TRUE(dff->is_sequential());
  const LibertyPin& clk = dff->pins[static_cast<size_t>(dff->FindPin("CLK"))];
  EXPECT_TRUE(clk.clock);
  EXPECT_DOUBLE_EQ(clk.rise_capacitance, 0.0279235);
  EXPECT_EQ(clk.internal_power.size(), 1u);
}

TEST(LibertyReader, ReadsNangate45AndSky130) {
  testing::TempDir tmp;
  for (const std::string name : {"nangate45", "sky130"}) {
    if (!std::filesystem::exists(ResolveLiberty(name))) GTEST_SKIP() << name << " not found";
    const Liberty lib = ReadNamed(name, tmp);
    EXPECT_GT(lib.cells.size(), 100u) << name;
    ASSERT_NE(lib.DefaultWireLoad(), nullptr) << name;
    for (const LibertyCell& cell : lib.cells) {
      for (const LibertyPin& pin : cell.pins) {
        if (pin.direction == PinDirection::kOutput && !cell.is_sequential()) {
          EXPECT_TRUE(pin.function.has_value() || pin.internal_power.empty())
              << name << " " << cell.name << "/" << pin.name;
        }
      }
    }
  }
}

}  // namespace
}  // namespace labq::power
