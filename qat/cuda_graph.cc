/// CUDA-only: built only when the LibTorch found has CUDA (see
/// qat/CMakeLists.txt). Not compiled on the Debian CPU-only LibTorch that CI
/// uses; written against the LibTorch 2.x C++ API.

#include "qat/cuda_graph.h"

#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

namespace labq::qat::cuda {
namespace {

/// Restores the autocast state it found.
struct AutocastGuard {
  AutocastGuard()
      : enabled(at::autocast::is_autocast_enabled(at::kCUDA)),
        dtype(at::autocast::get_autocast_dtype(at::kCUDA)),
        cache(at::autocast::is_autocast_cache_enabled()) {
    at::autocast::set_autocast_enabled(at::kCUDA, true);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
    // Cached casts would be freed between replays: PyTorch's rule for graphs.
    at::autocast::set_autocast_cache_enabled(false);
  }
  ~AutocastGuard() {
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
    at::autocast::set_autocast_cache_enabled(cache);
  }
  bool enabled;
  at::ScalarType dtype;
  bool cache;
};

/// Current device and stream for a scope.
struct StreamScope {
  explicit StreamScope(int index)
      : device(static_cast<c10::DeviceIndex>(index)),
        stream(c10::cuda::getStreamFromPool(/*isHighPriority=*/false,
                                            static_cast<c10::DeviceIndex>(index))),
        stream_guard(stream) {
    // Work queued on the old current stream (uploads) must finish first.
    c10::cuda::getDefaultCUDAStream(static_cast<c10::DeviceIndex>(index)).synchronize();
  }
  ~StreamScope() { stream.synchronize(); }
  c10::cuda::CUDAGuard device;
  c10::cuda::CUDAStream stream;
  c10::cuda::CUDAStreamGuard stream_guard;
};

}  // namespace

std::shared_ptr<void> UseSideStream(int index) { return std::make_shared<StreamScope>(index); }

std::shared_ptr<void> Bf16Autocast() { return std::make_shared<AutocastGuard>(); }

void Synchronize() { c10::cuda::getCurrentCUDAStream().synchronize(); }

struct StepGraph::Impl {
  at::cuda::CUDAGraph graph;
};

StepGraph::StepGraph(const std::function<void()>& step) : impl_(std::make_unique<Impl>()) {
  // Capture on the current (side) stream; allocations made while capturing
  // come from the graph's private pool and stay valid for every replay.
  Synchronize();
  impl_->graph.capture_begin();
  step();
  impl_->graph.capture_end();
}

StepGraph::~StepGraph() = default;

void StepGraph::Replay() { impl_->graph.replay(); }

}  // namespace labq::qat::cuda
