#pragma once
/// Reads a sweep YAML file, validates every value against the job kinds'
/// schemas and expands grids and zips into job specs. Every error names
/// file:line:column and the key.

#include <string>

#include "sweep/job_spec.h"

namespace labq {

/// Parses `text` as if read from `file` (used in messages). Throws InputError.
Sweep ParseSweep(const std::string& text, const std::string& file);
/// Reads and parses a sweep file. Throws InputError (or Error if unreadable).
Sweep LoadSweepFile(const std::string& path);

}  // namespace labq
