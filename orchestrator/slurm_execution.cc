#include "orchestrator/slurm_execution.h"

#include <chrono>
#include <cstdlib>

#include "common/file_util.h"
#include "orchestrator/slurm_client.h"
#include "orchestrator/slurm_poller.h"

namespace labq {

std::string FindLabqBinary() {
  if (const char* env = std::getenv("LABQ_BIN"); env && *env) return env;
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    if (self.filename() == "labq") return self.string();
    if (std::filesystem::exists(self.parent_path() / "labq", ec)) {
      return (self.parent_path() / "labq").string();  // installed side by side
    }
    const auto sibling = self.parent_path().parent_path() / "cli" / "labq";
    if (std::filesystem::exists(sibling, ec)) return sibling.string();
  }
  return "labq";
}

JobCompletion RunJobOnSlurm(const JobRecord& job, const ExecutionEnvironment& env,
                            const std::function<void(const std::string&)>& on_submitted,
                            const std::string& attach_to) {
  const auto started = std::chrono::steady_clock::now();
  const std::filesystem::path dir = job.workdir;
  JobCompletion completion;
  completion.state = JobState::kFailed;
  SlurmClient client;
  std::string id = attach_to;
  try {
    if (id.empty()) {
      PrepareJobDirectory(job, env);
      const auto script = dir / "slurm_job.sh";
      WriteFileAtomically(
          script, "#!/bin/sh\n# Written by labq: runs this job on a SLURM node.\nexec " +
                      ShellQuote(FindLabqBinary()) + " exec-job " + ShellQuote(dir.string()) +
                      "\n");
      std::filesystem::permissions(script, std::filesystem::perms::owner_exec,
                                   std::filesystem::perm_options::add);
      id = client.Submit(
          "labq-" + std::to_string(job.id), dir, script,
          SlurmOptionsFromJson(job.executor.value("options", nlohmann::json::object())));
      on_submitted(id);
    }
    LabqSlurmStatus status;
    SlurmJobState slurm;
    bool cancel_sent = false;
    // One query per tick for every job in flight, not one per job (slurm_poller.h).
    SlurmPoller::Watch watch(SlurmPoller::Shared(), id);
    while (true) {
      if (env.cancel && env.cancel->load() && !cancel_sent) {
        client.Cancel(id);
        cancel_sent = true;
      }
      // nullopt: slurmctld briefly unreachable: keep the job, ask again next tick.
      if (const auto answer = watch.Next()) {
        slurm = *answer;
        status = LabqStateFor(slurm);
        if (status.Final()) break;
      }
    }
    std::error_code ec;
    if (status.state == JobState::kDone && std::filesystem::exists(dir / "result.json", ec)) {
      completion = ReadJobResult(dir);
    } else if (std::filesystem::exists(dir / "result.json", ec) &&
               status.state == JobState::kFailed) {
      completion = ReadJobResult(dir);  // the job ran and said why it failed
    } else {
      completion.state = status.state == JobState::kDone ? JobState::kFailed : status.state;
      completion.error = "SLURM job " + id + ": " + status.detail;
      if (status.state == JobState::kDone) completion.error += " but no result.json was written";
      if (slurm.exit_code >= 0) completion.exit_status = slurm.exit_code;
      if (slurm.signal > 0) completion.signal = slurm.signal;
    }
    completion.texts["slurm_job_id"] = id;
    completion.texts["slurm_state"] = slurm.state;
  } catch (const std::exception& e) {
    completion.state = JobState::kFailed;
    completion.error = std::string("slurm: ") + e.what();
  }
  completion.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return completion;
}

}  // namespace labq
