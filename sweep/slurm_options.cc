#include "sweep/slurm_options.h"

#include <algorithm>
#include <array>
#include <regex>

#include "common/text.h"

namespace labq {
namespace {

bool Matches(const std::string& value, const char* pattern) {
  return std::regex_match(value, std::regex(pattern));
}

// Options labq passes itself, options that change what sbatch prints or
// where the job lives, and options that have their own key. An extra argument
// whose name is one of these or a prefix of one (sbatch accepts unambiguous
// abbreviations of long options) is refused.
struct Reserved {
  const char* name;
  const char* why;
};
constexpr std::array kReserved = {
    Reserved{"parsable", "labq sets it"},
    Reserved{"job-name", "labq sets it"},
    Reserved{"chdir", "labq sets it"},
    Reserved{"output", "labq sets it"},
    Reserved{"error", "labq sets it"},
    Reserved{"input", "labq sets it"},
    Reserved{"wrap", "labq submits its own script"},
    Reserved{"array", "labq submits one job per job"},
    Reserved{"wait", "labq polls instead"},
    Reserved{"test-only", "labq needs a real job"},
    Reserved{"clusters", "labq polls the default cluster only"},
    Reserved{"quiet", "labq reads sbatch's output"},
    Reserved{"help", "it submits nothing"},
    Reserved{"usage", "it submits nothing"},
    Reserved{"version", "it submits nothing"},
    Reserved{"uid", "jobs run as the submitting user"},
    Reserved{"gid", "jobs run as the submitting user"},
    Reserved{"get-user-env", "jobs run as the submitting user"},
    Reserved{"partition", "use the `partition` key"},
    Reserved{"account", "use the `account` key"},
    Reserved{"time", "use the `time` key"},
    Reserved{"mem", "use the `mem` key"},
    Reserved{"qos", "use the `qos` key"},
    Reserved{"gres", "use the `gres` key"},
    Reserved{"cpus-per-task", "use the `cpus` key"},
};

// Options that take no value (or only an optional `=value`): the only ones
// that may be given without `=`. Any other option written without a value
// would make sbatch take the next argument as its value.
constexpr std::array<const char*, 14> kFlags = {
    "contiguous", "exclusive",     "hold",   "ignore-pbs", "no-kill",    "no-requeue",    "nice",
    "overcommit", "oversubscribe", "reboot", "requeue",    "spread-job", "use-min-nodes", "verbose",
};

void CheckName(const std::string& key, const std::string& value, bool list) {
  const char* pattern =
      list ? "[A-Za-z0-9_.-]{1,64}(,[A-Za-z0-9_.-]{1,64}){0,15}" : "[A-Za-z0-9_.-]{1,64}";
  if (!Matches(value, pattern)) {
    throw SlurmOptionError(key, "'" + value + "' is not a SLURM name (letters, digits, _ . -" +
                                    std::string(list ? ", several separated by commas" : "") + ")");
  }
}

void CheckTime(const std::string& value) {
  static const std::regex minutes(R"((\d{1,9})(?::(\d{1,2}))?)");  // M or M:S
  static const std::regex hms(R"((\d{1,7}):(\d{1,2}):(\d{1,2}))");
  static const std::regex days(R"((\d{1,5})-(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?)");
  const std::string formats =
      "minutes, M:S, H:M:S, D-H, D-H:M or D-H:M:S (e.g. 30, 2:00:00, 1-12:00:00)";
  std::smatch m;
  auto num = [&](size_t i) { return m[i].matched ? std::stoll(m[i].str()) : 0LL; };
  long long total_s = 0;
  bool fields_ok = true;
  if (std::regex_match(value, m, minutes)) {
    fields_ok = num(2) < 60;
    total_s = num(1) * 60 + num(2);
  } else if (std::regex_match(value, m, hms)) {
    fields_ok = num(2) < 60 && num(3) < 60;
    total_s = num(1) * 3600 + num(2) * 60 + num(3);
  } else if (std::regex_match(value, m, days)) {
    fields_ok = num(2) < 24 && num(3) < 60 && num(4) < 60;
    total_s = num(1) * 86400 + num(2) * 3600 + num(3) * 60 + num(4);
  } else {
    throw SlurmOptionError("time", "'" + value + "' is not a time limit; use " + formats);
  }
  if (!fields_ok) {
    throw SlurmOptionError("time", "'" + value + "' has a field out of range; use " + formats);
  }
  if (total_s <= 0) throw SlurmOptionError("time", "'" + value + "' must be longer than 0");
}

void CheckExtraArg(size_t index, const std::string& arg) {
  const std::string key = "extra_args[" + std::to_string(index) + "]";
  static const std::regex shape(R"(--([a-z][a-z-]*)(=[A-Za-z0-9_.,:=/@%+-]*)?)");
  std::smatch m;
  if (arg.size() > 256 || !std::regex_match(arg, m, shape)) {
    throw SlurmOptionError(
        key, "'" + arg +
                 "' is not an accepted sbatch option: write --name or --name=value with "
                 "lower-case names and values of letters, digits and _ . , : = / @ % + -");
  }
  const std::string name = m[1].str();
  for (const auto& reserved : kReserved) {
    if (StartsWith(reserved.name, name)) {
      const std::string which =
          name == reserved.name ? "" : " (an abbreviation of --" + std::string(reserved.name) + ")";
      throw SlurmOptionError(key, "'" + arg + "' is not allowed" + which + ": " + reserved.why);
    }
  }
  if (!m[2].matched && std::find(kFlags.begin(), kFlags.end(), name) == kFlags.end()) {
    throw SlurmOptionError(key, "'" + arg + "' needs a value: write --" + name + "=VALUE");
  }
}

}  // namespace

SlurmOptionError::SlurmOptionError(std::string key, std::string problem)
    : Error("slurm." + key + ": " + problem), key_(std::move(key)), problem_(std::move(problem)) {}

void ValidateSlurmOptions(const SlurmOptions& o) {
  if (!o.partition.empty()) CheckName("partition", o.partition, /*list=*/true);
  if (!o.account.empty()) CheckName("account", o.account, /*list=*/false);
  if (!o.qos.empty()) CheckName("qos", o.qos, /*list=*/false);
  if (!o.time.empty()) CheckTime(o.time);
  if (!o.mem.empty() && !Matches(o.mem, "[1-9][0-9]{0,8}[KMGTkmgt]?")) {
    throw SlurmOptionError("mem", "'" + o.mem +
                                      "' is not a memory size: a positive whole number with an "
                                      "optional K, M, G or T (e.g. 4G; no unit means M)");
  }
  if (!o.gres.empty() && !Matches(o.gres,
                                  "[A-Za-z][A-Za-z0-9_]*(:[A-Za-z0-9_.-]+){0,3}"
                                  "(,[A-Za-z][A-Za-z0-9_]*(:[A-Za-z0-9_.-]+){0,3}){0,15}")) {
    throw SlurmOptionError("gres", "'" + o.gres +
                                       "' is not a GRES list: name[:type][:count], several "
                                       "separated by commas (e.g. gpu:1)");
  }
  if (o.cpus < 0 || o.cpus > 100000) {
    throw SlurmOptionError("cpus",
                           std::to_string(o.cpus) + " is not a CPU count (1 or more; 0 = default)");
  }
  for (size_t i = 0; i < o.extra_args.size(); ++i) CheckExtraArg(i, o.extra_args[i]);
}

std::vector<std::string> SlurmOptionArgs(const SlurmOptions& o) {
  ValidateSlurmOptions(o);
  std::vector<std::string> args;
  if (!o.partition.empty()) args.push_back("--partition=" + o.partition);
  if (!o.account.empty()) args.push_back("--account=" + o.account);
  if (!o.qos.empty()) args.push_back("--qos=" + o.qos);
  if (!o.time.empty()) args.push_back("--time=" + o.time);
  if (!o.mem.empty()) args.push_back("--mem=" + o.mem);
  if (!o.gres.empty()) args.push_back("--gres=" + o.gres);
  if (o.cpus > 0) args.push_back("--cpus-per-task=" + std::to_string(o.cpus));
  args.insert(args.end(), o.extra_args.begin(), o.extra_args.end());
  return args;
}
nlohmann::json SlurmOptionsToJson(const SlurmOptions& o) {
  return {{"partition", o.partition},
          {"account", o.account},
          {"time", o.time},
          {"mem", o.mem},
          {"qos", o.qos},
          {"gres", o.gres},
          {"cpus", o.cpus},
          {"extra_args", o.extra_args}};
}

SlurmOptions SlurmOptionsFromJson(const nlohmann::json& j) {
  SlurmOptions o;
  o.partition = j.value("partition", "");
  o.account = j.value("account", "");
  o.time = j.value("time", "");
  o.mem = j.value("mem", "");
  o.qos = j.value("qos", "");
  o.gres = j.value("gres", "");
  o.cpus = j.value("cpus", 0);
  o.extra_args = j.value("extra_args", std::vector<std::string>{});
  return o;
}

}  // namespace labq
