#pragma once
/// `activity: vectors` on the open flow: power from what the circuit does on
/// the job's workload. The mapped netlist is simulated gate by gate on the
/// job's vectors (gatesim/: every net's toggles and high cycles), and labq's
/// power calculator (power/) turns those into switching, internal and
/// leakage power from the liberty; OpenSTA still times the design, since
/// this OpenSTA cannot take per-net activities (issue 11). Three steps of the
/// step store (jobs/step_store.h), each keyed on its own inputs:
/// - cells: the liberty's cell functions as logic (Yosys read_liberty), per
///   liberty and Yosys;
/// - activity: activity.tsv, per netlist, cell models and workload;
/// - power: power.json, per netlist, activity, liberty and period.
/// The two in-process steps also key on labq's own binary (the code that
/// computes them).

#include "common/parsed_report.h"
#include "jobs/dpu_kind.h"
#include "jobs/job_kind.h"
#include "jobs/liberty.h"
#include "jobs/step_store.h"

namespace labq {

struct VectorPowerContext {
  const JobContext& context;
  const DpuParams& params;
  StepRunner& runner;
  const StagedLiberty& liberty;
  const StepStore& store;
  StepLog& log;
  const StepOptions& options;
  /// "netlist=<sha256 of netlist.v>\n", as the open flow's Yosys step made
  /// it: the 48 MB netlist of N=128 is hashed once per job, not per caller.
  const std::string& netlist_material;
};

/// Power at `period_ns` from simulated vectors: a report with the values
/// internal, switching, leakage and total (W), as OpenSTA's power report
/// gives them. Adds the vectors-only metrics (power by cell class, flop and
/// combinational cell counts, cycles and seconds) and texts to `out`.
/// Throws JobFailed.
ParsedReport VectorPower(const VectorPowerContext& run, double period_ns, JobOutput& out);

}  // namespace labq
