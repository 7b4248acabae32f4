#pragma once
/// The activity file a synthesis job keeps (activity.tsv): one line per net
/// of the mapped netlist with its toggles and high cycles over `cycles`
/// counted cycles, so power can be recomputed without simulating again.
///
///   # labq gate-level activity (gatesim)
///   # cycles 1998
///   # vectors 2000 warmup 2 lanes 64 seconds 0.0123
///   # source random (seed 1)
///   net	toggles	high_cycles	clock
///   clk	3996	999	1
///   a[0]	1002	987	0

#include <string>

#include "gatesim/activity.h"

namespace labq::gatesim {

void WriteActivityTsv(const ActivityResult& result, const std::string& path);
/// Throws InputError naming the file and line.
ActivityResult ReadActivityTsv(const std::string& path);

}  // namespace labq::gatesim
