#pragma once
/// Test helpers for gatesim: a liberty's cell models through real Yosys, and
/// a DPU's mapped netlist through labq's own synth job.

#include <filesystem>
#include <string>

#include "gatesim/cell_library.h"
#include "gatesim/gate_netlist.h"

namespace labq::gatesim::testing {

/// Runs argv in `dir`; returns whether it succeeded, stdout+stderr in `output`.
bool RunTool(const std::vector<std::string>& argv, const std::filesystem::path& dir,
             std::string* output = nullptr);

/// The cell models of `liberty` (a path to a plain .lib), via Yosys in `dir`.
CellLibrary CellModels(const std::string& liberty, const std::filesystem::path& dir);

/// A DPU's netlist.v from the synth job (fixed 10 ns clock) under `dir`;
/// returns the job folder. `liberty`: osu018, nangate45, sky130.
std::filesystem::path SynthesizeDpu(int n, const std::string& mode, const std::string& liberty,
                                    const std::filesystem::path& dir);

/// netlist.v of a synth job folder, flattened with its staged liberty.lib.
GateNetlist FlattenJob(const std::filesystem::path& job_dir);

}  // namespace labq::gatesim::testing
