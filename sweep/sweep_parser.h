#pragma once
/// Reads a sweep YAML file, validates every value against the job kinds'
/// schemas and expands grids and zips into job specs. Every error names
/// file:line:column and the key.

#include <string>
#include <vector>

#include "sweep/group_kind.h"
#include "sweep/job_spec.h"

namespace labq {

/// Bounds checked before the work they bound, so hostile or mistaken input
/// (an alias bomb, a 10^9-job grid, /dev/zero) fails at once with a clear
/// error instead of exhausting memory.
struct SweepLimits {
  size_t max_bytes = 1 << 20;      ///< size of the sweep file
  size_t max_yaml_nodes = 100000;  ///< YAML nodes, every use of an alias counted again
  size_t max_jobs = 10000;         ///< jobs after expansion (`--max-jobs`)
};

/// `--set KEY=VALUE` from the command line. `name` and `description` replace
/// the sweep's; any other key is a parameter whose value replaces what
/// `defaults:` and the groups' `params:` say, in every group whose kind has
/// it. It is validated like the file, and its errors say `<command line>`.
struct SweepOverride {
  std::string key;
  std::string value;
};
/// Splits "KEY=VALUE"; throws InputError at `<command line>` otherwise.
SweepOverride ParseOverride(const std::string& text);

/// Parses `text` as if read from `file` (used in messages), with the group
/// kinds in `kinds` (jobs/kind_registry.h: BuiltinKinds()). Throws InputError.
Sweep ParseSweep(const GroupKindTable& kinds, const std::string& text, const std::string& file,
                 const std::vector<SweepOverride>& overrides = {}, const SweepLimits& limits = {});
/// Reads and parses a sweep file. Throws InputError (or Error if unreadable,
/// not a regular file, or larger than `limits.max_bytes`).
Sweep LoadSweepFile(const GroupKindTable& kinds, const std::string& path,
                    const std::vector<SweepOverride>& overrides = {},
                    const SweepLimits& limits = {});

}  // namespace labq
