#include "qat/model.h"

#include <stdexcept>

namespace labq::qat {
namespace {

using torch::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

/// Autograd node of FakeQuant: forward runs the fused kernel, backward is the
/// straight-through estimator (the sum of the incoming gradients).
class FakeQuantFunction : public torch::autograd::Function<FakeQuantFunction> {
 public:
  static variable_list forward(AutogradContext* ctx, const Tensor& weight, std::int64_t k,
                               std::int64_t rule, bool per_channel, bool want8, bool want4) {
    ctx->set_materialize_grads(false);  // an unused output needs no zero tensor
    QuantSpec spec{static_cast<int>(k), static_cast<Rule>(rule), per_channel};
    if (!weight.is_cpu()) {
      auto [o8, o4] = FakeQuantOps(weight, spec, want8, want4);
      variable_list out;
      if (want8) out.push_back(o8);
      if (want4) out.push_back(o4);
      return out;
    }
    Tensor w = weight;
    // The kernel walks storage linearly; each output channel must be one block.
    if (!w.is_non_overlapping_and_dense() || w.stride(0) * w.size(0) != w.numel()) {
      w = w.contiguous();
    }
    Tensor w8 = want8 ? torch::empty_like(w) : Tensor();
    Tensor w4 = want4 ? torch::empty_like(w) : Tensor();
    const std::int64_t channels = w.size(0);
    std::vector<float> scales(static_cast<std::size_t>(channels));
    FakeQuantize(w.data_ptr<float>(), channels, w.numel() / channels, spec,
                 want8 ? w8.data_ptr<float>() : nullptr, want4 ? w4.data_ptr<float>() : nullptr,
                 scales.data());
    variable_list out;
    if (want8) out.push_back(w8);
    if (want4) out.push_back(w4);
    return out;
  }

  static variable_list backward(AutogradContext*, variable_list grads) {
    Tensor g;
    for (auto& gi : grads) {
      if (!gi.defined()) continue;
      g = g.defined() ? g + gi : gi;
    }
    return {g, Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

/// Kaiming-normal (fan_out, ReLU) as torchvision initialises conv weights.
void InitConvWeight(Tensor& w) {
  torch::NoGradGuard guard;
  const double fan_out = static_cast<double>(w.size(0) * w.size(2) * w.size(3));
  w.normal_(0.0, std::sqrt(2.0 / fan_out));
}

constexpr double kBnMomentum = 0.1;
constexpr double kBnEps = 1e-5;

class CnnNet : public QatNet {
 public:
  CnnNet(std::int64_t in_channels, std::int64_t image_size, std::int64_t num_classes) {
    const std::int64_t widths[] = {32, 32, 64, 64};
    std::int64_t in = in_channels;
    for (std::int64_t w : widths) {
      AddConv(in, w, 3, 1, 1);
      AddBn(w);
      in = w;
    }
    const std::int64_t side = image_size / 4;  // two 2x2 max pools
    fc_ = register_module("fc", torch::nn::Linear(in * side * side, num_classes));
  }

 protected:
  Tensor Body(const Tensor& input, Precision p, const std::vector<Tensor>& w) override {
    Tensor x = input;
    for (std::size_t i = 0; i < convs_.size(); ++i) {
      x = bns_[i]->forward(Conv(i, x, w[i]), p);
      // ReLU and max-pool commute (both monotone), so pooling first runs the
      // ReLU and its backward on a quarter of the values; same function.
      if (i % 2 == 1) x = torch::max_pool2d(x, 2);
      x = x.relu_();
    }
    return fc_->forward(x.flatten(1));
  }

 private:
  torch::nn::Linear fc_{nullptr};
};

class ResNet20 : public QatNet {
 public:
  ResNet20(std::int64_t in_channels, std::int64_t num_classes) {
    AddConv(in_channels, 16, 3, 1, 1);
    AddBn(16);
    std::int64_t in = 16;
    for (std::int64_t stage = 0; stage < 3; ++stage) {
      const std::int64_t width = 16 << stage;
      for (int b = 0; b < 3; ++b) {
        Block block;
        const std::int64_t stride = (stage > 0 && b == 0) ? 2 : 1;
        block.conv1 = static_cast<int>(convs_.size());
        AddConv(in, width, 3, stride, 1);
        AddBn(width);
        AddConv(width, width, 3, 1, 1);
        AddBn(width);
        if (stride != 1 || in != width) {
          block.shortcut = static_cast<int>(convs_.size());
          AddConv(in, width, 1, stride, 0);
          AddBn(width);
        }
        blocks_.push_back(block);
        in = width;
      }
    }
    fc_ = register_module("fc", torch::nn::Linear(in, num_classes));
  }

 protected:
  Tensor Body(const Tensor& input, Precision p, const std::vector<Tensor>& w) override {
    auto conv_bn = [&](int i, const Tensor& x) {
      return bns_[i]->forward(Conv(static_cast<std::size_t>(i), x, w[i]), p);
    };
    Tensor x = conv_bn(0, input).relu_();
    for (const Block& b : blocks_) {
      Tensor out = conv_bn(b.conv1, x).relu_();
      out = conv_bn(b.conv1 + 1, out);
      out = out + (b.shortcut >= 0 ? conv_bn(b.shortcut, x) : x);
      x = out.relu_();
    }
    x = torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1);
    return fc_->forward(x);
  }

 private:
  struct Block {
    int conv1 = -1;
    int shortcut = -1;
  };
  std::vector<Block> blocks_;
  torch::nn::Linear fc_{nullptr};
};

}  // namespace

namespace {

/// The 8-bit magnitudes q and their scale, as device-generic torch ops.
struct Magnitudes {
  Tensor q;      ///< clamp(round_half_even(|w|/s), 0, 127), float
  Tensor scale;  ///< 0-dim, or [C,1,1,1] per channel
};

Magnitudes ComputeMagnitudes(const Tensor& w, const QuantSpec& spec) {
  if (spec.k < 0 || spec.k > kMaxShift) {
    throw std::invalid_argument("4-bit shift k must be 0..4, got " + std::to_string(spec.k));
  }
  const Tensor a = w.abs();
  // max|w| per layer (0-dim) or per output channel ([C,1,1,1]); kept on the
  // device as a tensor so the division below is a true division, never a
  // multiplication by a host-side reciprocal.
  const Tensor max_abs = spec.per_channel
                             ? a.reshape({a.size(0), -1}).amax(1).reshape({a.size(0), 1, 1, 1})
                             : a.amax();
  const Tensor limit = torch::full({}, static_cast<float>(kMaxMagnitude8), w.options());
  const Tensor scale = torch::where(max_abs > 0, max_abs / limit, torch::ones_like(max_abs));
  // clamp(|w|/s, 0, 127) with NaN -> 127 like the kernel, then half-to-even.
  const Tensor ratio = a / scale;
  return {torch::where(ratio <= limit, ratio, limit).round(), scale};
}

/// Magnitude4 in float arithmetic, exact for these small integers (the
/// divisions are by powers of two); no table upload, so it is capturable.
Tensor Magnitudes4(const Tensor& q, const QuantSpec& spec) {
  const double step = static_cast<double>(1 << spec.k);
  if (spec.rule == Rule::kTruncate) {
    return torch::remainder(torch::floor(q / step), kMaxMagnitude4 + 1);
  }
  const double half = spec.k == 0 ? 0.0 : step / 2;
  return torch::clamp_max(torch::floor((q + half) / step), kMaxMagnitude4);
}

}  // namespace

std::pair<Tensor, Tensor> FakeQuantOps(const Tensor& weight, const QuantSpec& spec, bool want8,
                                       bool want4) {
  torch::NoGradGuard no_grad;
  const Tensor w = weight.detach();
  const auto [q, scale] = ComputeMagnitudes(w, spec);
  Tensor w8, w4;
  if (want8) w8 = torch::copysign(q * scale, w);
  if (want4) {
    const double step = static_cast<double>(1 << spec.k);
    w4 = torch::copysign(Magnitudes4(q, spec) * step * scale, w);
  }
  return {w8, w4};
}

std::pair<Tensor, Tensor> WeightCodes(const Tensor& weight, const QuantSpec& spec, Precision p) {
  if (p == Precision::kFp) throw std::invalid_argument("WeightCodes: fp weights have no codes");
  torch::NoGradGuard no_grad;
  const Tensor w = weight.detach();
  const auto [q, scale] = ComputeMagnitudes(w, spec);
  const bool four = p == Precision::k4;
  const Tensor magnitude = four ? Magnitudes4(q, spec) : q;
  // The sign of the weight, as FakeQuant copies it (w < 0, -0.0 included).
  const Tensor codes = torch::where(w.signbit(), magnitude.neg(), magnitude);
  Tensor step = scale.reshape({-1}).expand({w.size(0)}).contiguous();
  if (four) step = step * static_cast<double>(1 << spec.k);
  return {codes, step};
}

std::pair<Tensor, Tensor> FakeQuant(const Tensor& weight, const QuantSpec& spec, bool want8,
                                    bool want4) {
  if (!want8 && !want4) return {};
  variable_list out = FakeQuantFunction::apply(weight, static_cast<std::int64_t>(spec.k),
                                               static_cast<std::int64_t>(spec.rule),
                                               spec.per_channel, want8, want4);
  if (want8 && want4) return {out[0], out[1]};
  return want8 ? std::pair<Tensor, Tensor>{out[0], Tensor()}
               : std::pair<Tensor, Tensor>{Tensor(), out[0]};
}

QConv2dImpl::QConv2dImpl(std::int64_t in, std::int64_t out, std::int64_t kernel,
                         std::int64_t stride_in, std::int64_t padding_in)
    : stride(stride_in), padding(padding_in) {
  weight = register_parameter(
      "weight", torch::empty({out, in, kernel, kernel}, torch::TensorOptions().memory_format(
                                                            torch::MemoryFormat::ChannelsLast)));
  InitConvWeight(weight);
}

Tensor QConv2dImpl::forward(const Tensor& x, const Tensor& w) const {
  return torch::conv2d(x, w, {}, stride, padding);
}

SwitchableBatchNormImpl::SwitchableBatchNormImpl(std::int64_t channels) {
  static const char* const kSuffix[kNumPrecisions] = {"fp", "8", "4"};
  for (int s = 0; s < kNumPrecisions; ++s) {
    const std::string suffix = kSuffix[s];
    weight_[s] = register_parameter("weight_" + suffix, torch::ones({channels}));
    bias_[s] = register_parameter("bias_" + suffix, torch::zeros({channels}));
    mean_[s] = register_buffer("running_mean_" + suffix, torch::zeros({channels}));
    var_[s] = register_buffer("running_var_" + suffix, torch::ones({channels}));
  }
}

int SwitchableBatchNormImpl::AffineSlot(Precision p) const {
  return mode == BnMode::kSwitchable ? static_cast<int>(p) : 0;
}

int SwitchableBatchNormImpl::StatsSlot(Precision p) const {
  return mode == BnMode::kShared ? 0 : static_cast<int>(p);
}

Tensor SwitchableBatchNormImpl::forward(const Tensor& x, Precision p) {
  const int a = AffineSlot(p);
  const int s = StatsSlot(p);
  double momentum = kBnMomentum;
  if (calibrating_slot_ == s && is_training()) {
    // Cumulative average over the calibration batches, as PyTorch does with
    // momentum=None: the n-th batch gets weight 1/n.
    momentum = 1.0 / static_cast<double>(++calibration_batches_);
  }
  return torch::batch_norm(x, weight_[a], bias_[a], mean_[s], var_[s], is_training(), momentum,
                           kBnEps, /*cudnn_enabled=*/false);
}

void SwitchableBatchNormImpl::CopySlot(Precision from, Precision to) {
  torch::NoGradGuard guard;
  const int f = static_cast<int>(from), t = static_cast<int>(to);
  if (f == t) return;
  weight_[t].copy_(weight_[f]);
  bias_[t].copy_(bias_[f]);
  mean_[t].copy_(mean_[f]);
  var_[t].copy_(var_[f]);
}

void SwitchableBatchNormImpl::BeginCalibration(Precision p) {
  torch::NoGradGuard guard;
  calibrating_slot_ = StatsSlot(p);
  calibration_batches_ = 0;
  mean_[calibrating_slot_].zero_();
  var_[calibrating_slot_].fill_(1.0);
}

void SwitchableBatchNormImpl::EndCalibration() { calibrating_slot_ = -1; }

void SwitchableBatchNormImpl::Materialize() {
  torch::NoGradGuard guard;
  for (int p = kNumPrecisions - 1; p >= 0; --p) {
    const int a = AffineSlot(static_cast<Precision>(p));
    const int s = StatsSlot(static_cast<Precision>(p));
    if (a != p) {
      weight_[p].copy_(weight_[a]);
      bias_[p].copy_(bias_[a]);
    }
    if (s != p) {
      mean_[p].copy_(mean_[s]);
      var_[p].copy_(var_[s]);
    }
  }
}

std::vector<Tensor> QatNet::forward(const Tensor& x, const std::vector<Precision>& precisions) {
  bool want8 = false, want4 = false;
  for (Precision p : precisions) {
    want8 |= p == Precision::k8;
    want4 |= p == Precision::k4;
  }
  std::array<std::vector<Tensor>, kNumPrecisions> weights;
  for (const QConv2d& conv : convs_) {
    auto [w8, w4] = FakeQuant(conv->weight, conv->spec, want8, want4);
    weights[0].push_back(conv->weight);
    weights[1].push_back(w8);
    weights[2].push_back(w4);
  }
  std::vector<Tensor> logits;
  for (Precision p : precisions) logits.push_back(Body(x, p, weights[static_cast<int>(p)]));
  return logits;
}

void QatNet::SetBnMode(BnMode mode) {
  for (auto& bn : bns_) bn->mode = mode;
}

void QatNet::SetQuantization(const std::vector<int>& k, Rule rule, bool per_channel) {
  if (k.size() != convs_.size()) {
    throw std::invalid_argument("k list has " + std::to_string(k.size()) + " entries but the " +
                                "network has " + std::to_string(convs_.size()) + " conv layers");
  }
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    if (k[i] < 0 || k[i] > kMaxShift) {
      throw std::invalid_argument("k of layer " + std::to_string(i) + " must be 0..4");
    }
    convs_[i]->spec = QuantSpec{k[i], rule, per_channel};
  }
}

Tensor QatNet::Conv(std::size_t i, const Tensor& x, const Tensor& w) const {
  return conv_hook_ ? conv_hook_(i, x, w) : convs_[i]->forward(x, w);
}

std::vector<int> QatNet::ks() const {
  std::vector<int> k;
  for (const auto& conv : convs_) k.push_back(conv->spec.k);
  return k;
}

void QatNet::ToChannelsLast() {
  torch::NoGradGuard guard;
  for (auto& p : parameters()) {
    if (p.dim() != 4) continue;
    // Copy into explicitly channels-last strides: for a 1-input-channel
    // weight .contiguous(ChannelsLast) is a no-op that keeps NCHW strides, and
    // oneDNN then picks NCHW for the first conv, whose gradient meets
    // channels-last tensors downstream and takes ATen's slow mixed-format path.
    Tensor cl =
        torch::empty(p.sizes(), p.options().memory_format(torch::MemoryFormat::ChannelsLast));
    cl.copy_(p);
    p.set_data(cl);
  }
}

QConv2d QatNet::AddConv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                        std::int64_t padding) {
  QConv2d conv(in, out, kernel, stride, padding);
  convs_.push_back(register_module("conv" + std::to_string(convs_.size()), conv));
  return conv;
}

SwitchableBatchNorm QatNet::AddBn(std::int64_t channels) {
  SwitchableBatchNorm bn(channels);
  bns_.push_back(register_module("bn" + std::to_string(bns_.size()), bn));
  return bn;
}

std::shared_ptr<QatNet> MakeNet(const std::string& model, std::int64_t in_channels,
                                std::int64_t image_size, std::int64_t num_classes) {
  if (model == "cnn") {
    if (image_size % 4 != 0) {
      throw std::invalid_argument("cnn needs an image side divisible by 4, got " +
                                  std::to_string(image_size));
    }
    return std::make_shared<CnnNet>(in_channels, image_size, num_classes);
  }
  if (model == "resnet20") return std::make_shared<ResNet20>(in_channels, num_classes);
  throw std::invalid_argument("unknown model '" + model + "' (expected cnn or resnet20)");
}

}  // namespace labq::qat
