#include "dpu/dpu_vectors.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "common/file_util.h"
#include "jobs/dpu_testbench.h"
#include "tests/test_paths.h"

namespace labq {
namespace {

/// The error a vectors file raises, as printed.
std::string ErrorOf(const std::string& text, int n, int count) {
  testing::TempDir tmp;
  const auto path = (tmp.path() / "v.hex").string();
  WriteFileAtomically(path, text);
  try {
    ReadDpuVectorFile(path, n, 8, 8, count);
  } catch (const InputError& e) {
    const std::string message = e.what();
    return message.substr(path.size());  // from ":line:column: ..."
  }
  return "no error";
}

TEST(DpuVectors, RandomMatchesTheTestbenchRandomVectors) {
  const DpuDesign design{8, 8, 8, DpuMode::kFull, 8, BFormat::kUnsigned};
  const auto tb = MakeDpuVectors(design, 30, 7);
  const auto set = RandomDpuVectors(8, 8, 8, 30, 7);
  ASSERT_EQ(set.size(), 30u);
  size_t t = 0;
  for (const auto& v : tb) {
    if (v.why != "random") continue;
    EXPECT_EQ(v.a, set.a[t]);
    EXPECT_EQ(v.b, set.b[t]);
    ++t;
  }
  EXPECT_EQ(t, 30u);
}

TEST(DpuVectors, FileRoundTripsThePackedHexOfTheTestbench) {
  testing::TempDir tmp;
  const auto random = RandomDpuVectors(3, 8, 8, 4, 1);
  std::string text = "# a b\n\n";
  for (size_t t = 0; t < random.size(); ++t) {
    text += PackHex(random.a[t], 8) + " " + PackHex(random.b[t], 8) + "  # vector\n";
  }
  WriteFileAtomically(tmp.path() / "v.hex", text);
  const auto read = ReadDpuVectorFile((tmp.path() / "v.hex").string(), 3, 8, 8, 3);
  ASSERT_EQ(read.size(), 3u);  // the first power_vectors of the file
  for (size_t t = 0; t < 3; ++t) {
    EXPECT_EQ(read.a[t], random.a[t]);
    EXPECT_EQ(read.b[t], random.b[t]);
  }
  EXPECT_TRUE(read.BitA(0, 0) == bool(random.a[0][0] & 1));
}

TEST(DpuVectors, BadLinesNameFileLineAndColumn) {
  // N = 2, M = 8: 4 hex digits per word.
  EXPECT_EQ(ErrorOf("00ff 0102\n0ff 0000\n", 2, 2),
            ":2:1: A has 3 hex digits; expected 4 (N·M = 2·8 = 16 bits)");
  EXPECT_EQ(ErrorOf("00ff 01g2\n", 2, 1), ":1:8: B: 'g' is not a hex digit");
  EXPECT_EQ(ErrorOf("# header\n00ff\n", 2, 1), ":2:1: expected two hex words `A B`, found 1");
  EXPECT_EQ(ErrorOf("00ff 0102 0000\n", 2, 1), ":1:11: expected two hex words `A B`, found 3");
  EXPECT_EQ(ErrorOf("00ff 0102\n\n", 2, 5),
            ":2: the file ends after 1 vectors; power_vectors asks for 5 (add vectors, or set "
            "power_vectors: 1)");
  // N = 3, M = 2: 6 bits in 2 digits; bit 7 is beyond the word.
  testing::TempDir tmp;
  WriteFileAtomically(tmp.path() / "w.hex", "3f 80\n");
  try {
    ReadDpuVectorFile((tmp.path() / "w.hex").string(), 3, 2, 2, 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(":1:4: B: bit 7 is set but the word has 6 bits"),
              std::string::npos)
        << e.what();
  }
}

/// a_bits and b_bits apart: A has N·a_bits bits, B N·b_bits (weight codes,
/// sign bits included); errors still name the file's line and column.
TEST(DpuVectors, OwnWidthsForAAndB) {
  testing::TempDir tmp;
  const auto random = RandomDpuVectors(3, 8, 4, 5, 2);
  for (size_t t = 0; t < random.size(); ++t) {
    for (uint32_t b : random.b[t]) EXPECT_LT(b, 16u);
  }
  std::string text;
  for (size_t t = 0; t < random.size(); ++t) {
    text += PackHex(random.a[t], 8) + " " + PackHex(random.b[t], 4) + "\n";
  }
  EXPECT_EQ(text.substr(0, 10).find(' '), 6u);  // 24-bit A, 12-bit B
  WriteFileAtomically(tmp.path() / "v.hex", text + "000000 0000\n");
  const auto read = ReadDpuVectorFile((tmp.path() / "v.hex").string(), 3, 8, 4, 5);
  EXPECT_EQ(read.a, random.a);
  EXPECT_EQ(read.b, random.b);
  EXPECT_EQ(read.b_bits, 4);
  EXPECT_EQ(read.BitB(0, 4), bool(random.b[0][1] & 1));
  try {
    ReadDpuVectorFile((tmp.path() / "v.hex").string(), 3, 8, 4, 6);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(":6:8: B has 4 hex digits; expected 3"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace labq
