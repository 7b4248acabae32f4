#pragma once
/// Reads a sweep YAML file, validates every value against the job kinds'
/// schemas and expands grids and zips into job specs. Every error names
/// file:line:column and the key.

#include <string>
#include <vector>

#include "sweep/job_spec.h"

namespace labq {

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

/// Parses `text` as if read from `file` (used in messages). Throws InputError.
Sweep ParseSweep(const std::string& text, const std::string& file,
                 const std::vector<SweepOverride>& overrides = {});
/// Reads and parses a sweep file. Throws InputError (or Error if unreadable).
Sweep LoadSweepFile(const std::string& path, const std::vector<SweepOverride>& overrides = {});

}  // namespace labq
