#include "sweep/group_kind.h"

#include <algorithm>
#include <cctype>

namespace labq {
namespace {

/// A path-safe rendering of a value for job names ("2.5" -> "2.5", "/a/b.lib" -> "b.lib").
std::string NamePart(const nlohmann::json& value) {
  std::string s = value.is_string() ? value.get<std::string>() : value.dump();
  if (auto slash = s.rfind('/'); slash != std::string::npos) s = s.substr(slash + 1);
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '-';
  }
  return s;
}

}  // namespace

JobNames::JobNames(const Sweep& sweep) {
  for (const auto& job : sweep.jobs) taken_.push_back(job.name);
  std::sort(taken_.begin(), taken_.end());
}

std::string JobNames::Unique(const std::string& name, const std::string& suffix) {
  auto taken = [&](const std::string& n) {
    return std::binary_search(taken_.begin(), taken_.end(), n);
  };
  std::string candidate = name + suffix;
  for (int i = 2; taken(candidate); ++i) candidate = name + "-" + std::to_string(i) + suffix;
  taken_.insert(std::upper_bound(taken_.begin(), taken_.end(), candidate), candidate);
  return candidate;
}

const GroupKind* GroupKindTable::Find(const std::string& name) const {
  for (const GroupKind* kind : kinds_) {
    if (kind->Name() == name) return kind;
  }
  return nullptr;
}

std::vector<std::string> GroupKindTable::Names() const {
  std::vector<std::string> names;
  for (const GroupKind* kind : kinds_) names.push_back(kind->Name());
  return names;
}

std::string ConfigLabel(const ExpandedConfig& config) {
  std::string label = config.group;
  for (const auto& key : config.varying) label += "_" + NamePart(config.params[key]);
  return label;
}

SourceLocation WhereOf(const ExpandedConfig& config, const std::string& key) {
  auto it = config.where.find(key);
  if (it != config.where.end() && !it->second.file.empty()) return it->second;
  return config.group_where;
}

std::string KeyOf(const ExpandedConfig& config, const std::string& key) {
  auto it = config.key_path.find(key);
  return it == config.key_path.end() ? key : it->second;
}

}  // namespace labq
