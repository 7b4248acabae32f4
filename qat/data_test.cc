#include "qat/data.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace labq::qat {
namespace {

namespace fs = std::filesystem;

const char kDebianFashion[] = "/usr/share/datasets/fashion-mnist";

/// Fresh folder per test, removed afterwards.
class DataFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("labqat_data_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  static void WritePlain(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  }
  static void WriteGzip(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
    gzclose(f);
  }
  static void Put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
  }
  /// n images of 2x3 whose pixel j of image i is 10*i + j; label i % 10.
  static std::vector<std::uint8_t> Images(std::uint32_t n) {
    std::vector<std::uint8_t> b;
    Put32(b, 0x803);
    Put32(b, n);
    Put32(b, 2);
    Put32(b, 3);
    for (std::uint32_t i = 0; i < n; ++i)
      for (int j = 0; j < 6; ++j) b.push_back(static_cast<std::uint8_t>(10 * i + j));
    return b;
  }
  static std::vector<std::uint8_t> Labels(std::uint32_t n) {
    std::vector<std::uint8_t> b;
    Put32(b, 0x801);
    Put32(b, n);
    for (std::uint32_t i = 0; i < n; ++i) b.push_back(static_cast<std::uint8_t>(i % 10));
    return b;
  }
  /// Expects `fn` to throw DataError whose message contains every fragment.
  template <typename Fn>
  static void ExpectError(Fn fn, std::vector<std::string> fragments) {
    try {
      fn();
      ADD_FAILURE() << "no DataError";
    } catch (const DataError& e) {
      for (const auto& f : fragments)
        EXPECT_NE(std::string(e.what()).find(f), std::string::npos) << e.what() << " lacks " << f;
    }
  }

  fs::path dir_;
};

TEST_F(DataFiles, ReadsRealDebianFashionMnist) {
  if (!fs::exists(std::string(kDebianFashion) + "/train-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist not installed";
  }
  const Dataset d = LoadDataset("fashion-mnist", "", true, 0, 0);
  EXPECT_EQ(d.train.count, 60000);
  EXPECT_EQ(d.test.count, 10000);
  EXPECT_EQ(d.train.height, 28);
  EXPECT_EQ(d.train.width, 28);
  EXPECT_EQ(d.train.channels, 1);
  std::vector<int> per_class(10, 0);
  for (std::uint8_t l : d.train.labels) ++per_class[l];
  for (int c : per_class) EXPECT_EQ(c, 6000);  // Fashion-MNIST is balanced
  const Dataset limited = LoadDataset("fashion-mnist", kDebianFashion, false, 0, 123);
  EXPECT_EQ(limited.train.count, 0);
  EXPECT_EQ(limited.test.count, 123);
  EXPECT_TRUE(
      std::equal(limited.test.pixels.begin(), limited.test.pixels.end(), d.test.pixels.begin()));
}

TEST_F(DataFiles, ReadsTinyIdxPlainAndGzip) {
  WritePlain(Path("train-images-idx3-ubyte"), Images(5));
  WriteGzip(Path("train-labels-idx1-ubyte.gz"), Labels(5));
  WriteGzip(Path("t10k-images-idx3-ubyte.gz"), Images(3));
  WritePlain(Path("t10k-labels-idx1-ubyte"), Labels(3));
  const Dataset d = LoadDataset("mnist", dir_.string(), true, 4, 0);
  EXPECT_EQ(d.train.count, 4);  // --train-limit
  EXPECT_EQ(d.test.count, 3);
  EXPECT_EQ(d.train.height, 2);
  EXPECT_EQ(d.train.width, 3);
  EXPECT_EQ(d.train.pixels[6 * 2 + 5], 25);
  EXPECT_EQ(d.test.labels[2], 2);
}

TEST_F(DataFiles, MissingFileNamesIt) {
  ExpectError([&] { ReadMaybeGzip(Path("nope.gz")); }, {Path("nope.gz"), "no such file"});
  ExpectError([&] { LoadDataset("mnist", dir_.string(), true, 0, 0); },
              {Path("train-images-idx3-ubyte.gz"), "missing file"});
  ExpectError([&] { LoadDataset("mnist", Path("absent"), true, 0, 0); }, {Path("absent")});
  ExpectError([&] { LoadDataset("svhn", dir_.string(), true, 0, 0); }, {"unknown dataset"});
}

TEST_F(DataFiles, CorruptIdxFilesNameFileAndFault) {
  auto bad_magic = Images(2);
  bad_magic[3] = 0x01;
  WritePlain(Path("img"), bad_magic);
  WritePlain(Path("lab"), Labels(2));
  ExpectError([&] { ReadIdx(Path("img"), Path("lab")); }, {Path("img"), "bad magic"});

  auto truncated = Images(4);
  truncated.resize(truncated.size() - 1);
  WritePlain(Path("img"), truncated);
  ExpectError([&] { ReadIdx(Path("img"), Path("lab")); }, {Path("img"), "header says 4 images"});

  WritePlain(Path("img"), Images(3));
  ExpectError([&] { ReadIdx(Path("img"), Path("lab")); }, {Path("lab"), "2 labels", "3 images"});

  auto bad_label = Labels(3);
  bad_label.back() = 12;
  WritePlain(Path("lab"), bad_label);
  ExpectError([&] { ReadIdx(Path("img"), Path("lab")); }, {Path("lab"), "label 12"});
}

TEST_F(DataFiles, CorruptGzipNamesFile) {
  WriteGzip(Path("full.gz"), Images(50));
  std::ifstream in(Path("full.gz"), std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  bytes.resize(bytes.size() / 2);
  std::ofstream(Path("half.gz"), std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ExpectError([&] { ReadMaybeGzip(Path("half.gz")); }, {Path("half.gz"), "gzip"});

  bytes.resize(40);
  for (std::size_t i = 12; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xff);
  std::ofstream(Path("garbled.gz"), std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ExpectError([&] { ReadMaybeGzip(Path("garbled.gz")); }, {Path("garbled.gz"), "gzip"});
}

TEST_F(DataFiles, ReadsTinyCifarAndRejectsBadRecordSize) {
  auto batch = [](int n, int first_label) {
    std::vector<std::uint8_t> b;
    for (int i = 0; i < n; ++i) {
      b.push_back(static_cast<std::uint8_t>((first_label + i) % 10));
      for (int j = 0; j < 3072; ++j) b.push_back(static_cast<std::uint8_t>((i + j) & 0xff));
    }
    return b;
  };
  for (int i = 1; i <= 5; ++i)
    WritePlain(Path("data_batch_" + std::to_string(i) + ".bin"), batch(2, i));
  WritePlain(Path("test_batch.bin"), batch(3, 0));
  const Dataset d = LoadDataset("cifar10", dir_.string(), true, 0, 0);
  EXPECT_EQ(d.train.count, 10);
  EXPECT_EQ(d.test.count, 3);
  EXPECT_EQ(d.train.channels, 3);
  EXPECT_EQ(d.train.height, 32);
  EXPECT_EQ(d.train.labels[2], 2);         // first record of data_batch_2
  EXPECT_EQ(d.train.pixels[3072 + 5], 6);  // record 1, pixel 5 = (1 + 5)
  EXPECT_TRUE(d.augment);

  auto bad = batch(1, 0);
  bad.pop_back();
  WritePlain(Path("test_batch.bin"), bad);
  ExpectError([&] { LoadDataset("cifar10", dir_.string(), false, 0, 0); },
              {Path("test_batch.bin"), "3073"});
}

TEST(Gather, NormalisesIntoChannelsLastOrder) {
  ImageSet set;
  set.count = 2;
  set.channels = 3;
  set.height = 1;
  set.width = 2;
  // image 1: channel-major R(0,255) G(51,102) B(0,0)
  set.pixels = {0, 0, 0, 0, 0, 0, 0, 255, 51, 102, 0, 0};
  set.labels = {0, 1};
  Normalization norm;
  norm.mean = {0.5f, 0.0f, 0.0f};
  norm.stddev = {0.5f, 1.0f, 1.0f};
  std::vector<float> out(6);
  const std::int64_t idx[] = {1};
  GatherBatch(set, norm, idx, 1, false, nullptr, out.data());
  // NHWC: pixel (0,0) = R,G,B then pixel (0,1).
  EXPECT_FLOAT_EQ(out[0], -1.0f);
  EXPECT_FLOAT_EQ(out[1], 0.2f);
  EXPECT_FLOAT_EQ(out[2], 0.0f);
  EXPECT_FLOAT_EQ(out[3], 1.0f);
  EXPECT_FLOAT_EQ(out[4], 0.4f);
  const std::int64_t bad[] = {2};
  EXPECT_THROW(GatherBatch(set, norm, bad, 1, false, nullptr, out.data()), std::out_of_range);
}

TEST(Gather, AugmentationDependsOnlyOnSeed) {
  ImageSet set;
  set.count = 1;
  set.channels = 1;
  set.height = 8;
  set.width = 8;
  for (int i = 0; i < 64; ++i) set.pixels.push_back(static_cast<std::uint8_t>(i * 3));
  set.labels = {0};
  const std::int64_t idx[] = {0, 0, 0, 0};
  std::vector<float> a(256), b(256);
  Rng r1(7), r2(7);
  GatherBatch(set, Normalization{}, idx, 4, true, &r1, a.data());
  GatherBatch(set, Normalization{}, idx, 4, true, &r2, b.data());
  EXPECT_EQ(a, b);
}

TEST(Rng, ShuffleIsAPermutationAndSeeded) {
  Rng a(1), b(1), c(2);
  const auto pa = Shuffled(1000, a);
  EXPECT_EQ(pa, Shuffled(1000, b));
  EXPECT_NE(pa, Shuffled(1000, c));
  std::set<std::int64_t> seen(pa.begin(), pa.end());
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_EQ(*seen.begin(), 0);
  EXPECT_EQ(*seen.rbegin(), 999);
}

}  // namespace
}  // namespace labq::qat
