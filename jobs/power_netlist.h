#pragma once
/// The mapped netlist as labq's power calculator takes it (power/), built
/// from the reader the gate-level simulation already used (gatesim/), so the
/// synth job reads netlist.v once and never asks Yosys for a JSON copy
/// (write_json took 12 s at N=128). Nets keep netlist.v's names, the names
/// activity.tsv uses; `assign` aliases become one net.

#include "gatesim/mapped_netlist.h"
#include "power/mapped_netlist.h"

namespace labq {

/// Power's bits: 0 and 1 the constants, then gatesim's net i as bit i + 2,
/// each alias mapped to the net (or constant) it equals. Unconnected pins
/// are left out (the calculator treats a missing pin as open).
power::MappedNetlist ToPowerNetlist(const gatesim::MappedNetlist& netlist);

}  // namespace labq
