#pragma once
/// Pieces of the trainer that `labqat hweval` (hweval.cc) runs too: batches
/// from byte images, the device a run uses, weights loading. Includes torch.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "qat/data.h"
#include "qat/device_step.h"
#include "qat/model.h"

namespace labq::qat {

inline constexpr std::int64_t kNumClasses = 10;

/// Turns byte images into input tensors; owns the float buffer the tensors
/// view, reused for every batch (autograd is done with a batch before the
/// next one is gathered).
class Batcher {
 public:
  Batcher(const ImageSet& set, const Normalization& norm) : set_(set), norm_(norm) {}

  std::pair<torch::Tensor, torch::Tensor> Make(const std::int64_t* indices, std::int64_t n,
                                               bool augment, Rng* rng) {
    pixels_.resize(static_cast<std::size_t>(n * set_.ImageBytes()));
    labels_.resize(static_cast<std::size_t>(n));
    GatherBatch(set_, norm_, indices, n, augment, rng, pixels_.data());
    for (std::int64_t i = 0; i < n; ++i) labels_[i] = set_.labels[indices[i]];
    // NHWC buffer viewed as NCHW with channels-last strides, no copy. The
    // strides matter even for 1 channel: they make oneDNN run every conv,
    // the first included, channels-last (see QatNet::ToChannelsLast).
    const std::int64_t h = set_.height, w = set_.width, c = set_.channels;
    torch::Tensor x = torch::from_blob(pixels_.data(), {n, c, h, w}, {h * w * c, 1, w * c, c});
    return {x, torch::from_blob(labels_.data(), {n}, torch::kInt64)};
  }

 private:
  const ImageSet& set_;
  Normalization norm_;
  std::vector<float> pixels_;
  std::vector<std::int64_t> labels_;
};

/// Where the network runs and, on the device path, the splits kept there.
struct Placement {
  torch::Device device = torch::kCPU;
  std::unique_ptr<ResidentImages> train;  ///< null: batches made on the host
  std::unique_ptr<ResidentImages> test;
};

/// Images start..start+n-1 of a split (no augmentation) on the device.
std::pair<torch::Tensor, torch::Tensor> InOrderBatch(const ResidentImages* resident,
                                                     torch::Device device, Batcher& batcher,
                                                     std::vector<std::int64_t>& idx,
                                                     std::int64_t start, std::int64_t n);

/// Loads onto the CPU (the caller moves the net to its device). Module::load
/// would silently take tensors of another shape, so every shape is checked:
/// a file of another model or data set is refused here, before any output.
/// `what` names the network in messages ("a cnn for fashion-mnist").
void LoadWeights(QatNet& net, const std::string& path, const std::string& what);

/// What `eval` and `hweval` evaluate a weights file on: the sidecar's model,
/// data set, data folder and test limit, unless the flags name others (the
/// sidecar's folder only holds for its own data set).
struct EvalSource {
  std::string model;
  std::string dataset;
  std::string data_dir;
  std::int64_t test_limit = 0;
};
EvalSource ResolveEvalSource(const Options& o, const nlohmann::json& sidecar);

}  // namespace labq::qat
