#include "dpu/dpu_vectors.h"

#include <random>
#include <string_view>

#include "common/error.h"
#include "common/text.h"

namespace labq {
namespace {

/// Vectors files are text a person writes or a script generates; 256 MiB is
/// 10^5 vectors of the largest DPU (N = 1024, M = 16) with room to spare.
constexpr size_t kMaxVectorFileBytes = size_t{256} << 20;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// One line's reader: words, their columns, errors at file:line:column.
class LineReader {
 public:
  LineReader(const std::string& path, int line, std::string_view text)
      : path_(path), line_(line), text_(text) {}

  [[noreturn]] void Fail(size_t column, const std::string& message) const {
    throw InputError({path_, line_, static_cast<int>(column)}, "", message);
  }

  struct Word {
    std::string_view text;
    size_t column;  ///< 1-based
  };
  std::vector<Word> Words() const {
    std::vector<Word> words;
    size_t i = 0;
    while (i < text_.size()) {
      while (i < text_.size() && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\r')) ++i;
      if (i >= text_.size()) break;
      const size_t start = i;
      while (i < text_.size() && text_[i] != ' ' && text_[i] != '\t' && text_[i] != '\r') ++i;
      words.push_back({text_.substr(start, i - start), start + 1});
    }
    return words;
  }

  /// A word of exactly `digits` hex digits as N elements of M bits.
  std::vector<uint32_t> Elements(const Word& w, const char* name, int n, int m) const {
    const int digits = DpuVectorHexDigits(n, m);
    for (size_t k = 0; k < w.text.size(); ++k) {
      if (HexValue(w.text[k]) < 0) {
        Fail(w.column + k,
             std::string(name) + ": '" + std::string(1, w.text[k]) + "' is not a hex digit");
      }
    }
    if (static_cast<int>(w.text.size()) != digits) {
      Fail(w.column, std::string(name) + " has " + std::to_string(w.text.size()) +
                         " hex digits; expected " + std::to_string(digits) +
                         " (N·M = " + std::to_string(n) + "·" + std::to_string(m) + " = " +
                         std::to_string(n * m) + " bits)");
    }
    std::vector<uint32_t> elements(n, 0);
    const int total_bits = n * m;
    for (int d = 0; d < digits; ++d) {
      const int value = HexValue(w.text[digits - 1 - d]);
      for (int bit = 0; bit < 4; ++bit) {
        if (!((value >> bit) & 1)) continue;
        const int pos = d * 4 + bit;
        if (pos >= total_bits) {
          Fail(w.column + digits - 1 - d, std::string(name) + ": bit " + std::to_string(pos) +
                                              " is set but the word has " +
                                              std::to_string(total_bits) + " bits");
        }
        elements[pos / m] |= 1u << (pos % m);
      }
    }
    return elements;
  }

 private:
  const std::string& path_;
  int line_;
  std::string_view text_;
};

}  // namespace

int DpuVectorHexDigits(int n, int bits) { return (n * bits + 3) / 4; }

DpuVectorSet RandomDpuVectors(int n, int a_bits, int b_bits, int count, uint64_t seed) {
  DpuVectorSet set;
  set.n = n;
  set.a_bits = a_bits;
  set.b_bits = b_bits;
  set.source = "random (seed " + std::to_string(seed) + ")";
  const uint32_t a_max = (1u << a_bits) - 1;
  const uint32_t b_max = (1u << b_bits) - 1;
  std::mt19937_64 rng(seed);
  set.a.reserve(count);
  set.b.reserve(count);
  for (int r = 0; r < count; ++r) {
    std::vector<uint32_t> a(n), b(n);
    for (int i = 0; i < n; ++i) {
      a[i] = static_cast<uint32_t>(rng() & a_max);
      b[i] = static_cast<uint32_t>(rng() & b_max);
    }
    set.a.push_back(std::move(a));
    set.b.push_back(std::move(b));
  }
  return set;
}

DpuVectorSet ReadDpuVectorFile(const std::string& path, int n, int a_bits, int b_bits, int count) {
  const std::string text = ReadInputFile(path, kMaxVectorFileBytes, "vectors");
  DpuVectorSet set;
  set.n = n;
  set.a_bits = a_bits;
  set.b_bits = b_bits;
  set.source = path;
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size() && static_cast<int>(set.size()) < count) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const LineReader reader(path, line_number, line);
    const auto words = reader.Words();
    if (words.empty()) continue;
    if (words.size() != 2) {
      reader.Fail(words.size() > 2 ? words[2].column : words[0].column,
                  "expected two hex words `A B`, found " + std::to_string(words.size()));
    }
    set.a.push_back(reader.Elements(words[0], "A", n, a_bits));
    set.b.push_back(reader.Elements(words[1], "B", n, b_bits));
  }
  if (static_cast<int>(set.size()) < count) {
    throw InputError({path, line_number, 0}, "",
                     "the file ends after " + std::to_string(set.size()) +
                         " vectors; power_vectors asks for " + std::to_string(count) +
                         " (add vectors, or set power_vectors: " + std::to_string(set.size()) +
                         ")");
  }
  return set;
}

DpuVectorSet LoadDpuVectors(const std::string& vectors, int n, int a_bits, int b_bits, int count,
                            uint64_t seed) {
  if (vectors == "random") return RandomDpuVectors(n, a_bits, b_bits, count, seed);
  return ReadDpuVectorFile(vectors, n, a_bits, b_bits, count);
}

}  // namespace labq
