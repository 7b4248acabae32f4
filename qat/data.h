#pragma once
/// Image data sets for the trainer: MNIST-format idx files (Fashion-MNIST,
/// MNIST; gzip or plain) and CIFAR-10 binary batches.
///
/// No LibTorch here so that parsing compiles in seconds and the reader tests
/// run without torch; the trainer wraps the float batches GatherBatch writes.
/// Every failure throws DataError whose message names the file and the fault.

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace labq::qat {

class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Images as bytes, one image after another, each channel-major (C, H, W) as
/// both file formats store them; labels 0..num_classes-1.
struct ImageSet {
  std::int64_t count = 0;
  int channels = 0;
  int height = 0;
  int width = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::uint8_t> labels;

  std::int64_t ImageBytes() const { return std::int64_t{channels} * height * width; }
  /// Keeps only the first `limit` images (limit <= 0 keeps all).
  void Truncate(std::int64_t limit);
};

/// Whole file contents; gzip files are inflated (zlib passes plain files
/// through unchanged, so ".gz" is not required).
std::vector<std::uint8_t> ReadMaybeGzip(const std::string& path);

/// One idx3 image file plus its idx1 label file.
ImageSet ReadIdx(const std::string& images_path, const std::string& labels_path);

/// CIFAR-10 binary batches (records of 1 label byte + 3072 pixel bytes).
ImageSet ReadCifar10(const std::vector<std::string>& batch_paths);

/// Per-channel normalisation applied when bytes become floats.
struct Normalization {
  std::array<float, 3> mean{0.0f, 0.0f, 0.0f};
  std::array<float, 3> stddev{1.0f, 1.0f, 1.0f};
};

/// A named data set: training and test split plus how to normalise it.
struct Dataset {
  std::string name;
  ImageSet train;
  ImageSet test;
  Normalization norm;
  /// Random crop (4 px zero padding) + horizontal flip while training; on
  /// for CIFAR-10, off for the 28x28 sets whose digits/garments are centred.
  bool augment = false;
};

/// Default folder of a data set ("" when there is none, e.g. mnist).
std::string DefaultDataDir(const std::string& name);

/// Loads "fashion-mnist", "mnist" or "cifar10" from `dir` (default folder when
/// empty). `need_train` false skips the training split (eval). Limits <= 0
/// keep everything.
Dataset LoadDataset(const std::string& name, const std::string& dir, bool need_train,
                    std::int64_t train_limit, std::int64_t test_limit);

/// Small deterministic generator (splitmix64): the shuffle order and the
/// augmentation depend only on the seed, not on the standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next();
  /// Uniform integer in [0, n), n > 0, without modulo bias.
  std::uint64_t Below(std::uint64_t n);

 private:
  std::uint64_t state_;
};

/// Fisher-Yates permutation of 0..n-1.
std::vector<std::int64_t> Shuffled(std::int64_t n, Rng& rng);

/// Writes `n` images (by index) as normalised floats in NHWC order, so the
/// trainer can view the buffer as a channels-last NCHW tensor without a copy.
/// `rng` is only used when `augment` is true.
void GatherBatch(const ImageSet& set, const Normalization& norm, const std::int64_t* indices,
                 std::int64_t n, bool augment, Rng* rng, float* out_nhwc);

}  // namespace labq::qat
