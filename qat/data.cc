#include "qat/data.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace labq::qat {
namespace {

namespace fs = std::filesystem;

constexpr std::uint32_t kIdxImagesMagic = 0x00000803;
constexpr std::uint32_t kIdxLabelsMagic = 0x00000801;
constexpr int kNumClasses = 10;
constexpr int kCifarSide = 32;
constexpr std::int64_t kCifarRecord = 1 + 3 * kCifarSide * kCifarSide;

[[noreturn]] void Fail(const std::string& path, const std::string& what) {
  throw DataError(path + ": " + what);
}

std::uint32_t BigEndian32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

std::string Hex(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

void CheckLabels(const std::string& path, const std::uint8_t* labels, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    if (labels[i] >= kNumClasses) {
      Fail(path, "label " + std::to_string(labels[i]) + " of item " + std::to_string(i) +
                     " is not a class 0..9");
    }
  }
}

/// First of `names` that exists in `dir`; error lists what was tried.
std::string FindFile(const std::string& dataset, const std::string& dir,
                     const std::vector<std::string>& names) {
  std::string tried;
  for (const auto& name : names) {
    const fs::path p = fs::path(dir) / name;
    if (fs::exists(p)) return p.string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  throw DataError(dataset + ": missing file (tried " + tried + ")");
}

std::string IdxFile(const std::string& dataset, const std::string& dir, const std::string& stem) {
  return FindFile(dataset, dir, {stem + ".gz", stem});
}

}  // namespace

void ImageSet::Truncate(std::int64_t limit) {
  if (limit <= 0 || limit >= count) return;
  count = limit;
  pixels.resize(static_cast<std::size_t>(count * ImageBytes()));
  labels.resize(static_cast<std::size_t>(count));
}

std::vector<std::uint8_t> ReadMaybeGzip(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) Fail(path, "no such file");
  if (fs::is_directory(path, ec)) Fail(path, "is a directory, expected a file");
  /// gzclose_r's result tells a truncated stream apart, so close by hand;
  /// the guard only covers the early-exit paths.
  struct GzCloser {
    void operator()(gzFile_s* f) const { gzclose_r(f); }
  };
  std::unique_ptr<gzFile_s, GzCloser> file(gzopen(path.c_str(), "rb"));
  if (!file) Fail(path, std::string("cannot open: ") + std::strerror(errno));
  gzbuffer(file.get(), 1 << 17);

  std::vector<std::uint8_t> data;
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const std::size_t old = data.size();
    data.resize(old + kChunk);
    const int got = gzread(file.get(), data.data() + old, kChunk);
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(file.get(), &errnum);
      Fail(path, std::string("corrupt gzip data (") + msg + ")");
    }
    data.resize(old + static_cast<std::size_t>(got));
    if (got == 0) break;
  }
  const int rc = gzclose_r(file.release());
  if (rc == Z_BUF_ERROR) Fail(path, "truncated gzip data (unexpected end of file)");
  if (rc != Z_OK) Fail(path, "corrupt gzip data (zlib error " + std::to_string(rc) + ")");
  return data;
}

ImageSet ReadIdx(const std::string& images_path, const std::string& labels_path) {
  const std::vector<std::uint8_t> img = ReadMaybeGzip(images_path);
  if (img.size() < 16) {
    Fail(images_path, "too short for an idx3 header (" + std::to_string(img.size()) + " bytes)");
  }
  if (BigEndian32(img, 0) != kIdxImagesMagic) {
    Fail(images_path, "bad magic " + Hex(BigEndian32(img, 0)) + " (expected " +
                          Hex(kIdxImagesMagic) + " for idx3 images)");
  }
  const std::int64_t n = BigEndian32(img, 4);
  const std::int64_t rows = BigEndian32(img, 8);
  const std::int64_t cols = BigEndian32(img, 12);
  if (n == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096) {
    Fail(images_path, "implausible header: " + std::to_string(n) + " images of " +
                          std::to_string(rows) + "x" + std::to_string(cols));
  }
  const std::int64_t expect = 16 + n * rows * cols;
  if (static_cast<std::int64_t>(img.size()) != expect) {
    Fail(images_path, "header says " + std::to_string(n) + " images of " + std::to_string(rows) +
                          "x" + std::to_string(cols) + " (" + std::to_string(expect) +
                          " bytes) but the file has " + std::to_string(img.size()) + " bytes");
  }

  const std::vector<std::uint8_t> lab = ReadMaybeGzip(labels_path);
  if (lab.size() < 8) {
    Fail(labels_path, "too short for an idx1 header (" + std::to_string(lab.size()) + " bytes)");
  }
  if (BigEndian32(lab, 0) != kIdxLabelsMagic) {
    Fail(labels_path, "bad magic " + Hex(BigEndian32(lab, 0)) + " (expected " +
                          Hex(kIdxLabelsMagic) + " for idx1 labels)");
  }
  const std::int64_t nl = BigEndian32(lab, 4);
  if (static_cast<std::int64_t>(lab.size()) != 8 + nl) {
    Fail(labels_path, "header says " + std::to_string(nl) + " labels but the file has " +
                          std::to_string(lab.size() - 8) + " label bytes");
  }
  if (nl != n) {
    Fail(labels_path, "has " + std::to_string(nl) + " labels but " + images_path + " has " +
                          std::to_string(n) + " images");
  }
  CheckLabels(labels_path, lab.data() + 8, nl);

  ImageSet set;
  set.count = n;
  set.channels = 1;
  set.height = static_cast<int>(rows);
  set.width = static_cast<int>(cols);
  set.pixels.assign(img.begin() + 16, img.end());
  set.labels.assign(lab.begin() + 8, lab.end());
  return set;
}

ImageSet ReadCifar10(const std::vector<std::string>& batch_paths) {
  ImageSet set;
  set.channels = 3;
  set.height = kCifarSide;
  set.width = kCifarSide;
  for (const auto& path : batch_paths) {
    const std::vector<std::uint8_t> b = ReadMaybeGzip(path);
    const auto size = static_cast<std::int64_t>(b.size());
    if (size == 0 || size % kCifarRecord != 0) {
      Fail(path, "size " + std::to_string(size) + " bytes is not a positive multiple of the " +
                     std::to_string(kCifarRecord) + "-byte CIFAR-10 record");
    }
    const std::int64_t n = size / kCifarRecord;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint8_t* rec = b.data() + i * kCifarRecord;
      CheckLabels(path + " (record " + std::to_string(i) + ")", rec, 1);
      set.labels.push_back(rec[0]);
      set.pixels.insert(set.pixels.end(), rec + 1, rec + kCifarRecord);
    }
    set.count += n;
  }
  return set;
}

std::string DefaultDataDir(const std::string& name) {
  if (name == "fashion-mnist") return "/usr/share/datasets/fashion-mnist";
  return "";
}

Dataset LoadDataset(const std::string& name, const std::string& dir_in, bool need_train,
                    std::int64_t train_limit, std::int64_t test_limit) {
  Dataset d;
  d.name = name;
  std::string dir = dir_in.empty() ? DefaultDataDir(name) : dir_in;
  if (name != "fashion-mnist" && name != "mnist" && name != "cifar10") {
    throw DataError("unknown dataset '" + name + "' (expected fashion-mnist, mnist or cifar10)");
  }
  if (dir.empty()) throw DataError(name + ": no default folder, pass --data DIR");
  if (!fs::is_directory(dir)) throw DataError(dir + ": not a folder (--data for " + name + ")");

  if (name == "cifar10") {
    if (fs::is_directory(fs::path(dir) / "cifar-10-batches-bin")) {
      dir = (fs::path(dir) / "cifar-10-batches-bin").string();
    }
    if (need_train) {
      std::vector<std::string> files;
      for (int i = 1; i <= 5; ++i) {
        files.push_back(FindFile(name, dir, {"data_batch_" + std::to_string(i) + ".bin"}));
      }
      d.train = ReadCifar10(files);
    }
    d.test = ReadCifar10({FindFile(name, dir, {"test_batch.bin"})});
    d.norm.mean = {0.4914f, 0.4822f, 0.4465f};
    d.norm.stddev = {0.2470f, 0.2435f, 0.2616f};
    d.augment = true;
  } else {
    // Sequenced lookups: the first missing file is the one reported.
    for (const std::string split : {"train", "t10k"}) {
      if (split == "train" && !need_train) continue;
      const std::string images = IdxFile(name, dir, split + "-images-idx3-ubyte");
      const std::string labels = IdxFile(name, dir, split + "-labels-idx1-ubyte");
      (split == "train" ? d.train : d.test) = ReadIdx(images, labels);
    }
    if (name == "mnist") {
      d.norm.mean[0] = 0.1307f;
      d.norm.stddev[0] = 0.3081f;
    } else {
      d.norm.mean[0] = 0.2860f;
      d.norm.stddev[0] = 0.3530f;
    }
  }
  d.train.Truncate(train_limit);
  d.test.Truncate(test_limit);
  return d;
}

std::uint64_t Rng::Next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t Rng::Below(std::uint64_t n) {
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t v;
  do {
    v = Next();
  } while (v >= limit);
  return v % n;
}

std::vector<std::int64_t> Shuffled(std::int64_t n, Rng& rng) {
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) p[i] = i;
  for (std::int64_t i = n - 1; i > 0; --i) {
    std::swap(p[i], p[rng.Below(static_cast<std::uint64_t>(i + 1))]);
  }
  return p;
}

void GatherBatch(const ImageSet& set, const Normalization& norm, const std::int64_t* indices,
                 std::int64_t n, bool augment, Rng* rng, float* out_nhwc) {
  const int c_n = set.channels, h_n = set.height, w_n = set.width;
  // Byte -> normalised float per channel: one table lookup per pixel.
  std::vector<float> lut(static_cast<std::size_t>(c_n) * 256);
  for (int c = 0; c < c_n; ++c) {
    for (int v = 0; v < 256; ++v) {
      lut[c * 256 + v] = (static_cast<float>(v) / 255.0f - norm.mean[c]) / norm.stddev[c];
    }
  }
  const std::int64_t image_bytes = set.ImageBytes();
  for (std::int64_t b = 0; b < n; ++b) {
    const std::int64_t idx = indices[b];
    if (idx < 0 || idx >= set.count) {
      throw std::out_of_range("GatherBatch: image index " + std::to_string(idx) + " outside 0.." +
                              std::to_string(set.count - 1));
    }
    const std::uint8_t* src = set.pixels.data() + idx * image_bytes;
    float* dst = out_nhwc + b * image_bytes;
    int dy = 0, dx = 0;
    bool flip = false;
    if (augment) {
      dy = static_cast<int>(rng->Below(9)) - 4;
      dx = static_cast<int>(rng->Below(9)) - 4;
      flip = rng->Below(2) == 1;
    }
    for (int y = 0; y < h_n; ++y) {
      const int sy = y + dy;
      for (int x = 0; x < w_n; ++x) {
        const int sx = (flip ? w_n - 1 - x : x) + dx;
        const bool inside = sy >= 0 && sy < h_n && sx >= 0 && sx < w_n;
        float* px = dst + (static_cast<std::int64_t>(y) * w_n + x) * c_n;
        for (int c = 0; c < c_n; ++c) {
          const std::uint8_t v =
              inside ? src[(static_cast<std::int64_t>(c) * h_n + sy) * w_n + sx] : 0;
          px[c] = lut[c * 256 + v];
        }
      }
    }
  }
}

}  // namespace labq::qat
