#include "sweep/sweep_parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "sweep/did_you_mean.h"
#include "sweep/group_kind.h"
#include "sweep/job_expansion.h"
#include "sweep/param_schema.h"
#include "sweep/slurm_options.h"

namespace labq {
namespace {

using nlohmann::json;

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  SourceLocation Where(const YAML::Node& node) const {
    const auto mark = node.Mark();
    if (mark.line < 0) return {file_, 0, 0};
    return {file_, mark.line + 1, mark.column + 1};
  }

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& key,
                         const std::string& message) const {
    throw InputError(Where(node), key, message);
  }

  /// Checks that `node` is a map and all its keys are known and unique.
  void RequireMap(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) Fail(node, key, "must be a mapping (key: value)");
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const auto& k = entry.first;
      if (!k.IsScalar()) Fail(k, key, "keys must be plain names");
      if (!seen.insert(k.Scalar()).second) {
        Fail(k, Join(key, k.Scalar()), "duplicate key");
      }
    }
  }

  void RejectUnknownKeys(const YAML::Node& node, const std::string& where,
                         const std::vector<std::string>& allowed) const {
    for (const auto& entry : node) {
      const auto name = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Fail(entry.first, Join(where, name),
             "unknown key" + DidYouMean(name, allowed) + " (expected one of " + list + ")");
      }
    }
  }

  std::string RequireName(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) Fail(node, key, "must be a name");
    static const std::regex re("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    if (!std::regex_match(node.Scalar(), re)) {
      Fail(node, key,
           "'" + node.Scalar() +
               "' is not a name (a letter, then letters, digits, _ . -; at most 64)");
    }
    return node.Scalar();
  }

  /// Converts a YAML scalar or list to JSON, keeping quoted scalars strings.
  json ToJson(const YAML::Node& node, const std::string& key) const {
    if (node.IsSequence()) {
      json out = json::array();
      for (const auto& item : node) out.push_back(ToJson(item, key));
      return out;
    }
    if (node.IsNull()) Fail(node, key, "has no value");
    if (!node.IsScalar()) Fail(node, key, "must be a single value or a list of values");
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") return s;  // quoted: always a string
    // No number is this long; the length check also keeps std::regex (which
    // recurses per character) away from huge scalars.
    if (s.size() > kMaxNumberChars) return s;
    static const std::regex int_re("[-+]?[0-9]+");
    static const std::regex float_re("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    if (std::regex_match(s, int_re)) {
      errno = 0;
      const long long v = std::strtoll(s.c_str(), nullptr, 10);
      if (errno != ERANGE) return v;
      // Too large for an integer: read on as a floating-point number.
    }
    if (std::regex_match(s, float_re)) {
      errno = 0;
      const double v = std::strtod(s.c_str(), nullptr);
      if (errno == ERANGE || !std::isfinite(v)) {
        Fail(node, key,
             "'" + s + "' is " + (std::fabs(v) >= 1 ? "too large" : "too small") +
                 " for a number (a double holds magnitudes from about 2.2e-308 to 1.8e308)");
      }
      return v;
    }
    if (s == "true" || s == "True" || s == "yes") return true;
    if (s == "false" || s == "False" || s == "no") return false;
    return s;
  }

  static constexpr size_t kMaxNumberChars = 400;

  static std::string Join(const std::string& a, const std::string& b) {
    return a.empty() ? b : a + "." + b;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

std::vector<std::string> AllParamNames(const GroupKindTable& kinds) {
  std::vector<std::string> names;
  for (const GroupKind* kind : kinds.all()) {
    for (const auto& spec : kind->Params()) names.push_back(spec.name);
  }
  return names;
}

const SourceLocation kCommandLine{"<command line>", 0, 0};

/// An override's value read as YAML would read it (so `--set n=8` is a number).
YAML::Node OverrideNode(const SweepOverride& o) {
  try {
    YAML::Node node = YAML::Load(o.value);
    if (node && node.IsScalar()) return node;
  } catch (const YAML::Exception&) {
  }
  throw InputError(kCommandLine, "--set " + o.key, "'" + o.value + "' is not a single value");
}

/// A value and where it was written, so cross-parameter checks can point at it.
struct Located {
  json value;
  SourceLocation where;
  std::string key_path;  ///< e.g. groups[0].grid.n
};
using LocatedParams = std::map<std::string, Located>;

/// Validates one value for `name` in a group of `kind`.
json CheckValue(const Parser& p, const GroupKind& kind, const std::string& key_path,
                const std::string& name, const YAML::Node& node) {
  const std::vector<ParamSpec>& specs = kind.Params();
  const ParamSpec* spec = FindParam(specs, name);
  if (!spec && kind.AcceptsUserParams()) {
    json value = p.ToJson(node, key_path);
    if (value.is_array()) {
      p.Fail(node, key_path, "must be a single value here (lists belong under grid: or zip:)");
    }
    auto checked = CheckUserParam(value);
    if (!checked.error.empty()) p.Fail(node, key_path, checked.error);
    return checked.value;
  }
  if (!spec) {
    std::string list;
    std::vector<std::string> names;
    for (const auto& s : specs) {
      list += (list.empty() ? "" : ", ") + s.name;
      names.push_back(s.name);
    }
    p.Fail(node, key_path,
           "unknown parameter for kind " + kind.Name() + DidYouMean(name, names) +
               " (known: " + list + ")");
  }
  json value = p.ToJson(node, key_path);
  if (value.is_array() && spec->type != ParamType::kArgv) {
    p.Fail(node, key_path, "must be a single value here (lists belong under grid: or zip:)");
  }
  auto checked = CheckParam(*spec, value);
  if (!checked.error.empty()) p.Fail(node, key_path, checked.error);
  return checked.value;
}

void RequireResourceName(const Parser& p, const YAML::Node& node, const std::string& key) {
  static const std::regex re("[a-z][a-z0-9_]{0,63}");
  if (!std::regex_match(node.Scalar(), re)) {
    p.Fail(node, key, "resource names are lower-case words (a-z, 0-9, _)");
  }
}

/// A labqat job on `device: cuda` holds one `gpu` (unless the group's
/// resources give another count) and, on SLURM, asks sbatch for one GPU
/// unless the group's slurm.gres says otherwise.
void ClaimGpu(JobSpec& job) {
  if (!job.params.is_object() || job.params.value("device", "cpu") != "cuda") return;
  if (!job.resources.contains("gpu")) job.resources["gpu"] = 1;
  if (job.executor.value("type", "") != "slurm") return;
  json& options = job.executor["options"];
  if (options.value("gres", "").empty()) options["gres"] = "gpu:1";
}

/// `executor: local|slurm` and `slurm: {partition, account, time, mem, cpus,
/// gres, qos, extra_args}` of a sweep or group, validated here so nothing
/// unsafe reaches sbatch.
json ParseExecutor(const Parser& p, const YAML::Node& node, const std::string& path) {
  const std::string base = path.empty() ? "" : path + ".";
  std::string type = "local";
  if (const auto e = node["executor"]) {
    if (!e.IsScalar() || (e.Scalar() != "local" && e.Scalar() != "slurm")) {
      p.Fail(e, base + "executor", "must be local or slurm");
    }
    type = e.Scalar();
  }
  const auto s = node["slurm"];
  if (s && type != "slurm") p.Fail(s, base + "slurm", "needs executor: slurm");
  if (type == "local") return json::object();
  SlurmOptions options;
  if (s) {
    p.RequireMap(s, base + "slurm");
    p.RejectUnknownKeys(
        s, base + "slurm",
        {"partition", "account", "time", "mem", "cpus", "gres", "qos", "extra_args"});
    auto text = [&](const char* key, std::string& out) {
      if (const auto v = s[key]) {
        if (!v.IsScalar()) p.Fail(v, base + "slurm." + key, "must be a single value");
        out = v.Scalar();
      }
    };
    text("partition", options.partition);
    text("account", options.account);
    text("time", options.time);
    text("mem", options.mem);
    text("qos", options.qos);
    text("gres", options.gres);
    if (const auto v = s["cpus"]) {
      json cpus = p.ToJson(v, base + "slurm.cpus");
      if (!cpus.is_number_integer() || cpus.get<int>() < 1 || cpus.get<int>() > 4096) {
        p.Fail(v, base + "slurm.cpus", "must be an integer from 1 to 4096");
      }
      options.cpus = cpus.get<int>();
    }
    if (const auto v = s["extra_args"]) {
      if (!v.IsSequence()) p.Fail(v, base + "slurm.extra_args", "must be a list of --option=value");
      for (const auto& item : v) options.extra_args.push_back(item.Scalar());
    }
  }
  try {
    ValidateSlurmOptions(options);
  } catch (const SlurmOptionError& e) {
    const auto bad = s ? s[e.key().substr(e.key().find('.') + 1)] : YAML::Node();
    throw InputError(p.Where(bad && bad.IsDefined() ? bad : (s ? s : node)),
                     base + "slurm." + e.key(), e.problem());
  }
  return {{"type", "slurm"}, {"options", SlurmOptionsToJson(options)}};
}

/// Nesting deeper than this is no sweep; it also bounds our recursion.
constexpr int kMaxYamlDepth = 64;

/// Counts nodes as a reader of the tree sees them: an alias is counted again
/// at every use, so a "billion laughs" bomb fails here, after `limit` steps,
/// instead of being expanded into memory.
void CountYamlNodes(const Parser& p, const YAML::Node& node, size_t limit, int depth,
                    size_t& count) {
  if (++count > limit) {
    p.Fail(node, "",
           "the sweep has more than " + std::to_string(limit) +
               " YAML values (each use of an *alias counted); is an alias expanding too much?");
  }
  if (depth > kMaxYamlDepth) {
    p.Fail(node, "", "nested deeper than " + std::to_string(kMaxYamlDepth) + " levels");
  }
  if (node.IsMap()) {
    for (const auto& entry : node) {
      CountYamlNodes(p, entry.first, limit, depth + 1, count);
      CountYamlNodes(p, entry.second, limit, depth + 1, count);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) CountYamlNodes(p, item, limit, depth + 1, count);
  }
}

/// YAML is printable Unicode text, and yaml-cpp 0.7 loops forever on some
/// other bytes (an input found by fuzz_sweep, kept in fuzz/regressions/): so
/// the text is checked first, naming the line and column of a bad byte.
void RequirePrintableUtf8(const std::string& text, const std::string& file) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const size_t length = c < 0x80           ? 1
                          : (c >> 5) == 0x06 ? 2
                          : (c >> 4) == 0x0e ? 3
                          : (c >> 3) == 0x1e ? 4
                                             : 0;
    bool ok = length != 0 && i + length <= text.size();
    for (size_t k = 1; ok && k < length; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) & 0xc0) == 0x80;
    }
    if (ok && length == 1) ok = (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n' || c == '\r';
    if (!ok) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      throw InputError(
          {file, line, column}, "",
          std::string("byte ") + hex + " is not printable UTF-8 text; a sweep is a YAML text file");
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
}

/// A `---` or `...` document marker: at column 0, then a space or the end.
bool IsDocumentMarker(std::string_view line, std::string_view marker) {
  return StartsWith(line, marker) && (line.size() == marker.size() || line[marker.size()] == ' ' ||
                                      line[marker.size()] == '\t');
}

/// The line where a second YAML document starts, or 0. Document markers
/// cannot occur inside content (YAML 1.2, 9.1.4), so a line scan is exact.
/// (yaml-cpp 0.7's LoadAll loops forever on some inputs, found by fuzz_sweep,
/// so documents are not counted by loading them.)
int SecondDocumentLine(const std::string& text) {
  bool seen_content = false, ended = false;
  int n = 0;
  for (const auto& line : SplitLines(text)) {
    ++n;
    if (IsDocumentMarker(line, "---")) {
      if (seen_content) return n;
      seen_content = true;
      ended = false;
    } else if (IsDocumentMarker(line, "...")) {
      ended = true;
    } else {
      const auto trimmed = Trim(line);
      if (trimmed.empty() || trimmed.front() == '#' || (!seen_content && trimmed.front() == '%')) {
        continue;
      }
      if (ended && seen_content) return n;
      seen_content = true;
    }
  }
  return 0;
}

/// Loads exactly one YAML document: a second one would be silently ignored.
YAML::Node LoadSingleDocument(const Parser& p, const std::string& text) {
  if (const int line = SecondDocumentLine(text)) {
    throw InputError({p.file(), line, 1}, "",
                     "a second YAML document; a sweep file holds one (remove the '---' line or "
                     "split the file)");
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLocation where{p.file(), e.mark.line >= 0 ? e.mark.line + 1 : 0,
                         e.mark.column >= 0 ? e.mark.column + 1 : 0};
    throw InputError(where, "", "YAML syntax error: " + e.msg);
  }
}

/// Saturating product, for counting a grid's configurations without overflow.
size_t MulCapped(size_t a, size_t b) {
  constexpr size_t kCap = size_t{1} << 62;
  if (a == 0 || b == 0) return 0;
  return a > kCap / b ? kCap : a * b;
}

struct GroupAxes {
  std::vector<std::string> keys;  ///< grid keys first (in order), then zip keys
  std::vector<std::vector<Located>> rows;
};

/// Expands grid (cartesian product) and zip (element-wise) into rows.
GroupAxes ExpandAxes(const Parser& p, const YAML::Node& group, const std::string& key_path,
                     const GroupKind& kind, const std::set<std::string>& fixed, size_t jobs_so_far,
                     size_t max_jobs) {
  GroupAxes axes;
  std::vector<std::vector<Located>> grid_values;
  std::set<std::string> used;
  auto read_lists = [&](const char* section, std::vector<std::vector<Located>>& out) {
    const auto node = group[section];
    if (!node) return;
    const std::string section_path = Parser::Join(key_path, section);
    p.RequireMap(node, section_path);
    if (node.size() == 0) p.Fail(node, section_path, "is empty");
    for (const auto& entry : node) {
      const std::string name = entry.first.Scalar();
      const std::string path = Parser::Join(section_path, name);
      if (fixed.count(name) || used.count(name)) {
        p.Fail(entry.first, path, "is set more than once in this group (params/grid/zip)");
      }
      used.insert(name);
      if (!entry.second.IsSequence()) p.Fail(entry.second, path, "must be a list of values");
      if (entry.second.size() == 0) p.Fail(entry.second, path, "is an empty list");
      std::vector<Located> values;
      for (const auto& item : entry.second) {
        values.push_back({CheckValue(p, kind, path, name, item), p.Where(item), path});
      }
      axes.keys.push_back(name);
      out.push_back(std::move(values));
    }
  };
  read_lists("grid", grid_values);
  std::vector<std::vector<Located>> zip_values;
  read_lists("zip", zip_values);
  if (!zip_values.empty()) {
    const size_t length = zip_values.front().size();
    const auto zip_node = group["zip"];
    for (const auto& entry : zip_node) {
      if (entry.second.size() != length) {
        p.Fail(entry.second, Parser::Join(Parser::Join(key_path, "zip"), entry.first.Scalar()),
               "has " + std::to_string(entry.second.size()) +
                   " values but the first zip list has " + std::to_string(length) +
                   " (zip pairs lists element by element)");
      }
    }
  }
  // Count before expanding: each configuration gives at least one job.
  size_t configs = 1;
  for (const auto& values : grid_values) configs = MulCapped(configs, values.size());
  if (!zip_values.empty()) configs = MulCapped(configs, zip_values.front().size());
  if (configs > max_jobs || jobs_so_far + configs > max_jobs) {
    const auto axes_node = group["grid"] ? group["grid"] : group["zip"];
    p.Fail(axes_node, Parser::Join(key_path, group["grid"] ? "grid" : "zip"),
           "expands to " + std::to_string(configs) + " configurations (at least " +
               std::to_string(jobs_so_far + configs) + " jobs in the sweep), more than the " +
               std::to_string(max_jobs) + "-job limit (raise it with --max-jobs)");
  }
  // Cartesian product of the grid lists, each combined with every zip row.
  std::vector<std::vector<Located>> rows = {{}};
  for (const auto& values : grid_values) {
    std::vector<std::vector<Located>> next;
    for (const auto& row : rows) {
      for (const auto& v : values) {
        auto extended = row;
        extended.push_back(v);
        next.push_back(std::move(extended));
      }
    }
    rows = std::move(next);
  }
  if (!zip_values.empty()) {
    std::vector<std::vector<Located>> next;
    for (const auto& row : rows) {
      for (size_t i = 0; i < zip_values.front().size(); ++i) {
        auto extended = row;
        for (const auto& list : zip_values) extended.push_back(list[i]);
        next.push_back(std::move(extended));
      }
    }
    rows = std::move(next);
  }
  axes.rows = std::move(rows);
  return axes;
}

}  // namespace

SweepOverride ParseOverride(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw InputError(kCommandLine, "--set", "'" + text + "' is not KEY=VALUE");
  }
  return {text.substr(0, eq), text.substr(eq + 1)};
}

namespace {

/// Reads one sweep document: the header keys, then each group into jobs.
/// Holds what the groups share (defaults, --set overrides, the executor).
class SweepReader {
 public:
  SweepReader(const GroupKindTable& kinds, const std::string& file,
              const std::vector<SweepOverride>& overrides, const SweepLimits& limits)
      : kinds_(kinds), p_(file), command_line_(kCommandLine.file), limits_(limits) {
    sweep_.file = file;
    for (const auto& o : overrides) overrides_.push_back(o);
  }

  Sweep Read(const std::string& text) {
    sweep_.source_text = text;
    const YAML::Node root = LoadRoot(text);
    ReadHeader(root);
    ReadLimits(root["limits"]);
    ReadDefaults(root["defaults"]);
    sweep_executor_ = ParseExecutor(p_, root, "");
    const auto groups = root["groups"];
    if (!groups) p_.Fail(root, "groups", "missing: a sweep needs at least one group");
    if (!groups.IsSequence() || groups.size() == 0) {
      p_.Fail(groups, "groups", "must be a non-empty list of groups");
    }
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      ReadGroup(groups[gi], "groups[" + std::to_string(gi) + "]");
    }
    CheckOverridesUsed();
    return std::move(sweep_);
  }

 private:
  /// The document's root map, after the size, encoding and node-count limits.
  YAML::Node LoadRoot(const std::string& text) {
    const std::string& file = sweep_.file;
    if (text.size() > limits_.max_bytes) {
      throw InputError({file, 0, 0}, "",
                       "the sweep is " + std::to_string(text.size()) + " bytes, more than the " +
                           std::to_string(limits_.max_bytes) + "-byte limit");
    }
    RequirePrintableUtf8(text, file);
    const YAML::Node root = LoadSingleDocument(p_, text);
    if (!root || root.IsNull()) throw InputError({file, 1, 1}, "", "the sweep file is empty");
    size_t node_count = 0;
    CountYamlNodes(p_, root, limits_.max_yaml_nodes, 0, node_count);
    p_.RequireMap(root, "");
    p_.RejectUnknownKeys(
        root, "", {"name", "description", "defaults", "limits", "executor", "slurm", "groups"});
    return root;
  }

  /// name and description, then --set: name/description replace them, the
  /// rest are parameter overrides checked against every kind with the key.
  void ReadHeader(const YAML::Node& root) {
    if (!root["name"]) p_.Fail(root, "name", "missing: every sweep needs a name");
    sweep_.name = p_.RequireName(root["name"], "name");
    if (root["description"] && !root["description"].IsScalar()) {
      p_.Fail(root["description"], "description", "must be text");
    }
    if (root["description"]) sweep_.description = root["description"].Scalar();
    for (const auto& o : overrides_) {
      if (o.key == "name") {
        sweep_.name = command_line_.RequireName(OverrideNode(o), "--set name");
      } else if (o.key == "description") {
        sweep_.description = o.value;
      } else {
        parameter_overrides_[o.key] = OverrideNode(o);
      }
    }
  }

  /// Named resource limits, e.g. genus_licenses: 2 — no more jobs needing a
  /// resource run at once than its limit allows.
  void ReadLimits(const YAML::Node& node) {
    if (!node) return;
    p_.RequireMap(node, "limits");
    for (const auto& entry : node) {
      const std::string key = "limits." + entry.first.Scalar();
      RequireResourceName(p_, entry.first, key);
      json value = p_.ToJson(entry.second, key);
      if (!value.is_number() || value.get<double>() < 1 || value.get<double>() > 1e6) {
        p_.Fail(entry.second, key, "must be a number from 1 to 1000000");
      }
      sweep_.limits[entry.first.Scalar()] = value;
    }
  }

  /// Defaults apply to every group whose kind knows the key.
  void ReadDefaults(const YAML::Node& node) {
    if (!node) return;
    p_.RequireMap(node, "defaults");
    for (const auto& entry : node) {
      const std::string name = entry.first.Scalar();
      const std::string path = "defaults." + name;
      bool known = false;
      for (const GroupKind* kind : kinds_.all()) {
        const ParamSpec* spec = FindParam(kind->Params(), name);
        if (!spec) continue;
        known = true;
        auto checked = CheckParam(*spec, p_.ToJson(entry.second, path));
        if (!checked.error.empty()) p_.Fail(entry.second, path, checked.error);
      }
      if (!known) {
        p_.Fail(entry.first, path,
                "is not a parameter of any job kind" + DidYouMean(name, AllParamNames(kinds_)));
      }
      defaults_[name] = {p_.ToJson(entry.second, path), p_.Where(entry.second), path};
    }
  }

  /// The group's name (unique) and kind (one of the table's).
  const GroupKind& ReadGroupHeader(const YAML::Node& group, const std::string& gpath) {
    p_.RequireMap(group, gpath);
    p_.RejectUnknownKeys(
        group, gpath, {"name", "kind", "params", "grid", "zip", "resources", "executor", "slurm"});
    if (!group["name"]) p_.Fail(group, gpath + ".name", "missing");
    const std::string gname = p_.RequireName(group["name"], gpath + ".name");
    if (!group_names_.insert(gname).second) {
      p_.Fail(group["name"], gpath + ".name", "'" + gname + "' names two groups");
    }
    if (!group["kind"]) p_.Fail(group, gpath + ".kind", "missing");
    const std::string kind_name = group["kind"].IsScalar() ? group["kind"].Scalar() : "";
    const GroupKind* kind = kinds_.Find(kind_name);
    if (!kind) {
      std::string list;
      for (const auto& k : kinds_.Names()) list += (list.empty() ? "" : ", ") + k;
      p_.Fail(group["kind"], gpath + ".kind", "'" + kind_name + "' is not one of " + list);
    }
    return *kind;
  }

  /// Precedence: schema default < sweep defaults < group params (whose names
  /// go into `fixed`); grid/zip and --set come later.
  LocatedParams BaseParams(const YAML::Node& group, const std::string& gpath, const GroupKind& kind,
                           std::set<std::string>& fixed) {
    LocatedParams base;
    for (const auto& spec : kind.Params()) {
      if (!spec.default_value.is_null()) {
        base[spec.name] = {spec.default_value, {}, gpath + "." + spec.name};
      }
    }
    for (const auto& [name, located] : defaults_) {
      if (FindParam(kind.Params(), name)) base[name] = located;
    }
    const auto params = group["params"];
    if (!params) return base;
    const std::string ppath = gpath + ".params";
    p_.RequireMap(params, ppath);
    for (const auto& entry : params) {
      const std::string name = entry.first.Scalar();
      base[name] = {CheckValue(p_, kind, ppath + "." + name, name, entry.second),
                    p_.Where(entry.second), ppath + "." + name};
      fixed.insert(name);
    }
    return base;
  }

  /// --set values for this group's parameters (fixed ones only: a swept key
  /// is an error naming the group's grid/zip).
  void ApplyOverrides(const std::string& gpath, const GroupKind& kind, const GroupAxes& axes,
                      const std::set<std::string>& fixed, LocatedParams& base) {
    for (const auto& [name, node] : parameter_overrides_) {
      // Command groups' own parameters can be overridden where params: sets them.
      if (std::find(axes.keys.begin(), axes.keys.end(), name) != axes.keys.end()) {
        throw InputError(kCommandLine, "--set " + name,
                         "is swept by " + gpath + "'s grid:/zip: in " + sweep_.file +
                             "; --set replaces fixed values only");
      }
      const bool user_param = kind.AcceptsUserParams() && fixed.count(name);
      if (!FindParam(kind.Params(), name) && !user_param) continue;
      json value;
      try {
        value = CheckValue(command_line_, kind, "--set " + name, name, node);
      } catch (const InputError& e) {
        // Re-located: the mini-document's 1:1 means nothing to the user.
        const std::string prefix = e.where().ToString() + ": " + e.key() + ": ";
        throw InputError(kCommandLine, e.key(), std::string(e.what()).substr(prefix.size()));
      }
      base[name] = {value, kCommandLine, "--set " + name};
      overrides_used_.insert(name);
    }
  }

  json ReadResources(const YAML::Node& node, const std::string& gpath) {
    json resources = json::object();
    if (!node) return resources;
    p_.RequireMap(node, gpath + ".resources");
    for (const auto& entry : node) {
      const std::string key = gpath + ".resources." + entry.first.Scalar();
      RequireResourceName(p_, entry.first, key);
      json value = p_.ToJson(entry.second, key);
      if (!value.is_number() || value.get<double>() <= 0 || value.get<double>() > 1e6) {
        p_.Fail(entry.second, key, "must be a positive number");
      }
      resources[entry.first.Scalar()] = value;
    }
    return resources;
  }

  /// One configuration per grid/zip row: the base params with the row's values.
  std::vector<ExpandedConfig> MakeConfigs(const YAML::Node& group, const std::string& gpath,
                                          const GroupKind& kind, const LocatedParams& base,
                                          const GroupAxes& axes) {
    std::vector<ExpandedConfig> configs;
    for (const auto& row : axes.rows) {
      ExpandedConfig config;
      config.group = group["name"].Scalar();
      config.kind = kind.Name();
      config.group_where = p_.Where(group);
      for (const auto& [name, located] : base) {
        config.params[name] = located.value;
        config.where[name] = located.where;
        config.key_path[name] = located.key_path;
      }
      for (size_t i = 0; i < axes.keys.size(); ++i) {
        config.params[axes.keys[i]] = row[i].value;
        config.where[axes.keys[i]] = row[i].where;
        config.key_path[axes.keys[i]] = row[i].key_path;
        config.varying.push_back(axes.keys[i]);
      }
      for (const auto& spec : kind.Params()) {
        if (!config.params.contains(spec.name)) {
          throw InputError(p_.Where(group), gpath + "." + spec.name,
                           "required parameter missing (set it in params:, grid:, zip: or "
                           "defaults:)");
        }
      }
      configs.push_back(std::move(config));
    }
    return configs;
  }

  void ReadGroup(const YAML::Node& group, const std::string& gpath) {
    const GroupKind& kind = ReadGroupHeader(group, gpath);
    std::set<std::string> fixed;
    LocatedParams base = BaseParams(group, gpath, kind, fixed);
    const GroupAxes axes =
        ExpandAxes(p_, group, gpath, kind, fixed, sweep_.jobs.size(), limits_.max_jobs);
    ApplyOverrides(gpath, kind, axes, fixed, base);
    const json resources = ReadResources(group["resources"], gpath);
    const std::vector<ExpandedConfig> configs = MakeConfigs(group, gpath, kind, base, axes);
    json executor = ParseExecutor(p_, group, gpath);
    if (!group["executor"] && !group["slurm"]) executor = sweep_executor_;
    const size_t first_new = sweep_.jobs.size();
    AppendJobs(configs, kinds_, sweep_);
    if (sweep_.jobs.size() > limits_.max_jobs) {
      p_.Fail(group, gpath,
              "the sweep expands to " + std::to_string(sweep_.jobs.size()) +
                  " jobs up to here, more than the " + std::to_string(limits_.max_jobs) +
                  "-job limit (raise it with --max-jobs)");
    }
    for (size_t i = first_new; i < sweep_.jobs.size(); ++i) {
      sweep_.jobs[i].resources = resources;
      sweep_.jobs[i].executor = executor;
      ClaimGpu(sweep_.jobs[i]);
    }
  }

  /// A --set that no group took: a parameter of other kinds, or of none.
  void CheckOverridesUsed() const {
    for (const auto& [name, node] : parameter_overrides_) {
      if (overrides_used_.count(name)) continue;
      const auto names = AllParamNames(kinds_);
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        throw InputError(kCommandLine, "--set " + name,
                         "no group of this sweep has this parameter");
      }
      throw InputError(
          kCommandLine, "--set " + name,
          "is not a parameter of any job kind" + DidYouMean(name, names) + " (see labq params)");
    }
  }

  const GroupKindTable& kinds_;
  Parser p_;
  Parser command_line_;
  const SweepLimits& limits_;
  std::vector<SweepOverride> overrides_;
  Sweep sweep_;
  std::map<std::string, YAML::Node> parameter_overrides_;
  std::set<std::string> overrides_used_;
  LocatedParams defaults_;
  json sweep_executor_;
  std::set<std::string> group_names_;
};

}  // namespace

Sweep ParseSweep(const GroupKindTable& kinds, const std::string& text, const std::string& file,
                 const std::vector<SweepOverride>& overrides, const SweepLimits& limits) {
  return SweepReader(kinds, file, overrides, limits).Read(text);
}

Sweep LoadSweepFile(const GroupKindTable& kinds, const std::string& path,
                    const std::vector<SweepOverride>& overrides, const SweepLimits& limits) {
  return ParseSweep(kinds, ReadInputFile(path, limits.max_bytes, "sweep"), path, overrides, limits);
}

}  // namespace labq
