#pragma once
/// One SLURM query per tick for every job labq waits on. Each SLURM job runs
/// on its own scheduler thread; if each thread asked slurmctld about its own
/// job every second, 200 jobs in flight would be 200 `scontrol` processes a
/// second. Instead the waiting threads register their ids here and one
/// thread asks once per tick about all of them (SlurmClient::Poll: one
/// squeue for up to 100 ids), then hands each waiter its job's state.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "orchestrator/slurm_client.h"

namespace labq {

class SlurmPoller {
 public:
  /// Asks SLURM about these ids (SlurmClient::Poll); may throw labq::Error.
  using PollFunction =
      std::function<std::map<std::string, SlurmJobState>(const std::vector<std::string>&)>;

  /// With a positive `interval` a thread ticks that often while some id is
  /// watched (and sleeps while none is); with 0 nothing ticks until Tick().
  SlurmPoller(PollFunction poll, std::chrono::milliseconds interval);
  ~SlurmPoller();
  SlurmPoller(const SlurmPoller&) = delete;
  SlurmPoller& operator=(const SlurmPoller&) = delete;

  /// The process's poller around a SlurmClient, ticking every second (SLURM
  /// schedules on a one-second tick; asking more often only loads slurmctld).
  static SlurmPoller& Shared();

  /// A job being waited on: asked about at every tick while this lives.
  class Watch {
   public:
    Watch(SlurmPoller& poller, std::string id);
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    /// Blocks until the next tick has asked about the job; nullopt when that
    /// query failed (slurmctld briefly unreachable: ask again next tick).
    std::optional<SlurmJobState> Next();

   private:
    SlurmPoller& poller_;
    std::string id_;
  };

  /// One query about every watched id, its answers handed to the waiters.
  /// The thread calls it each tick; tests with interval 0 call it themselves.
  void Tick();
  /// Ids watched now (tests wait for their waiters to have registered).
  size_t Watched();
  /// Ticks so far that asked SLURM something.
  int64_t Ticks();

 private:
  struct Entry {
    int watchers = 0;
    uint64_t answered = 0;  ///< the tick that last answered this id
    uint64_t taken = 0;     ///< the tick whose answer a waiter last took
    std::optional<SlurmJobState> state;
  };
  void Add(const std::string& id);
  void Remove(const std::string& id);
  std::optional<SlurmJobState> Wait(const std::string& id);
  void Run();

  PollFunction poll_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable changed_;  ///< a tick answered, an id came, or stop
  std::map<std::string, Entry> entries_;
  uint64_t tick_ = 0;
  bool stop_ = false;
  std::thread thread_;  ///< last: started once the members above exist
};

}  // namespace labq
