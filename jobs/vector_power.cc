#include "jobs/vector_power.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "common/metric_names.h"
#include "common/text.h"
#include "dpu/dpu_vectors.h"
#include "gatesim/activity.h"
#include "gatesim/activity_file.h"
#include "gatesim/cell_library.h"
#include "gatesim/gate_netlist.h"
#include "jobs/cache_key.h"
#include "jobs/clock_period.h"
#include "jobs/power_netlist.h"
#include "power/liberty_reader.h"
#include "power/power_calculator.h"
#include "process/subprocess.h"

namespace labq {
namespace {

namespace fs = std::filesystem;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The code that computes the in-process steps: labq's own binary.
std::string LabqHash() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return "labq=" + (ec ? std::string("unknown") : CachedFileHash(self.string())) + "\n";
}

/// The workload's identity: random with its seed, or the file's content.
std::string WorkloadMaterial(const DpuParams& p) {
  // The lab's family keeps its material (and so its step keys) unchanged.
  const std::string widths = p.a_bits == p.b_bits ? "input_bits=" + std::to_string(p.a_bits)
                                                  : "a_bits=" + std::to_string(p.a_bits) +
                                                        "\nb_bits=" + std::to_string(p.b_bits);
  std::string m = "n=" + std::to_string(p.n) + "\n" + widths +
                  "\npower_vectors=" + std::to_string(p.power_vectors) + "\n";
  if (p.vectors == "random") return m + "vectors=random\nseed=" + std::to_string(p.seed) + "\n";
  return m + "vectors=" + InputHash(p.vectors) + "\n";
}

/// cells.json: the liberty's cells as Yosys's simple gates.
void MakeCellModels(const VectorPowerContext& run) {
  const fs::path& dir = run.context.dir;
  const std::string linked = LinkStagedLiberty(run.liberty, dir);
  WriteFileAtomically(dir / "cells.ys", gatesim::RenderCellLibraryScript(linked, "cells.json"));
  const SubprocessResult r =
      run.runner.Run("cells", gatesim::CellLibraryYosysArgv("cells.ys"), run.options);
  if (!r.Succeeded() || !fs::exists(dir / "cells.json")) {
    std::string output;
    for (const char* log : {"cells.stdout", "cells.stderr"}) {
      if (fs::exists(dir / log)) output += ReadFile((dir / log).string());
    }
    const std::string why = gatesim::ExplainLibertyError(output, run.liberty.source.string());
    if (!why.empty()) throw JobFailed("cells: " + why);
    RunStepOrFail(run.runner, run.context, "cells", gatesim::CellLibraryYosysArgv("cells.ys"),
                  run.options);
    throw JobFailed("cells: Yosys wrote no cells.json; see cells.stdout");
  }
}

/// activity.tsv: the mapped netlist simulated on the job's vectors.
void SimulateVectors(const VectorPowerContext& run) {
  const fs::path& dir = run.context.dir;
  const DpuParams& p = run.params;
  try {
    const gatesim::GateNetlist netlist = gatesim::LoadGateNetlist(
        (dir / "netlist.v").string(), (dir / "cells.json").string(), run.liberty.source.string());
    const DpuVectorSet vectors = p.Workload();
    const gatesim::ActivityResult activity = gatesim::SimulateActivity(netlist, vectors);
    gatesim::WriteActivityTsv(activity, (dir / "activity.tsv").string());
  } catch (const JobFailed&) {
    throw;
  } catch (const std::exception& e) {
    throw JobFailed(std::string("activity: ") + e.what());
  }
}

/// Per-net activity for the calculator: toggles and high time per cycle.
power::ActivityLookup Lookup(const gatesim::ActivityResult& activity) {
  power::ActivityLookup lookup;
  const double cycles = static_cast<double>(activity.cycles);
  // A net the simulation does not name (none should) is taken as quiet.
  lookup.default_activity = {0.0, 0.5};
  for (const auto& net : activity.nets) {
    lookup.by_net[net.name] = {static_cast<double>(net.toggles) / cycles, net.high_cycles / cycles};
  }
  return lookup;
}

/// power.json: labq's calculator on the stored activity.
void ComputeVectorPower(const VectorPowerContext& run, double period_ns,
                        const gatesim::ActivityResult& activity) {
  const fs::path& dir = run.context.dir;
  const auto start = std::chrono::steady_clock::now();
  power::PowerResult r;
  try {
    const power::Liberty liberty = power::ReadLiberty(run.liberty.plain_lib);
    const power::MappedNetlist netlist = ToPowerNetlist(
        gatesim::ReadMappedNetlist((dir / "netlist.v").string(), run.params.Design().ModuleName()));
    r = power::ComputePower(liberty, netlist, Lookup(activity), period_ns);
  } catch (const std::exception& e) {
    throw JobFailed(std::string("power: ") + e.what());
  }
  const nlohmann::json j = {
      {"internal_w", r.internal_w},     {"switching_w", r.switching_w},
      {"leakage_w", r.leakage_w},       {"total_w", r.total_w},
      {"sequential_w", r.sequential_w}, {"combinational_w", r.combinational_w},
      {"flop_count", r.flop_count},     {"comb_cell_count", r.comb_cell_count},
      {"period_ns", period_ns},         {"seconds", SecondsSince(start)}};
  WriteFileAtomically(dir / "power.json", j.dump(2) + "\n");
}

Quantity Watts(double w) { return {w, "W", w, "W", 0}; }

}  // namespace

ParsedReport VectorPower(const VectorPowerContext& run, double period_ns, JobOutput& out) {
  const fs::path& dir = run.context.dir;
  const std::string liberty = "liberty=" + run.liberty.sha256 + "\n";
  const std::string& netlist = run.netlist_material;
  const StepKey cells{
      "cells", liberty + ToolHash("yosys") + "\nscript=" +
                   Sha256Hex(gatesim::RenderCellLibraryScript("liberty.lib", "cells.json")) + "\n"};
  const StepKey activity_key{"activity",
                             cells.material + netlist + WorkloadMaterial(run.params) + LabqHash()};
  // This job's own time per part (a reused step costs its copy only).
  std::string split;
  auto timed = [&](const std::string& what, const std::function<void()>& part) {
    const auto start = std::chrono::steady_clock::now();
    part();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %.3f s", what.c_str(), SecondsSince(start));
    split += (split.empty() ? "" : ", ") + std::string(buf);
  };
  timed("activity", [&] {
    RunOrReuseStep(run.store, run.log, activity_key, dir, {"activity.tsv"}, [&] {
      timed("cells", [&] {
        RunOrReuseStep(run.store, run.log, cells, dir, {"cells.json"},
                       [&] { MakeCellModels(run); });
      });
      timed("simulate", [&] { SimulateVectors(run); });
    });
  });
  gatesim::ActivityResult activity;
  try {
    activity = gatesim::ReadActivityTsv((dir / "activity.tsv").string());
  } catch (const std::exception& e) {
    throw JobFailed(std::string("activity: ") + e.what());
  }
  if (activity.cycles == 0) throw JobFailed("activity: no cycles were counted (activity.tsv)");

  const StepKey power_key{"power", liberty + netlist +
                                       "activity=" + Sha256OfFile(dir / "activity.tsv") +
                                       "\nperiod_ns=" + FormatNs(period_ns) + "\n" + LabqHash()};
  timed("power", [&] {
    RunOrReuseStep(run.store, run.log, power_key, dir, {"power.json"},
                   [&] { ComputeVectorPower(run, period_ns, activity); });
  });
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ReadFile((dir / "power.json").string()));
  } catch (const std::exception& e) {
    throw JobFailed(std::string("power: power.json: ") + e.what());
  }
  ParsedReport report;
  report.tool = "labq";
  report.kind = "power";
  report.file = "power.json";
  report.values["internal"] = Watts(j.at("internal_w").get<double>());
  report.values["switching"] = Watts(j.at("switching_w").get<double>());
  report.values["leakage"] = Watts(j.at("leakage_w").get<double>());
  report.values["total"] = Watts(j.at("total_w").get<double>());
  out.Add(metric::kPowerSequential, j.at("sequential_w").get<double>(), "W");
  out.Add(metric::kPowerCombinational, j.at("combinational_w").get<double>(), "W");
  out.Add(metric::kActivityCycles, static_cast<double>(activity.cycles), "count");
  out.Add(metric::kActivitySeconds, activity.seconds, "s");
  out.Add(metric::kPowerCalcSeconds, j.at("seconds").get<double>(), "s");
  out.texts["vector_power_seconds"] = split;
  out.texts["activity_source"] =
      activity.source + ", " + std::to_string(activity.cycles) + " cycles (gate-level, zero delay)";
  return report;
}

}  // namespace labq
