#pragma once
/// The device side of training: where tensors live (--device), a data split
/// kept on the device with batches gathered there, an SGD whose learning rate
/// is a device tensor, and one training step on tensors that keep their
/// addresses from step to step, so that a CUDA graph can capture it.
///
/// Everything here is device-generic: it runs, and is tested, on the CPU too.
/// Only cuda_graph.cc (built when LibTorch has CUDA) is CUDA-specific.

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qat/data.h"
#include "qat/model.h"
#include "qat/options.h"

namespace labq::qat {

/// Whether this labqat was compiled against a LibTorch with CUDA.
bool BuiltWithCuda();

/// Resolves --device before anything is loaded or written. Throws
/// std::invalid_argument starting with "--device" (or "--amp") when CUDA is
/// asked for and this build or machine has none, when the index is beyond the
/// visible devices, or when --amp meets a CPU.
torch::Device ResolveDevice(const DeviceChoice& choice, bool amp);

/// "cpu", "cuda:0": what the JSON lines and the sidecar record.
std::string DeviceName(const torch::Device& device);

/// One split resident on a device: every image normalised once into the same
/// floats GatherBatch writes (NHWC), labels as int64. Batches are gathered on
/// the device with index_select, no host work per step.
class ResidentImages {
 public:
  ResidentImages(const ImageSet& set, const Normalization& norm, torch::Device device);

  /// Inputs (NCHW with channels-last strides) and labels of the images at
  /// `indices` (int64, on the device).
  std::pair<torch::Tensor, torch::Tensor> Gather(const torch::Tensor& indices) const;
  /// Images start..start+n-1 without a copy (evaluation, calibration).
  std::pair<torch::Tensor, torch::Tensor> Slice(std::int64_t start, std::int64_t n) const;
  std::int64_t count() const { return labels_.size(0); }

 private:
  torch::Tensor images_;  ///< [N, H, W, C] float
  torch::Tensor labels_;  ///< [N] int64
};

/// SGD with momentum and weight decay, PyTorch's update without dampening or
/// Nesterov (d = g + wd*p; b = m*b + d; p -= lr*b), whose learning rate is a
/// 0-dim tensor on the parameters' device: a captured graph reads the current
/// rate at every replay instead of the rate it was captured with.
class DeviceSgd {
 public:
  DeviceSgd(std::vector<torch::Tensor> params, double momentum, double weight_decay);
  /// A fill kernel on the device; never waits for it.
  void SetLr(double lr);
  void Step();

 private:
  std::vector<torch::Tensor> params_;
  std::vector<torch::Tensor> buffers_;
  torch::Tensor lr_;
  double momentum_;
  double weight_decay_;
};

/// The training objective: weighted cross-entropy per trained precision plus
/// optional distillation KL(8-bit || 4-bit).
struct StepLoss {
  std::vector<Precision> precisions;
  std::vector<double> weights;  ///< one per precision
  double distill = 0;           ///< > 0 only for nested with both precisions
};

/// The loss of one batch; the host path and TrainStep share it, so both
/// compute the same operations in the same order.
torch::Tensor BatchLoss(const std::vector<torch::Tensor>& logits, const torch::Tensor& labels,
                        const StepLoss& loss);

/// One training step (gradients set to none, forward, loss, backward,
/// optimizer) whose inputs and outputs are tensors that keep their storage:
/// the indices it reads and the loss sum it adds to, both on the device. With
/// `data` it gathers its batch from the resident split; without, it reads the
/// inputs()/labels() the caller copied in (augmented batches made on the host).
class TrainStep {
 public:
  /// `autocast` (optional) enters bf16 autocast for the forward and returns
  /// the guard that leaves it.
  TrainStep(QatNet& net, const ResidentImages* data, std::int64_t batch, StepLoss loss,
            std::function<void()> optimizer_step,
            std::function<std::shared_ptr<void>()> autocast = {});

  torch::Tensor& indices() { return indices_; }
  torch::Tensor& inputs() { return inputs_; }
  torch::Tensor& labels() { return labels_; }

  void Run();
  /// Sum of the losses since ResetLossSum(), read to the host (a sync).
  double LossSum() const;
  void ResetLossSum();

 private:
  QatNet& net_;
  const ResidentImages* data_;
  StepLoss loss_;
  std::function<void()> optimizer_step_;
  std::function<std::shared_ptr<void>()> autocast_;
  std::vector<torch::Tensor> params_;
  torch::Tensor indices_, inputs_, labels_;
  torch::Tensor loss_sum_;  ///< float64, on the device
};

/// Copies the module's parameters and buffers to the CPU into an archive laid
/// out exactly as Module::save lays it out (so PyTorch's torch.jit.load reads
/// it), leaving the module where it is: a GPU-trained file loads on a CPU-only
/// build, and the tensors a captured graph uses keep their addresses.
void SaveOnCpu(const torch::nn::Module& module, torch::serialize::OutputArchive& archive);

}  // namespace labq::qat
