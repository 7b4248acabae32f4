#include "orchestrator/slurm_client.h"

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <regex>
#include <system_error>
#include <utility>

#include "common/text.h"
#include "process/subprocess.h"
#include "results/job_state.h"

namespace labq {
namespace {

bool Matches(const std::string& value, const char* pattern) {
  return std::regex_match(value, std::regex(pattern));
}

// A file under the system's temporary folder for one command's output; removed
// by the destructor.
class TempFile {
 public:
  TempFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "labq-slurm-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) {
      throw Error("cannot create a temporary file in " +
                  std::filesystem::temp_directory_path().string() + ": " +
                  std::error_code(errno, std::generic_category()).message());
    }
    ::close(fd);
    path_ = pattern;
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// "a\nb\n" -> "a; b": a tool's stderr as one line for an error message.
std::string OneLine(std::string_view text) {
  std::string out;
  for (const auto& line : SplitLines(text)) {
    auto t = Trim(line);
    if (t.empty()) continue;
    if (!out.empty()) out += "; ";
    out += t;
  }
  return out;
}

void CheckJobId(const std::string& id) {
  if (!Matches(id, "[0-9]{1,12}")) throw Error("'" + id + "' is not a SLURM job id");
}

bool SaysInvalidJobId(const std::string& err) { return Contains(err, "Invalid job id"); }

}  // namespace

std::string ParseScontrolJobLine(std::string_view line, SlurmJobState& state) {
  static const std::regex key_shape(R"([A-Za-z][A-Za-z0-9_/:().-]*)");
  std::map<std::string, std::string> fields;
  std::string* last = nullptr;
  for (const auto& word : Split(Trim(line), ' ')) {
    if (word.empty()) continue;
    const auto eq = word.find('=');
    const std::string key = eq == std::string::npos ? "" : word.substr(0, eq);
    if (!key.empty() && std::regex_match(key, key_shape)) {
      // The first occurrence wins: later free-text fields (Command, Comment)
      // cannot override the job's own state.
      auto [it, inserted] = fields.emplace(key, word.substr(eq + 1));
      last = inserted ? &it->second : nullptr;
    } else if (last) {
      *last += " " + word;  // a value with spaces (JobName=my job)
    }
  }
  const auto id = fields.find("JobId");
  const auto job_state = fields.find("JobState");
  if (id == fields.end() || job_state == fields.end() || job_state->second.empty()) {
    throw Error("not a line of `scontrol show job -o`: " + std::string(line.substr(0, 200)));
  }
  state = SlurmJobState{};
  state.state = job_state->second;
  if (auto r = fields.find("Reason"); r != fields.end()) state.reason = r->second;
  if (auto e = fields.find("ExitCode"); e != fields.end()) {
    std::smatch m;
    static const std::regex code(R"((\d+):(\d+))");
    if (std::regex_match(e->second, m, code)) {
      state.exit_code = std::stoi(m[1].str());
      state.signal = std::stoi(m[2].str());
    }
  }
  return id->second;
}

std::map<std::string, SlurmJobState> ParseSqueueOutput(std::string_view text) {
  std::map<std::string, SlurmJobState> jobs;
  static const std::regex row(R"(\s*([0-9]+)\|([A-Z_]+)\|(\d+)\|(.*?)\|?\s*)");
  for (const auto& line : SplitLines(text)) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    SlurmJobState s;
    s.state = m[2].str();
    // squeue's exit_code is the raw wait status of the batch script.
    const long status = std::stol(m[3].str());
    s.signal = static_cast<int>(status & 0x7f);
    s.exit_code = static_cast<int>((status >> 8) & 0xff);
    s.reason = m[4].str();
    jobs[m[1].str()] = s;
  }
  return jobs;
}

LabqSlurmStatus LabqStateFor(const SlurmJobState& job) {
  using enum JobState;
  static const std::map<std::string, JobState> kStates = {
      {"PENDING", kQueued},     {"REQUEUED", kQueued},      {"REQUEUE_HOLD", kQueued},
      {"REQUEUE_FED", kQueued}, {"RESV_DEL_HOLD", kQueued}, {"CONFIGURING", kRunning},
      {"RUNNING", kRunning},    {"COMPLETING", kRunning},   {"STAGE_OUT", kRunning},
      {"SIGNALING", kRunning},  {"RESIZING", kRunning},     {"SUSPENDED", kRunning},
      {"STOPPED", kRunning},    {"COMPLETED", kDone},       {"FAILED", kFailed},
      {"NODE_FAIL", kFailed},   {"BOOT_FAIL", kFailed},     {"OUT_OF_MEMORY", kFailed},
      {"PREEMPTED", kFailed},   {"SPECIAL_EXIT", kFailed},  {"TIMEOUT", kTimeout},
      {"DEADLINE", kTimeout},   {"CANCELLED", kCancelled},  {"REVOKED", kCancelled},
  };
  LabqSlurmStatus out;
  if (job.state == "UNKNOWN") {
    out.state = kFailed;
    out.detail = "SLURM no longer knows the job (purged after MinJobAge, or never submitted)";
    return out;
  }
  const auto it = kStates.find(job.state);
  out.state = it == kStates.end() ? kRunning : it->second;
  out.detail = job.state;
  if (out.Final()) {
    if (job.signal > 0) {
      out.detail += ", signal " + std::to_string(job.signal);
    } else if (job.exit_code >= 0) {
      out.detail += ", exit " + std::to_string(job.exit_code);
    }
  }
  if (!job.reason.empty() && job.reason != "None") out.detail += " (" + job.reason + ")";
  if (it == kStates.end()) out.detail += " (a state labq does not know; still waiting)";
  return out;
}

SlurmClient::SlurmClient(std::map<std::string, std::string> env) : env_(std::move(env)) {}

SlurmClient::Output SlurmClient::Run(const std::vector<std::string>& argv) {
  TempFile out, err;
  SubprocessSpec spec;
  spec.argv = argv;
  spec.working_dir = std::filesystem::temp_directory_path();
  spec.stdout_path = out.path();
  spec.stderr_path = err.path();
  spec.timeout = timeout_;
  spec.extra_env = env_;
  const auto result = RunSubprocess(spec);
  Output o;
  o.ran = result.end == SubprocessResult::End::kExited;
  o.exit_code = result.exit_code;
  o.describe = result.Describe();
  o.out = ReadFile(out.path().string());
  o.err = ReadFile(err.path().string());
  return o;
}

std::string SlurmClient::Submit(const std::string& name, const std::filesystem::path& dir,
                                const std::filesystem::path& script, const SlurmOptions& options) {
  if (!Matches(name, "[A-Za-z0-9_.-]{1,200}")) {
    throw Error("SLURM job name '" + name + "' may hold only letters, digits and _ . -");
  }
  auto options_args = SlurmOptionArgs(options);  // validates first
  std::error_code ec;
  const auto abs_dir = std::filesystem::absolute(dir, ec);
  if (ec || !std::filesystem::is_directory(abs_dir, ec)) {
    throw Error("SLURM job " + name + ": job directory " + dir.string() + " does not exist");
  }
  // sbatch expands %j, %x, ... and backslashes in --output/--error paths.
  if (abs_dir.string().find_first_of("%\\\n") != std::string::npos) {
    throw Error("SLURM job " + name + ": job directory " + abs_dir.string() +
                " holds '%', '\\' or a newline, which sbatch would expand in file names");
  }
  const auto abs_script = std::filesystem::absolute(script, ec);
  if (ec || !std::filesystem::is_regular_file(abs_script, ec)) {
    throw Error("SLURM job " + name + ": batch script " + script.string() + " does not exist");
  }
  std::vector<std::string> argv = {"sbatch",
                                   "--parsable",
                                   "--job-name=" + name,
                                   "--chdir=" + abs_dir.string(),
                                   "--output=" + (abs_dir / "slurm.out").string(),
                                   "--error=" + (abs_dir / "slurm.err").string()};
  argv.insert(argv.end(), options_args.begin(), options_args.end());
  argv.push_back(abs_script.string());
  const auto o = Run(argv);
  if (!o.ran || o.exit_code != 0) {
    const std::string why = OneLine(o.err);
    throw Error("sbatch refused SLURM job " + name + " (" + o.describe +
                "): " + (why.empty() ? std::string("no message") : why));
  }
  // --parsable prints "ID" or "ID;CLUSTER".
  const auto lines = SplitLines(o.out);
  std::string id = lines.empty() ? "" : std::string(Trim(lines.front()));
  id = id.substr(0, id.find(';'));
  if (!Matches(id, "[0-9]{1,12}")) {
    throw Error("sbatch accepted SLURM job " + name + " but printed no job id: '" + OneLine(o.out) +
                "'");
  }
  return id;
}

SlurmJobState SlurmClient::Poll(const std::string& id) {
  CheckJobId(id);
  const auto o = Run({"scontrol", "show", "job", "-o", id});
  SlurmJobState state;
  if (o.ran && o.exit_code != 0 && SaysInvalidJobId(o.err)) {
    state.state = "UNKNOWN";
    return state;
  }
  if (!o.ran || o.exit_code != 0) {
    throw Error("scontrol show job " + id + " failed (" + o.describe + "): " + OneLine(o.err));
  }
  for (const auto& line : SplitLines(o.out)) {
    if (Trim(line).empty()) continue;
    SlurmJobState parsed;
    if (ParseScontrolJobLine(line, parsed) == id) return parsed;
  }
  state.state = "UNKNOWN";
  return state;
}

std::map<std::string, SlurmJobState> SlurmClient::Poll(const std::vector<std::string>& ids) {
  std::map<std::string, SlurmJobState> states;
  for (const auto& id : ids) CheckJobId(id);
  if (ids.size() == 1) {
    states[ids.front()] = Poll(ids.front());
    return states;
  }
  constexpr size_t kChunk = 100;
  for (size_t begin = 0; begin < ids.size(); begin += kChunk) {
    std::string list;
    for (size_t i = begin; i < std::min(ids.size(), begin + kChunk); ++i) {
      list += (list.empty() ? "" : ",") + ids[i];
    }
    const auto o = Run({"squeue", "--noheader", "--states=all", "--jobs=" + list,
                        "--Format=JobID:|,State:|,exit_code:|,Reason:|"});
    // squeue fails with "Invalid job id" only when it knows none of the ids.
    const bool none_known = o.ran && o.exit_code != 0 && SaysInvalidJobId(o.err);
    if (!none_known && (!o.ran || o.exit_code != 0)) {
      throw Error("squeue --jobs=" + list + " failed (" + o.describe + "): " + OneLine(o.err));
    }
    if (!none_known) {
      for (auto& [id, state] : ParseSqueueOutput(o.out)) states[id] = state;
    }
  }
  for (const auto& id : ids) {
    if (!states.contains(id)) states[id].state = "UNKNOWN";
  }
  // Drop rows for ids nobody asked about (squeue may list array members).
  std::erase_if(states, [&](const auto& kv) {
    return std::find(ids.begin(), ids.end(), kv.first) == ids.end();
  });
  return states;
}

void SlurmClient::Cancel(const std::string& id) {
  CheckJobId(id);
  const auto o = Run({"scancel", id});
  if (o.ran && (o.exit_code == 0 || SaysInvalidJobId(o.err) ||
                Contains(o.err, "already completing or completed"))) {
    return;
  }
  throw Error("scancel " + id + " failed (" + o.describe + "): " + OneLine(o.err));
}

bool SlurmClient::Available() {
  const auto o = Run({"sinfo", "--noheader", "--format=%T"});
  return o.ran && o.exit_code == 0 && !Trim(o.out).empty();
}

}  // namespace labq
