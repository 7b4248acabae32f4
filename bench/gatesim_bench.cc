/// Gate-level activity: the time of each part (Yosys cell models, reading
/// netlist.v, flattening, the 64-lane simulation) and, as the baseline from
/// the same run, the same simulation in one lane (the serial reference).
/// Prints toggles per cycle so full and msb can be compared.
///
/// Usage: build/bench/gatesim_bench [--vectors N] [--input-bits M] SYNTH_JOB_DIR...
///   each folder holds a synth job's netlist.v and liberty.lib
///   (labq-work/<sweep>/dpu_<N>_<mode>.synth after `make run`).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/file_util.h"
#include "dpu/dpu_vectors.h"
#include "gatesim/activity.h"
#include "gatesim/activity_file.h"
#include "gatesim/cell_library.h"
#include "gatesim/gate_netlist.h"
#include "gatesim/mapped_netlist.h"
#include "process/subprocess.h"

namespace {

using namespace labq;
using namespace labq::gatesim;
using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int Run(int argc, char** argv) {
  int vectors = 2000, input_bits = 8;
  std::vector<std::filesystem::path> jobs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--vectors" && i + 1 < argc) {
      vectors = std::stoi(argv[++i]);
    } else if (arg == "--input-bits" && i + 1 < argc) {
      input_bits = std::stoi(argv[++i]);
    } else {
      jobs.emplace_back(arg);
    }
  }
  if (jobs.empty()) {
    std::fprintf(stderr, "usage: gatesim_bench [--vectors N] [--input-bits M] SYNTH_JOB_DIR...\n");
    return 2;
  }
  std::printf("%-28s %7s %8s %6s %8s %8s %8s %8s %8s %7s %8s %10s\n", "netlist", "cells", "gates",
              "flops", "models_s", "read_s", "flat_s", "sim64_s", "sim1_s", "x", "total_s",
              "toggles/c");
  for (const auto& job : jobs) {
    const auto work =
        std::filesystem::temp_directory_path() / ("gatesim_bench_" + std::to_string(::getpid()));
    std::filesystem::create_directories(work);
    std::error_code ec;
    std::filesystem::remove(work / "cells.lib", ec);
    std::filesystem::create_symlink(std::filesystem::absolute(job / "liberty.lib"),
                                    work / "cells.lib");
    WriteFileAtomically(work / "cells.ys", RenderCellLibraryScript("cells.lib", "cells.json"));
    auto t = Clock::now();
    SubprocessSpec spec;
    spec.argv = CellLibraryYosysArgv("cells.ys");
    spec.working_dir = work;
    spec.stdout_path = work / "yosys.stdout";
    spec.stderr_path = work / "yosys.stderr";
    if (!RunSubprocess(spec).Succeeded()) {
      std::fprintf(stderr, "%s: yosys failed (%s)\n", job.c_str(), spec.stderr_path.c_str());
      return 1;
    }
    const CellLibrary lib = ReadCellLibraryJson((work / "cells.json").string(), "liberty.lib");
    const double models_s = Since(t);
    t = Clock::now();
    const MappedNetlist netlist = ReadMappedNetlist((job / "netlist.v").string());
    const double read_s = Since(t);
    t = Clock::now();
    const GateNetlist gates = BuildGateNetlist(netlist, lib);
    const double flat_s = Since(t);
    int a_bits = 0;
    for (const auto& port : netlist.ports) a_bits += port.input && port.name.rfind("a[", 0) == 0;
    const int n = a_bits / input_bits;
    const DpuVectorSet set = RandomDpuVectors(n, input_bits, input_bits, vectors, 1);
    t = Clock::now();
    const ActivityResult parallel = SimulateActivity(gates, set);
    const double sim64_s = Since(t);
    ActivityOptions serial_options;
    serial_options.max_lanes = 1;
    t = Clock::now();
    const ActivityResult serial = SimulateActivity(gates, set, serial_options);
    const double sim1_s = Since(t);
    for (size_t i = 0; i < serial.nets.size(); ++i) {
      if (serial.nets[i].toggles != parallel.nets[i].toggles) {
        std::fprintf(stderr, "%s: net %s: 64 lanes count %llu toggles, 1 lane %llu\n", job.c_str(),
                     serial.nets[i].name.c_str(),
                     static_cast<unsigned long long>(parallel.nets[i].toggles),
                     static_cast<unsigned long long>(serial.nets[i].toggles));
        return 1;
      }
    }
    WriteActivityTsv(parallel, (work / "activity.tsv").string());
    std::printf("%-28s %7zu %8zu %6zu %8.3f %8.3f %8.3f %8.3f %8.3f %7.1f %8.3f %10.1f\n",
                (job.filename().string()).c_str(), netlist.instances.size(), gates.gates.size(),
                gates.flops.size(), models_s, read_s, flat_s, sim64_s, sim1_s, sim1_s / sim64_s,
                models_s + read_s + flat_s + sim64_s, TogglesPerCycle(parallel, false));
    std::printf(
        "  N=%d, %zu vectors (%llu counted cycles, warm-up %d), clock %s: %.1f toggles "
        "per cycle with the clock\n",
        n, set.size(), static_cast<unsigned long long>(parallel.cycles), parallel.warmup,
        parallel.clock.c_str(), TogglesPerCycle(parallel, true));
    std::filesystem::remove_all(work, ec);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gatesim_bench: %s\n", e.what());
    return 1;
  }
}
