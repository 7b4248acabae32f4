#pragma once
/// What the sweep reader needs from a job kind: the parameters a group of that
/// kind accepts (names, types, ranges, defaults) and how one validated
/// configuration becomes jobs. The kinds themselves live above (jobs/, one
/// file each, listed in jobs/kind_registry.cc) and reach the reader as a
/// GroupKindTable, so sweep/ never includes the folder that runs them.

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "sweep/job_spec.h"
#include "sweep/param_schema.h"

namespace labq {

/// One point of a group's grid/zip with every parameter resolved.
struct ExpandedConfig {
  std::string group;
  std::string kind;
  SourceLocation group_where;
  nlohmann::json params = nlohmann::json::object();
  std::map<std::string, SourceLocation> where;  ///< where each value was written
  std::map<std::string, std::string> key_path;  ///< under which key (groups[0].grid.n)
  std::vector<std::string> varying;             ///< grid/zip keys, in order
};

/// Unique job names within one sweep, and jobs that configurations of one
/// group share (a qat group's pretraining job), by a key the kind chooses.
class JobNames {
 public:
  explicit JobNames(const Sweep& sweep);
  /// `name + suffix`, or `name-2 + suffix`, ... when taken.
  std::string Unique(const std::string& name, const std::string& suffix);
  std::map<std::string, std::string> shared;
  /// Jobs a kind links across configurations of a group, by a key the kind
  /// chooses, as indices into Sweep::jobs (dpu: the synth jobs that share one
  /// clock target).
  std::map<std::string, std::vector<size_t>> linked;

 private:
  std::vector<std::string> taken_;
};

class GroupKind {
 public:
  virtual ~GroupKind() = default;
  virtual std::string Name() const = 0;
  /// Every parameter with its default; null default = required.
  virtual const std::vector<ParamSpec>& Params() const = 0;
  /// Whether a group may define its own parameters (command: {name} in argv).
  virtual bool AcceptsUserParams() const { return false; }
  /// Appends the jobs of one configuration (every value checked) to `sweep`.
  /// Throws InputError pointing at a value when parameters do not fit together.
  virtual void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const = 0;
};

/// The group kinds a sweep may name, in the order `labq params` lists them.
class GroupKindTable {
 public:
  explicit GroupKindTable(std::vector<const GroupKind*> kinds) : kinds_(std::move(kinds)) {}
  const GroupKind* Find(const std::string& name) const;
  std::vector<std::string> Names() const;
  const std::vector<const GroupKind*>& all() const { return kinds_; }

 private:
  std::vector<const GroupKind*> kinds_;
};

/// A group's name for one configuration: "<group>_<value>_<value>" over its
/// grid/zip keys, path-safe.
std::string ConfigLabel(const ExpandedConfig& config);

/// Where a parameter's value was written (the group when it came from a default),
/// and under which key, for an InputError about it.
SourceLocation WhereOf(const ExpandedConfig& config, const std::string& key);
std::string KeyOf(const ExpandedConfig& config, const std::string& key);

}  // namespace labq
