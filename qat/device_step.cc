#include "qat/device_step.h"

#include <cstdlib>
#include <stdexcept>

namespace labq::qat {
namespace {

using torch::Tensor;

[[noreturn]] void BadDevice(const std::string& flag, const std::string& what) {
  throw std::invalid_argument(flag + ": " + what);
}

std::string VisibleDevicesNote() {
  const char* v = std::getenv("CUDA_VISIBLE_DEVICES");
  return v ? std::string(" (CUDA_VISIBLE_DEVICES=") + v + ")" : std::string();
}

}  // namespace

bool BuiltWithCuda() {
#ifdef LABQ_WITH_CUDA
  return true;
#else
  return false;
#endif
}

torch::Device ResolveDevice(const DeviceChoice& choice, bool amp) {
  const std::string text = DeviceText(choice);
  const std::int64_t visible = BuiltWithCuda() ? torch::cuda::device_count() : 0;
  torch::Device device(torch::kCPU);
  switch (choice.kind) {
    case DeviceChoice::Kind::kCpu:
      break;
    case DeviceChoice::Kind::kAuto:
      if (visible > 0) device = torch::Device(torch::kCUDA, 0);
      break;
    case DeviceChoice::Kind::kCuda: {
      if (!BuiltWithCuda()) {
        BadDevice("--device " + text,
                  "this labqat was built against a LibTorch without CUDA (CPU only); rebuild "
                  "it against a CUDA LibTorch (qat/README.md, \"Building with CUDA\") or use "
                  "--device cpu");
      }
      if (visible == 0) {
        BadDevice("--device " + text, "no CUDA device is visible" + VisibleDevicesNote());
      }
      const int index = choice.index < 0 ? 0 : choice.index;
      if (index >= visible) {
        BadDevice("--device " + text, "only " + std::to_string(visible) + " CUDA device" +
                                          (visible == 1 ? "" : "s") + " visible (cuda:0.." +
                                          "cuda:" + std::to_string(visible - 1) + ")" +
                                          VisibleDevicesNote());
      }
      device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
      break;
    }
  }
  if (amp && !device.is_cuda()) {
    BadDevice("--amp", "bf16 autocast runs on CUDA only; --device " + text + " resolved to the " +
                           "CPU" + (BuiltWithCuda() ? "" : " (this labqat has no CUDA)"));
  }
  return device;
}

std::string DeviceName(const torch::Device& device) {
  if (device.is_cpu()) return "cpu";
  return device.str();
}

ResidentImages::ResidentImages(const ImageSet& set, const Normalization& norm,
                               torch::Device device) {
  const std::int64_t n = set.count;
  // Normalised once on the host by the same code as the per-batch path, so
  // both paths train on identical floats; then one upload.
  Tensor host = torch::empty({n, set.height, set.width, set.channels});
  std::vector<std::int64_t> all(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) all[static_cast<std::size_t>(i)] = i;
  if (n > 0) GatherBatch(set, norm, all.data(), n, false, nullptr, host.data_ptr<float>());
  const std::vector<std::int64_t> labels(set.labels.begin(), set.labels.end());
  images_ = host.to(device);
  labels_ = torch::tensor(labels, torch::kInt64).to(device);
}

std::pair<Tensor, Tensor> ResidentImages::Gather(const Tensor& indices) const {
  // NHWC rows viewed as NCHW: channels-last strides, as the host Batcher makes.
  return {images_.index_select(0, indices).permute({0, 3, 1, 2}), labels_.index_select(0, indices)};
}

std::pair<Tensor, Tensor> ResidentImages::Slice(std::int64_t start, std::int64_t n) const {
  return {images_.narrow(0, start, n).permute({0, 3, 1, 2}), labels_.narrow(0, start, n)};
}

DeviceSgd::DeviceSgd(std::vector<Tensor> params, double momentum, double weight_decay)
    : params_(std::move(params)), momentum_(momentum), weight_decay_(weight_decay) {
  torch::NoGradGuard no_grad;
  for (const Tensor& p : params_) buffers_.push_back(torch::zeros_like(p));
  const auto options = params_.empty() ? torch::TensorOptions() : params_[0].options();
  lr_ = torch::zeros({}, options.dtype(torch::kFloat));
}

void DeviceSgd::SetLr(double lr) { lr_.fill_(lr); }

void DeviceSgd::Step() {
  torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < params_.size(); ++i) {
    Tensor& p = params_[i];
    const Tensor& g = p.grad();
    if (!g.defined()) continue;
    // Buffers start at zero, so the first step gives b = d as PyTorch's does.
    Tensor d = weight_decay_ != 0 ? g.add(p, weight_decay_) : g;
    buffers_[i].mul_(momentum_).add_(d);
    p.sub_(buffers_[i] * lr_);
  }
}

Tensor BatchLoss(const std::vector<Tensor>& logits, const Tensor& labels, const StepLoss& l) {
  Tensor loss;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    if (l.weights[i] == 0) continue;
    Tensor term = l.weights[i] * torch::nn::functional::cross_entropy(logits[i], labels);
    loss = loss.defined() ? loss + term : term;
  }
  if (l.distill > 0) {
    // In-place distillation: the 8-bit net teaches the 4-bit net, no
    // gradient into the teacher through this term.
    Tensor kl = torch::nn::functional::kl_div(
        torch::log_softmax(logits[1], 1), torch::softmax(logits[0].detach(), 1),
        torch::nn::functional::KLDivFuncOptions().reduction(torch::kBatchMean));
    loss = loss.defined() ? loss + l.distill * kl : l.distill * kl;
  }
  return loss;
}

TrainStep::TrainStep(QatNet& net, const ResidentImages* data, std::int64_t batch, StepLoss loss,
                     std::function<void()> optimizer_step,
                     std::function<std::shared_ptr<void>()> autocast)
    : net_(net),
      data_(data),
      loss_(std::move(loss)),
      optimizer_step_(std::move(optimizer_step)),
      autocast_(std::move(autocast)),
      params_(net.parameters()) {
  const auto device = params_.at(0).device();
  indices_ = torch::zeros({batch}, torch::TensorOptions().dtype(torch::kInt64).device(device));
  loss_sum_ = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
}

void TrainStep::Run() {
  Tensor x = inputs_, y = labels_;
  if (data_) std::tie(x, y) = data_->Gather(indices_);
  std::vector<Tensor> logits;
  {
    const std::shared_ptr<void> guard = autocast_ ? autocast_() : nullptr;
    logits = net_.forward(x, loss_.precisions);
  }
  const Tensor loss = BatchLoss(logits, y, loss_);
  for (auto& p : params_) p.mutable_grad() = Tensor();  // set_to_none: no zero fill
  loss.backward();
  optimizer_step_();
  loss_sum_.add_(loss.detach());
}

double TrainStep::LossSum() const { return loss_sum_.item<double>(); }

void TrainStep::ResetLossSum() { loss_sum_.zero_(); }

void SaveOnCpu(const torch::nn::Module& module, torch::serialize::OutputArchive& archive) {
  for (const auto& p : module.named_parameters(/*recurse=*/false)) {
    archive.write(p.key(), p.value().to(torch::kCPU));
  }
  for (const auto& b : module.named_buffers(/*recurse=*/false)) {
    archive.write(b.key(), b.value().to(torch::kCPU), /*is_buffer=*/true);
  }
  for (const auto& child : module.named_children()) {
    if (!child.value()->is_serializable()) continue;
    torch::serialize::OutputArchive child_archive(archive.compilation_unit());
    SaveOnCpu(*child.value(), child_archive);
    archive.write(child.key(), child_archive);
  }
}

}  // namespace labq::qat
