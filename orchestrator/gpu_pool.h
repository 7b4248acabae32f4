#pragma once
/// The `gpu` resource: how many GPUs this machine offers jobs by default and
/// which of them each running job sees (CUDA_VISIBLE_DEVICES per job).

#include <map>
#include <string>
#include <vector>

namespace labq {

/// GPUs this process may hand out: the entries of CUDA_VISIBLE_DEVICES when
/// it is set (empty or "-1": none), else one per /dev/nvidiaN device file
/// ("0", "1", ...). No driver call, so it is cheap and works without CUDA.
std::vector<std::string> VisibleGpus();

/// Hands each job holding `gpu` the least-used GPUs: distinct ones while the
/// limit does not exceed the count, shared ones when a larger limit was asked
/// for. Not thread-safe: the scheduler calls it under its own lock.
class GpuPool {
 public:
  explicit GpuPool(std::vector<std::string> ids);

  std::size_t size() const { return ids_.size(); }
  /// `count` GPUs (fewer when the pool is smaller), as CUDA_VISIBLE_DEVICES
  /// wants them: "2" or "0,1". Empty when the pool is empty.
  std::string Take(int count);
  /// Gives back what Take returned.
  void Give(const std::string& taken);

 private:
  std::vector<std::string> ids_;
  std::map<std::string, int> users_;
};

}  // namespace labq
