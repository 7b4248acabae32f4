#pragma once
/// The shepherd: one long-lived runner process per labd (or `labq run`)
/// that runs many local jobs at once, in place of a `labq exec-job` process
/// per job. labd starts it in a session of its own and hands it each job
/// over a socket, with the job's lock (job_lock.h); for each job it runs
/// ExecutePreparedJob on a thread of its own, so the job's steps, its
/// command.sh and its result.json are exactly what exec-job makes of it,
/// and each step holds that job's lock, no other.
///
/// Why a process of its own and not a thread of labd: a job must outlive
/// `kill -9` of labd, and its result must reach the next labd. When labd
/// dies the shepherd sees the socket close, takes no more jobs, finishes
/// the ones it has (each leaving result.json tagged with its attempt) and
/// exits; the next labd adopts those jobs through their locks as it adopts
/// an exec-job runner's. What it saves is one process start per job: labd
/// spent about half of its CPU per no-op job starting exec-job runners.
///
/// Messages (shepherd_channel.h), labd to shepherd:
///   {"run": JOB_ID, "dir": DIR} + the job lock   run DIR/job.json
///   {"cancel": JOB_ID}                          stop its steps (it still writes its result)
/// shepherd to labd:
///   {"step": JOB_ID, "pid": PID}                a step started (its process group)
///   {"ended": JOB_ID}                           result.json is written, the lock released

namespace labq {

/// `labq shepherd --fd FD`: serves the socket FD until it closes and every
/// job taken has ended. Returns the exit code.
int ServeShepherd(int socket);

}  // namespace labq
