#pragma once
/// LibTorch modules of the trainer: the fake-quantized convolution, the
/// per-precision batch norm and the two networks (a 4-conv CNN for 28x28
/// grayscale, ResNet-20 for CIFAR-10).
///
/// One of the few translation units that include <torch/torch.h> (see
/// qat/CMakeLists.txt): each costs ~20 s to compile.

#include <torch/torch.h>

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "qat/options.h"
#include "qat/sign_magnitude.h"

namespace labq::qat {

/// Fake-quantizes a conv weight with ONE fused pass over its values: the
/// 8-bit code of each weight is computed once and both the 8-bit and the
/// 4-bit weights are derived from it (nested training asks for both).
/// Returns {w8, w4}; an entry is undefined when not requested. Backward is the
/// straight-through estimator: dL/dw = dL/dw8 + dL/dw4 (identity per output).
/// Outputs keep the weight's memory format (channels-last here).
std::pair<torch::Tensor, torch::Tensor> FakeQuant(const torch::Tensor& weight,
                                                  const QuantSpec& spec, bool want8, bool want4);

/// The same fake quantization as FakeQuant's fused CPU kernel, written as
/// device-generic torch ops (no autograd) so that it runs where the weight
/// lives, e.g. on CUDA inside a captured graph: no host round trip. Every
/// operation is exact or one correctly rounded float op in the kernel's order
/// (|w| / s with s = max|w|/127, round half to even, q*s, LUT[q]*s, sign
/// copied), so the codes equal the CPU kernel's bit for bit (tested on CPU).
/// One difference: a NaN weight makes this path's scale NaN-free 1 where the
/// CPU kernel skips NaNs in max|w|; both only happen after divergence.
std::pair<torch::Tensor, torch::Tensor> FakeQuantOps(const torch::Tensor& weight,
                                                     const QuantSpec& spec, bool want8, bool want4);

/// The integer codes behind FakeQuantOps' values for precision k8 or k4:
/// {codes, step} with codes = sign * q (8-bit) or sign * q4 (4-bit) as
/// floats, same shape as the weight, and step [Cout] the value one code unit
/// is worth (s, or s * 2^k), so that codes * step equals the fake-quantized
/// weight. What the DPU multiplies (labqat hweval).
std::pair<torch::Tensor, torch::Tensor> WeightCodes(const torch::Tensor& weight,
                                                    const QuantSpec& spec, Precision p);

/// Convolution without bias (BN follows) whose weight is fake-quantized by
/// the network, which hands it the weight for the current precision.
class QConv2dImpl : public torch::nn::Module {
 public:
  QConv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
              std::int64_t padding);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& w) const;

  torch::Tensor weight;  ///< [out, in, k, k], stored channels-last
  std::int64_t stride;
  std::int64_t padding;
  QuantSpec spec;
};
TORCH_MODULE(QConv2d);

/// Batch norm with one parameter/statistics slot per precision; BnMode picks
/// which slot a precision reads (see options.h). All slots are saved, and
/// Materialize() writes the effective values into every slot before saving
/// so that a PyTorch user sees, e.g., the 4-bit BN as `weight_4`.
class SwitchableBatchNormImpl : public torch::nn::Module {
 public:
  explicit SwitchableBatchNormImpl(std::int64_t channels);
  torch::Tensor forward(const torch::Tensor& x, Precision p);

  /// Copies affine parameters and statistics of slot `from` into `to`.
  void CopySlot(Precision from, Precision to);
  /// Resets the statistics `p` reads; until EndCalibration, training-mode
  /// forwards average batch statistics cumulatively (momentum 1/n).
  void BeginCalibration(Precision p);
  void EndCalibration();
  void Materialize();

  BnMode mode = BnMode::kSwitchable;

 private:
  int AffineSlot(Precision p) const;
  int StatsSlot(Precision p) const;

  std::array<torch::Tensor, kNumPrecisions> weight_, bias_, mean_, var_;
  int calibrating_slot_ = -1;
  std::int64_t calibration_batches_ = 0;
};
TORCH_MODULE(SwitchableBatchNorm);

/// Base of both networks: owns the quantized convs and their BNs so the
/// trainer can set k/rule/BN mode, search k and calibrate generically.
class QatNet : public torch::nn::Module {
 public:
  /// Logits per requested precision. Each conv's weights are quantized once
  /// and shared by all requested precisions.
  std::vector<torch::Tensor> forward(const torch::Tensor& x,
                                     const std::vector<Precision>& precisions);

  const std::vector<QConv2d>& convs() const { return convs_; }
  std::vector<SwitchableBatchNorm>& bns() { return bns_; }
  void SetBnMode(BnMode mode);
  /// One k per conv (size must match), plus the rule and scale granularity.
  void SetQuantization(const std::vector<int>& k, Rule rule, bool per_channel);
  std::vector<int> ks() const;
  /// Puts every 4-D parameter in channels-last order (after loading, too).
  void ToChannelsLast();

  /// Replaces every conv of the network: hook(index into convs(), input,
  /// weight for the precision) returns the conv's output. Empty: the plain
  /// convolution. `labqat hweval` uses it to compute convs as DPU calls and
  /// to calibrate activation ranges; everything else stays the same.
  using ConvHook =
      std::function<torch::Tensor(std::size_t, const torch::Tensor&, const torch::Tensor&)>;
  void SetConvHook(ConvHook hook) { conv_hook_ = std::move(hook); }

 protected:
  QConv2d AddConv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                  std::int64_t padding);
  SwitchableBatchNorm AddBn(std::int64_t channels);
  /// The network for one precision; `w[i]` is the weight for convs_[i].
  virtual torch::Tensor Body(const torch::Tensor& x, Precision p,
                             const std::vector<torch::Tensor>& w) = 0;
  /// Conv i of the network (through the hook when one is set).
  torch::Tensor Conv(std::size_t i, const torch::Tensor& x, const torch::Tensor& w) const;

  std::vector<QConv2d> convs_;
  std::vector<SwitchableBatchNorm> bns_;
  ConvHook conv_hook_;
};

/// "cnn": conv32-conv32-pool-conv64-conv64-pool-fc, every conv 3x3 + BN +
/// ReLU. "resnet20": He et al.'s CIFAR ResNet-20 (1x1 conv shortcuts).
std::shared_ptr<QatNet> MakeNet(const std::string& model, std::int64_t in_channels,
                                std::int64_t image_size, std::int64_t num_classes);

}  // namespace labq::qat
