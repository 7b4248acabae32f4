#include "qat/hweval.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "qat/dpu_op.h"
#include "qat/trainer.h"
#include "qat/trainer_parts.h"

namespace labq::qat {
namespace {

using json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;
using torch::Tensor;

[[noreturn]] void Bad(const std::string& what) { throw std::invalid_argument(what); }

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

double Round(double v, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

/// One conv of the network as the DPU sees it.
struct DpuLayer {
  QConv2d conv{nullptr};
  std::int64_t k = 0;
  std::int64_t out_pixels = 0;  ///< Ho*Wo, seen during calibration
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double lo = 0;     ///< real value of code 0: min(0, calibrated min)
  double scale = 1;  ///< real value of one code step
  DpuConvWeights dpu;
  Tensor factor;      ///< [Cout] float64: scale * weight step
  Tensor correction;  ///< lo * conv(mask of real pixels, w); undefined when lo == 0
  Tensor flat_codes;  ///< [Cout, chunks*N] int64 on the CPU (vectors only)
};

/// A sampled DPU call of the evaluated images (--vectors-out).
struct Sample {
  std::uint64_t index;  ///< over all calls of all evaluated images
  std::int64_t image, half, chunk, pixel, cout;
};

/// The network with its DPU layers, data and where it runs.
struct Run {
  std::shared_ptr<QatNet> net;
  std::vector<DpuLayer> layers;
  Dataset data;
  torch::Device device = torch::kCPU;
  std::unique_ptr<ResidentImages> test, train;
  Precision precision = Precision::k8;
};

/// Weights, sidecar, data set and network, refused before any work when the
/// flags do not fit the file.
Run Load(const Options& o, const HwevalOptions& h, json& info, std::ostream& log) {
  if (o.init.empty()) Bad("--weights: required");
  if (o.calib < 1) Bad("--calib: must be positive");
  if (o.batch < 1) Bad("--batch: must be positive");
  if (o.threads < 1) Bad("--threads: must be positive");
  if (o.test_limit < 0) Bad("--test-limit: must be >= 0");
  if (const std::string p = h.dpu.Problem(); !p.empty()) Bad(p);
  Run run;
  run.device = ResolveDevice(o.device, false);
  torch::set_num_threads(o.threads);
  const nlohmann::json sc = ReadSidecar(o.init);
  const auto [model, dataset, data_dir, test_limit] = ResolveEvalSource(o, sc);
  run.net = MakeNet(model, sc["in_channels"].get<std::int64_t>(),
                    sc["image_size"].get<std::int64_t>(), kNumClasses);
  const std::vector<int> ks = sc["k"].get<std::vector<int>>();
  if (ks.size() != run.net->convs().size()) {
    Bad("--weights: " + o.init + ".json lists " + std::to_string(ks.size()) + " k values for " +
        std::to_string(run.net->convs().size()) + " convs");
  }
  std::int64_t largest_k = 0;
  for (const QConv2d& c : run.net->convs()) {
    DpuLayer layer;
    layer.conv = c;
    layer.k = c->weight.size(1) * c->weight.size(2) * c->weight.size(3);
    largest_k = std::max(largest_k, layer.k);
    run.layers.push_back(std::move(layer));
  }
  if (h.dpu.n > largest_k) {
    Bad("--n: " + std::to_string(h.dpu.n) + " is larger than the largest conv's K = Cin*kh*kw = " +
        std::to_string(largest_k) + " of this " + model);
  }
  run.data = LoadDataset(dataset, data_dir, true, o.calib, test_limit);
  if (run.data.test.channels != sc["in_channels"].get<int>() ||
      run.data.test.height != sc["image_size"].get<int>()) {
    Bad("--dataset: " + o.init + " was trained on " + sc["dataset"].get<std::string>() +
        " images, " + dataset + " images have another shape");
  }
  if (run.data.test.count == 0) Bad("--test-limit: no test images to evaluate");
  LoadWeights(*run.net, o.init, "a " + model + " for " + sc["dataset"].get<std::string>());
  run.net->to(run.device);
  run.net->ToChannelsLast();
  if (!run.device.is_cpu()) {
    run.test = std::make_unique<ResidentImages>(run.data.test, run.data.norm, run.device);
    run.train = std::make_unique<ResidentImages>(run.data.train, run.data.norm, run.device);
  }
  run.net->SetBnMode(BnMode::kSwitchable);  // slots are materialised in the file
  run.net->SetQuantization(ks, ParseRule(sc["rule"].get<std::string>()),
                           sc["per_channel"].get<bool>());
  run.net->eval();
  run.precision = h.precision == 4 ? Precision::k4 : Precision::k8;
  info["weights"] = o.init;
  info["model"] = model;
  info["dataset"] = dataset;
  info["trained_mode"] = sc["mode"];
  info["k"] = ks;
  info["rule"] = sc["rule"];
  info["per_channel"] = sc["per_channel"];
  log << "labqat: hweval " << o.init << " (" << model << ", " << dataset << ", "
      << run.data.test.count << " test images) on " << DeviceName(run.device) << "\n";
  return run;
}

/// Activation range at every conv input over the first --calib training
/// images, with float activations (the network as `labqat eval` runs it).
/// The statistic is the max (and min): at 8 bits the range of a 3x3 conv's
/// inputs costs little resolution, and nothing is clipped.
void Calibrate(Run& run, const Options& o) {
  torch::NoGradGuard no_grad;
  run.net->SetConvHook([&](std::size_t i, const Tensor& x, const Tensor& w) {
    DpuLayer& l = run.layers[i];
    l.min = std::min(l.min, x.min().item<double>());
    l.max = std::max(l.max, x.max().item<double>());
    Tensor y = l.conv->forward(x, w);
    l.out_pixels = y.size(2) * y.size(3);
    return y;
  });
  Batcher batcher(run.data.train, run.data.norm);
  std::vector<std::int64_t> idx;
  const std::int64_t n = run.data.train.count;
  for (std::int64_t start = 0; start < n; start += o.batch) {
    const std::int64_t b = std::min(o.batch, n - start);
    run.net->forward(InOrderBatch(run.train.get(), run.device, batcher, idx, start, b).first,
                     {run.precision});
  }
  run.net->SetConvHook(nullptr);
}

/// Scales from the calibrated ranges and the integer weights of every layer.
void PrepareLayers(Run& run, const HwevalOptions& h) {
  torch::NoGradGuard no_grad;
  const double codes = static_cast<double>(h.dpu.MaxActivation());
  for (DpuLayer& l : run.layers) {
    l.lo = std::min(0.0, l.min);
    l.scale = l.max > l.lo ? (l.max - l.lo) / codes : 1.0;
    auto [wcodes, step] = WeightCodes(l.conv->weight, l.conv->spec, run.precision);
    l.dpu = PrepareDpuConv(wcodes.contiguous(), h.dpu);
    l.factor = (step.to(torch::kFloat64) * l.scale).reshape({-1});
    if (!h.vectors_out.empty()) {
      const std::int64_t cout = wcodes.size(0), chunks = l.dpu.Chunks();
      l.flat_codes = torch::constant_pad_nd(wcodes.contiguous().reshape({cout, l.k}).cpu(),
                                            {0, chunks * h.dpu.n - l.k})
                         .to(torch::kInt64);
    }
  }
}

/// --vectors-out: `count` calls drawn uniformly (seeded, without repeats)
/// from all DPU calls the evaluated images make, and the lines written.
class VectorSampler {
 public:
  VectorSampler(const Run& run, const HwevalOptions& h) : h_(h) {
    for (const DpuLayer& l : run.layers) {
      const std::int64_t calls = l.out_pixels * l.dpu.cout * CallsPerOutput(l.k, h.dpu);
      per_layer_.push_back(calls);
      per_image_ += calls;
    }
    total_ =
        static_cast<std::uint64_t>(per_image_) * static_cast<std::uint64_t>(run.data.test.count);
    if (h.vectors_count < 1) Bad("--vectors-count: must be positive");
    if (static_cast<std::uint64_t>(h.vectors_count) > total_) {
      Bad("--vectors-count: " + std::to_string(h.vectors_count) + " is more than the " +
          std::to_string(total_) + " DPU calls of the evaluated images");
    }
    Rng rng(h.vectors_seed);
    std::set<std::uint64_t> picked;
    while (picked.size() < static_cast<std::size_t>(h.vectors_count)) {
      picked.insert(rng.Below(total_));
    }
    by_layer_.resize(run.layers.size());
    for (std::uint64_t g : picked) Decode(run, g);
  }

  std::int64_t CallsPerImage() const { return per_image_; }

  /// Takes the samples of layer `i` among images start..start+B-1 from the
  /// activation codes `x` of that batch.
  void Take(std::size_t i, const DpuLayer& l, const Tensor& x, std::int64_t start) {
    const std::int64_t n = h_.dpu.n, batch = x.size(0);
    auto& samples = by_layer_[i];
    while (next_.size() <= i) next_.push_back(0);
    std::size_t& s = next_[i];
    Tensor cols;
    std::int64_t cols_image = -1;
    for (; s < samples.size() && samples[s].image < start + batch; ++s) {
      const Sample& c = samples[s];
      if (c.image != cols_image) {
        const Tensor one = x.slice(0, c.image - start, c.image - start + 1).cpu();
        cols = torch::im2col(one, {l.dpu.kh, l.dpu.kw}, {1, 1}, {l.conv->padding, l.conv->padding},
                             {l.conv->stride, l.conv->stride})[0];
        cols = torch::constant_pad_nd(cols, {0, 0, 0, l.dpu.Chunks() * n - l.k})
                   .to(torch::kInt64)
                   .contiguous();
        cols_image = c.image;
      }
      const Tensor a =
          cols.slice(0, c.chunk * n, (c.chunk + 1) * n).select(1, c.pixel).contiguous();
      Tensor b = l.flat_codes[c.cout].slice(0, c.chunk * n, (c.chunk + 1) * n).clone();
      if (h_.dpu.Signed()) {
        const std::int64_t sign = std::int64_t{1} << (h_.dpu.b_bits - 1);
        b = torch::where(b < 0, b.neg().bitwise_or(sign), b);
      } else {
        b = (c.half == 0 ? b : b.neg()).clamp_min(0);
      }
      b = b.contiguous();
      lines_[c.index] = HexWord(a.data_ptr<std::int64_t>(), n, h_.dpu.a_bits) + " " +
                        HexWord(b.data_ptr<std::int64_t>(), n, h_.dpu.b_bits);
    }
  }

  void Write(const std::string& path, const std::string& weights, std::int64_t images) const {
    std::ofstream f(path + ".tmp");
    if (!f) Bad("--vectors-out: cannot write " + path);
    f << "# labqat hweval workload of " << weights << ": " << lines_.size()
      << " DPU calls drawn uniformly (seed " << h_.vectors_seed << ") from the " << total_
      << " calls of " << images << " test images\n"
      << "# N=" << h_.dpu.n << " a_bits=" << h_.dpu.a_bits << " b_bits=" << h_.dpu.b_bits
      << " b_format=" << BFormatName(h_.dpu.format)
      << (h_.dpu.Signed() ? " (b: sign bit + magnitude)" : " (b: magnitude of one half)") << "\n";
    for (const auto& [index, line] : lines_) f << line << "\n";
    f.close();
    if (!f) Bad("--vectors-out: write failed: " + path);
    std::filesystem::rename(path + ".tmp", path);
  }

 private:
  void Decode(const Run& run, std::uint64_t g) {
    Sample s{};
    s.index = g;
    s.image = static_cast<std::int64_t>(g / static_cast<std::uint64_t>(per_image_));
    std::int64_t r = static_cast<std::int64_t>(g % static_cast<std::uint64_t>(per_image_));
    std::size_t i = 0;
    while (r >= per_layer_[i]) r -= per_layer_[i++];
    const DpuLayer& l = run.layers[i];
    // Layout within a layer: ((half * chunks + chunk) * pixels + pixel) * Cout + cout.
    s.cout = r % l.dpu.cout;
    r /= l.dpu.cout;
    s.pixel = r % l.out_pixels;
    r /= l.out_pixels;
    s.chunk = r % l.dpu.Chunks();
    s.half = r / l.dpu.Chunks();
    by_layer_[i].push_back(s);
  }

  const HwevalOptions& h_;
  std::vector<std::int64_t> per_layer_;
  std::int64_t per_image_ = 0;
  std::uint64_t total_ = 0;
  std::vector<std::vector<Sample>> by_layer_;  ///< in image order
  std::vector<std::size_t> next_;
  std::map<std::uint64_t, std::string> lines_;
};

/// The DPU computation of conv i: activation codes, DPU calls, de-scaling,
/// and the zero-point correction outside the DPU.
Tensor DpuConvOutput(DpuLayer& l, const HwevalOptions& h, const Tensor& x, const Tensor& w,
                     VectorSampler* sampler, std::size_t i, std::int64_t start) {
  const Tensor codes =
      ((x - l.lo) / l.scale).round_().clamp_(0, static_cast<double>(h.dpu.MaxActivation()));
  if (sampler) sampler->Take(i, l, codes, start);
  Tensor y = DpuConv2dScaled(codes, l.dpu, l.conv->stride, l.conv->padding, h.dpu,
                             l.factor.to(x.device()));
  if (l.lo != 0) {
    if (!l.correction.defined()) {
      // Zero padding is code 0, worth lo: only real pixels carry the offset.
      const Tensor mask = torch::ones({1, x.size(1), x.size(2), x.size(3)}, x.options());
      l.correction = torch::conv2d(mask, w, {}, l.conv->stride, l.conv->padding) * l.lo;
    }
    y = y + l.correction;
  }
  return y;
}

/// Correct predictions over the test split with the network's current conv
/// hook; `start` tells the hook which images a batch holds.
std::int64_t CountCorrect(Run& run, const Options& o, std::int64_t& start) {
  torch::NoGradGuard no_grad;
  Batcher batcher(run.data.test, run.data.norm);
  std::vector<std::int64_t> idx;
  Tensor correct;
  for (start = 0; start < run.data.test.count; start += o.batch) {
    const std::int64_t n = std::min(o.batch, run.data.test.count - start);
    auto [x, y] = InOrderBatch(run.test.get(), run.device, batcher, idx, start, n);
    const Tensor c = run.net->forward(x, {run.precision})[0].argmax(1).eq(y).sum();
    correct = correct.defined() ? correct + c : c;
  }
  return correct.item<std::int64_t>();
}

}  // namespace

std::string HexWord(const std::int64_t* elements, std::int64_t n, int bits) {
  const std::int64_t total = n * bits, digits = (total + 3) / 4;
  std::string hex(static_cast<std::size_t>(digits), '0');
  for (std::int64_t d = 0; d < digits; ++d) {
    int nibble = 0;
    for (int bit = 0; bit < 4; ++bit) {
      const std::int64_t pos = d * 4 + bit;
      if (pos < total && ((elements[pos / bits] >> (pos % bits)) & 1)) nibble |= 1 << bit;
    }
    hex[static_cast<std::size_t>(digits - 1 - d)] = "0123456789abcdef"[nibble];
  }
  return hex;
}

nlohmann::ordered_json RunHweval(const Options& o, const HwevalOptions& h, std::ostream& out,
                                 std::ostream& log) {
  if (h.precision != 8 && h.precision != 4) Bad("--precision: expected 8 or 4");
  if (h.dpu.b_bits != h.precision) Bad("--precision: b_bits must equal the precision");
  // Chunk sums must be exact: no TF32 anywhere on CUDA.
  at::globalContext().setAllowTF32CuBLAS(false);
  at::globalContext().setAllowTF32CuDNN(false);
  json info;
  Run run = Load(o, h, info, log);
  const auto t_calib = Clock::now();
  Calibrate(run, o);
  PrepareLayers(run, h);
  log << "labqat: calibrated activations on " << run.data.train.count << " training images in "
      << Round(Seconds(t_calib), 2) << " s\n";

  std::int64_t batch_start = 0;
  const auto t_float = Clock::now();
  const std::int64_t float_correct = CountCorrect(run, o, batch_start);
  const double float_seconds = Seconds(t_float);

  std::unique_ptr<VectorSampler> sampler;
  if (!h.vectors_out.empty()) sampler = std::make_unique<VectorSampler>(run, h);
  run.net->SetConvHook([&](std::size_t i, const Tensor& x, const Tensor& w) {
    return DpuConvOutput(run.layers[i], h, x, w, sampler.get(), i, batch_start);
  });
  const auto t_dpu = Clock::now();
  const std::int64_t dpu_correct = CountCorrect(run, o, batch_start);
  const double seconds = Seconds(t_dpu);
  run.net->SetConvHook(nullptr);
  if (sampler) sampler->Write(h.vectors_out, o.init, run.data.test.count);

  const std::int64_t images = run.data.test.count;
  json j;
  j["type"] = "hweval";
  j["accuracy"] = std::stod(FormatPercent(dpu_correct, images));
  j["float_accuracy"] = std::stod(FormatPercent(float_correct, images));
  j["n"] = h.dpu.n;
  j["mode"] = std::string(DpuOutModeName(h.dpu.mode));
  j["b_format"] = std::string(BFormatName(h.dpu.format));
  j["precision"] = h.precision;
  j["a_bits"] = h.dpu.a_bits;
  j["b_bits"] = h.dpu.b_bits;
  j["out_bits"] = h.dpu.OutputBits();
  j["sum_bits"] = h.dpu.FullBits();
  std::vector<double> scales, los, zero_points;
  std::vector<std::int64_t> ks;
  std::int64_t calls = 0, macs = 0;
  for (const DpuLayer& l : run.layers) {
    scales.push_back(l.scale);
    los.push_back(l.lo);
    zero_points.push_back(l.lo < 0 ? std::round(-l.lo / l.scale) : 0.0);
    ks.push_back(l.k);
    calls += l.out_pixels * l.dpu.cout * CallsPerOutput(l.k, h.dpu);
    macs += l.out_pixels * l.dpu.cout * l.k;
  }
  j["act_scales"] = scales;
  j["act_lo"] = los;
  j["act_zero_points"] = zero_points;
  j["act_calibration"] =
      "max (and min) over the first " + std::to_string(run.data.train.count) + " training images";
  j["conv_k"] = ks;
  for (const auto& [key, value] : info.items()) j[key] = value;
  j["dpu_calls_per_image"] = calls;
  j["macs_per_image"] = macs;
  j["test_images"] = images;
  j["seconds"] = Round(seconds, 3);
  j["images_per_s"] = Round(static_cast<double>(images) / seconds, 1);
  j["float_seconds"] = Round(float_seconds, 3);
  j["gemm_dtype"] = h.dpu.Float32Exact() ? "float32" : "float64";
  j["threads"] = o.threads;
  j["device"] = DeviceName(run.device);
  if (sampler) {
    j["vectors"] = h.vectors_out;
    j["vectors_count"] = h.vectors_count;
  }
  out << j.dump() << "\n";
  return j;
}

namespace {

/// Builds calls for `labqat dpu-calls`: b holds signed values here (the code
/// is made at the end), so directed sums read naturally.
class CallMaker {
 public:
  CallMaker(const DpuSpec& spec, std::uint64_t seed) : spec_(spec), rng_(seed) {}

  void Add(std::vector<std::int64_t> a, std::vector<std::int64_t> b) {
    a_.insert(a_.end(), a.begin(), a.end());
    b_.insert(b_.end(), b.begin(), b.end());
  }
  std::int64_t Count() const { return static_cast<std::int64_t>(a_.size()) / spec_.n; }

  /// Elements whose products sum to exactly `target` (sign from the
  /// target), greedily from the largest product; false when unreachable.
  bool AddSum(std::int64_t target) {
    const std::int64_t amax = spec_.MaxActivation(), bmax = spec_.MaxMagnitude();
    if (target < 0 && !spec_.Signed()) return false;
    std::vector<std::int64_t> a(spec_.n, 0), b(spec_.n, 0);
    std::int64_t rest = std::abs(target);
    for (int i = 0; i < spec_.n && rest > 0; ++i) {
      if (rest >= amax) {
        a[i] = amax;
        b[i] = std::min(bmax, rest / amax);
      } else {
        a[i] = 1;
        b[i] = std::min(bmax, rest);
      }
      rest -= a[i] * b[i];
      if (target < 0) b[i] = -b[i];
    }
    if (rest != 0) return false;
    Add(a, b);
    return true;
  }

  /// Random call of one of four kinds: uniform, sparse (half the elements
  /// zero), negative-heavy (saturating sums) and small values.
  void AddRandom() {
    const int kind = static_cast<int>(Count() % 4);
    const std::int64_t amax = spec_.MaxActivation(), bmax = spec_.MaxMagnitude();
    std::vector<std::int64_t> a(spec_.n), b(spec_.n);
    for (int i = 0; i < spec_.n; ++i) {
      const bool small = kind == 3;
      a[i] = Uniform(small ? std::min<std::int64_t>(amax, 15) : amax);
      b[i] = Uniform(small ? std::min<std::int64_t>(bmax, 3) : bmax);
      if (spec_.Signed() && (kind == 2 || rng_.Below(2) == 1)) b[i] = -b[i];
      if (kind == 1 && rng_.Below(2) == 0) (rng_.Below(2) == 0 ? a[i] : b[i]) = 0;
    }
    Add(a, b);
  }

  /// a and the b codes as the DPU reads them ([calls, N] int64).
  std::pair<Tensor, Tensor> Tensors() const {
    std::vector<std::int64_t> codes = b_;
    const std::int64_t sign = std::int64_t{1} << (spec_.b_bits - 1);
    for (std::int64_t& v : codes) {
      if (v < 0) v = -v | sign;
    }
    const std::int64_t calls = Count();
    return {torch::tensor(a_, torch::kInt64).reshape({calls, spec_.n}),
            torch::tensor(codes, torch::kInt64).reshape({calls, spec_.n})};
  }

 private:
  std::int64_t Uniform(std::int64_t max) {
    return static_cast<std::int64_t>(rng_.Below(static_cast<std::uint64_t>(max) + 1));
  }

  const DpuSpec& spec_;
  Rng rng_;
  std::vector<std::int64_t> a_, b_;
};

}  // namespace

void RunDpuCalls(const DpuSpec& spec, std::int64_t count, std::uint64_t seed,
                 const std::string& path, std::ostream& log) {
  if (const std::string p = spec.Problem(); !p.empty()) Bad(p);
  if (count < 1) Bad("--count: must be positive");
  if (path.empty()) Bad("--out: required");
  const int n = spec.n;
  const std::int64_t amax = spec.MaxActivation(), bmax = spec.MaxMagnitude();
  CallMaker calls(spec, seed);
  calls.Add(std::vector<std::int64_t>(n, 0), std::vector<std::int64_t>(n, 0));
  calls.Add(std::vector<std::int64_t>(n, amax), std::vector<std::int64_t>(n, bmax));
  if (spec.Signed()) {
    calls.Add(std::vector<std::int64_t>(n, amax), std::vector<std::int64_t>(n, -bmax));
    // Call 3 becomes -0 codes (the sign bit alone) below: b = 0 codes as +0.
    calls.Add(std::vector<std::int64_t>(n, amax), std::vector<std::int64_t>(n, 0));
  }
  if (spec.mode == DpuOutMode::kLsb) {
    const std::int64_t edge = std::int64_t{1}
                              << (spec.Signed() ? spec.out_bits - 1 : spec.out_bits);
    for (std::int64_t t : {edge - 2, edge - 1, edge, edge + 1}) calls.AddSum(t);
    if (spec.Signed()) {
      for (std::int64_t t : {-edge - 1, -edge, -edge + 1}) calls.AddSum(t);
    }
  }
  if (spec.mode == DpuOutMode::kMsb) {
    const std::int64_t unit = std::int64_t{1} << spec.Shift();
    for (std::int64_t t : {unit - 1, unit, -1L, -unit, -unit - 1}) calls.AddSum(t);
  }
  const int step = n <= 32 ? 1 : n / 16;
  for (int i = 0; i < n; i += step) {
    std::vector<std::int64_t> a(n, 0), b(n, 0);
    a[i] = amax;
    b[i] = spec.Signed() ? -bmax : bmax;
    calls.Add(a, b);
  }
  while (calls.Count() < count) calls.AddRandom();
  auto [a, b] = calls.Tensors();
  if (spec.Signed()) {
    b[3].fill_(std::int64_t{1} << (spec.b_bits - 1));  // -0 == 0
  }
  const Tensor y = DpuCallsOutput(a, b, spec).contiguous();
  std::ofstream f(path + ".tmp");
  if (!f) Bad("--out: cannot write " + path);
  f << "# labqat dpu-calls: N=" << n << " a_bits=" << spec.a_bits << " b_bits=" << spec.b_bits
    << " b_format=" << BFormatName(spec.format) << " mode=" << DpuOutModeName(spec.mode)
    << " out_bits=" << spec.OutputBits() << " W=" << spec.FullBits() << " seed=" << seed << "\n"
    << "# A B y: A, B hex words (element i at bits [i*bits +: bits]), y the output (decimal)\n";
  const Tensor ac = a.contiguous(), bc = b.contiguous();
  for (std::int64_t t = 0; t < a.size(0); ++t) {
    f << HexWord(ac[t].data_ptr<std::int64_t>(), n, spec.a_bits) << " "
      << HexWord(bc[t].data_ptr<std::int64_t>(), n, spec.b_bits) << " " << y[t].item<std::int64_t>()
      << "\n";
  }
  f.close();
  if (!f) Bad("--out: write failed: " + path);
  std::filesystem::rename(path + ".tmp", path);
  log << "labqat: " << a.size(0) << " DPU calls written to " << path << "\n";
}

}  // namespace labq::qat
