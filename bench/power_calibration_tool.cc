/// Prints labq's power (power/power_calculator.h) for one mapped netlist
/// under a uniform activity, with the time each step took, as one JSON
/// object; bench/power_calibration puts it beside OpenSTA's report_power.
/// Usage:
///   power_calibration_tool power LIB NETLIST_JSON TOP PERIOD_NS ACTIVITY [HIGH]
///   power_calibration_tool rtl N          (the full-mode DPU's Verilog, M = 8)
///   power_calibration_tool stage NAME DIR (stages a named liberty, prints its path)

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>

#include "dpu/dpu_design.h"
#include "jobs/dpu_rtl.h"
#include "jobs/liberty.h"
#include "power/liberty_reader.h"
#include "power/mapped_netlist.h"
#include "power/power_calculator.h"

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

/// `power`: argv[1..] = LIB NETLIST_JSON TOP PERIOD_NS ACTIVITY [HIGH].
int Power(int argc, char** argv) {
  {
    using Clock = std::chrono::steady_clock;
    auto start = Clock::now();
    const labq::power::Liberty liberty = labq::power::ReadLiberty(argv[1]);
    const double read_liberty_s = Seconds(start);
    start = Clock::now();
    const labq::power::MappedNetlist netlist = labq::power::ReadMappedNetlist(argv[2], argv[3]);
    const double read_netlist_s = Seconds(start);
    labq::power::ActivityLookup activity;
    activity.default_activity.toggle_rate = std::stod(argv[5]);
    activity.default_activity.high_probability = argc == 7 ? std::stod(argv[6]) : 0.5;
    start = Clock::now();
    const labq::power::PowerResult r =
        labq::power::ComputePower(liberty, netlist, activity, std::stod(argv[4]));
    const double compute_s = Seconds(start);
    std::printf(
        "{\"internal_w\": %.9g, \"switching_w\": %.9g, \"leakage_w\": %.9g, \"total_w\": %.9g, "
        "\"sequential_w\": %.9g, \"combinational_w\": %.9g, \"flop_count\": %d, "
        "\"comb_cell_count\": %d, \"seq_internal_w\": %.9g, \"seq_switching_w\": %.9g, "
        "\"seq_leakage_w\": %.9g, \"read_liberty_s\": %.4f, \"read_netlist_s\": %.4f, "
        "\"compute_s\": %.4f}\n",
        r.internal_w, r.switching_w, r.leakage_w, r.total_w, r.sequential_w, r.combinational_w,
        r.flop_count, r.comb_cell_count, r.sequential.internal_w, r.sequential.switching_w,
        r.sequential.leakage_w, read_liberty_s, read_netlist_s, compute_s);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    if (command == "power" && (argc == 7 || argc == 8)) return Power(argc - 1, argv + 1);
    if (command == "rtl" && argc == 3) {
      labq::DpuDesign design;
      design.n = std::stoi(argv[2]);
      design.a_bits = 8;
      design.b_bits = 8;
      design.mode = labq::DpuMode::kFull;
      std::printf("%s", labq::RenderDpuVerilog(design).c_str());
      return 0;
    }
    if (command == "stage" && argc == 4) {
      std::printf("%s\n", labq::StageLiberty(argv[2], argv[3]).plain_lib.c_str());
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::fprintf(stderr,
               "usage: %s power LIB NETLIST_JSON TOP PERIOD_NS ACTIVITY [HIGH]\n"
               "       %s rtl N\n       %s stage NAME DIR\n",
               argv[0], argv[0], argv[0]);
  return 2;
}
