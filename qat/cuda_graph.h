#pragma once
/// CUDA-only helpers of the trainer, compiled (cuda_graph.cc) only when the
/// LibTorch CMake found has CUDA, which then defines LABQ_WITH_CUDA. Callers
/// guard their use with #ifdef LABQ_WITH_CUDA. Written against LibTorch 2.x.

#include <functional>
#include <memory>

namespace labq::qat::cuda {

/// Makes a fresh stream of CUDA device `index` current (and the device too)
/// until the returned guard is dropped. Graph capture refuses the legacy
/// default stream, and keeping every step, copy and replay on one stream keeps
/// them ordered without any host synchronisation.
std::shared_ptr<void> UseSideStream(int index);

/// Enters bf16 autocast on CUDA (cast cache off, as graph capture needs);
/// the returned guard restores the previous state.
std::shared_ptr<void> Bf16Autocast();

/// Waits for the current stream (timing points only).
void Synchronize();

/// One training step captured as a CUDA graph. The constructor records
/// `step` without running it (its tensors must keep their storage: the
/// caller runs a few eager warm-up steps first so that every lazy allocation
/// and library handle exists); Replay() then runs it with one launch.
class StepGraph {
 public:
  explicit StepGraph(const std::function<void()>& step);
  ~StepGraph();
  StepGraph(const StepGraph&) = delete;
  StepGraph& operator=(const StepGraph&) = delete;
  void Replay();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labq::qat::cuda
