#include "orchestrator/slurm_poller.h"

#include <exception>

namespace labq {

SlurmPoller::SlurmPoller(PollFunction poll, std::chrono::milliseconds interval)
    : poll_(std::move(poll)), interval_(interval) {
  if (interval_.count() > 0) thread_ = std::thread([this] { Run(); });
}

SlurmPoller::~SlurmPoller() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

SlurmPoller& SlurmPoller::Shared() {
  // Never destroyed: scheduler threads may still wait on it while the
  // process exits, and its thread must not be joined from a static destructor.
  static auto* shared =
      new SlurmPoller([client = std::make_shared<SlurmClient>()](
                          const std::vector<std::string>& ids) { return client->Poll(ids); },
                      std::chrono::milliseconds(1000));
  return *shared;
}

SlurmPoller::Watch::Watch(SlurmPoller& poller, std::string id)
    : poller_(poller), id_(std::move(id)) {
  poller_.Add(id_);
}

SlurmPoller::Watch::~Watch() { poller_.Remove(id_); }

std::optional<SlurmJobState> SlurmPoller::Watch::Next() { return poller_.Wait(id_); }

void SlurmPoller::Add(const std::string& id) {
  {
    std::lock_guard lock(mutex_);
    Entry& e = entries_[id];
    ++e.watchers;
  }
  changed_.notify_all();
}

void SlurmPoller::Remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it != entries_.end() && --it->second.watchers <= 0) entries_.erase(it);
}

std::optional<SlurmJobState> SlurmPoller::Wait(const std::string& id) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] {
    auto it = entries_.find(id);
    return stop_ || (it != entries_.end() && it->second.answered > it->second.taken);
  });
  auto it = entries_.find(id);
  if (stop_ || it == entries_.end()) return std::nullopt;
  it->second.taken = it->second.answered;
  return it->second.state;
}

void SlurmPoller::Tick() {
  std::vector<std::string> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, entry] : entries_) ids.push_back(id);
  }
  if (ids.empty()) return;
  std::optional<std::map<std::string, SlurmJobState>> answers;
  try {
    answers = poll_(ids);
  } catch (const std::exception&) {
    // slurmctld unreachable or a command timed out: every waiter hears
    // "no answer" and keeps its job; the next tick asks again.
  }
  {
    std::lock_guard lock(mutex_);
    ++tick_;
    for (const auto& id : ids) {
      auto it = entries_.find(id);
      if (it == entries_.end()) continue;  // its waiter left during the query
      it->second.answered = tick_;
      it->second.state.reset();
      if (!answers) continue;
      auto answer = answers->find(id);
      if (answer != answers->end()) {
        it->second.state = answer->second;
      } else {
        it->second.state = SlurmJobState{"UNKNOWN", -1, 0, ""};
      }
    }
  }
  changed_.notify_all();
}

size_t SlurmPoller::Watched() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

int64_t SlurmPoller::Ticks() {
  std::lock_guard lock(mutex_);
  return static_cast<int64_t>(tick_);
}

void SlurmPoller::Run() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    changed_.wait(lock, [&] { return stop_ || !entries_.empty(); });
    if (stop_) break;
    lock.unlock();
    Tick();
    lock.lock();
    changed_.wait_for(lock, interval_, [&] { return stop_; });
  }
}

}  // namespace labq
