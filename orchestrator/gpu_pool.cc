#include "orchestrator/gpu_pool.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "common/text.h"

namespace labq {

std::vector<std::string> VisibleGpus() {
  std::vector<std::string> ids;
  if (const char* env = std::getenv("CUDA_VISIBLE_DEVICES")) {
    // CUDA stops at the first invalid entry; "-1" is the usual way to say none.
    for (const auto& item : Split(env, ',')) {
      const std::string id(Trim(item));
      if (id.empty() || id == "-1") break;
      ids.push_back(id);
    }
    return ids;
  }
  static const std::regex device_file("nvidia([0-9]+)");
  std::vector<int> numbers;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, m, device_file)) numbers.push_back(std::stoi(m[1].str()));
  }
  std::sort(numbers.begin(), numbers.end());
  // CUDA numbers the devices it sees 0..n-1 whatever the minor numbers are.
  for (std::size_t i = 0; i < numbers.size(); ++i) ids.push_back(std::to_string(i));
  return ids;
}

GpuPool::GpuPool(std::vector<std::string> ids) : ids_(std::move(ids)) {
  for (const auto& id : ids_) users_[id] = 0;
}

std::string GpuPool::Take(int count) {
  std::vector<std::string> order = ids_;
  // Least used first; ties keep the device order.
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return users_[a] < users_[b];
  });
  std::string taken;
  for (int i = 0; i < count && i < static_cast<int>(order.size()); ++i) {
    ++users_[order[i]];
    taken += (taken.empty() ? "" : ",") + order[i];
  }
  return taken;
}

void GpuPool::Give(const std::string& taken) {
  for (const auto& id : Split(taken, ',')) {
    auto it = users_.find(id);
    if (it != users_.end() && it->second > 0) --it->second;
  }
}

}  // namespace labq
