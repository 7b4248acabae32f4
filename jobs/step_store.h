#pragma once
/// Step-level reuse: a content-addressed store of finished steps' files.
///
/// A synth job is several steps (Yosys, OpenSTA timing, power); each depends
/// on fewer inputs than the job. A change that only affects power (activity,
/// toggle_rate) must not rerun Yosys, so each step is keyed by a hash of its
/// own inputs (the "material": the tool's binary hash, the template, the
/// input files' hashes, the values it uses) and its output files are kept
/// under <root>/<step>-<hash>/. A job restores a stored step by copying its
/// files into the job directory, or runs the step and saves them.
///
/// Robust by construction: an entry is filled in a private temporary folder
/// and renamed into place in one step, so a reader sees a complete entry or
/// none (concurrent jobs, kill -9); when two jobs save the same entry the
/// first rename wins and the second discards its copy. Entries are never
/// modified; removing the folder (or any entry) only costs reruns.

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace labq {

/// One step's identity: its name and the text its hash is taken of.
struct StepKey {
  std::string step;      ///< yosys, sta_probe, timing, power, activity
  std::string material;  ///< one input a line, e.g. "netlist=<sha256>"
  /// SHA-256 of step + material: the entry's name.
  std::string Hash() const;
};

class StepStore {
 public:
  /// An empty root disables the store: nothing is restored or saved.
  explicit StepStore(std::filesystem::path root) : root_(std::move(root)) {}
  bool enabled() const { return !root_.empty(); }
  /// Where `key`'s entry lives (whether or not it exists).
  std::filesystem::path EntryDir(const StepKey& key) const;
  /// Copies `files` of `key`'s entry into `dir`; false (and nothing copied)
  /// when the store is disabled or holds no complete entry with every file.
  bool Restore(const StepKey& key, const std::filesystem::path& dir,
               const std::vector<std::string>& files) const;
  /// Saves `files` of `dir` as `key`'s entry (atomically; an existing entry
  /// is kept). A failure to save is not the job's failure: it returns false.
  bool Save(const StepKey& key, const std::filesystem::path& dir,
            const std::vector<std::string>& files) const;

 private:
  std::filesystem::path root_;
};

/// Which steps of a job ran and which were restored, in order; the job
/// records them as the texts steps_run and steps_reused.
struct StepLog {
  std::vector<std::string> run;
  std::vector<std::string> reused;
  /// "yosys, timing" or "none".
  static std::string Join(const std::vector<std::string>& steps);
};

/// Restores `key`'s `files` into `dir`, or calls `produce` (which writes
/// them there) and saves them. Records the step in `log`. Returns true when
/// the step was reused.
bool RunOrReuseStep(const StepStore& store, StepLog& log, const StepKey& key,
                    const std::filesystem::path& dir, const std::vector<std::string>& files,
                    const std::function<void()>& produce);

}  // namespace labq
