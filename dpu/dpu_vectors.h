#pragma once
/// A DPU workload: the input vectors (a, b) applied one per clock cycle. The
/// gate-level activity simulation (gatesim/) and the RTL verification
/// (jobs/dpu_testbench.h) replay the same set, so one file describes a
/// workload. Two sources:
/// - `random`: `count` vectors from a seeded generator (the one the testbench
///   has always used: the same seed gives the same vectors everywhere);
/// - a hex file: one vector per line, `A B`: A of ceil(N·a_bits/4) hex
///   digits, element i at bits [i*a_bits +: a_bits]; B likewise with b_bits
///   (as the testbench's $readmemh files). B's elements are weight codes, the
///   sign bit included for sign-magnitude. With a_bits == b_bits == M this is
///   the lab's format, unchanged.
///   `#` starts a comment; blank lines are skipped. The file must hold at
///   least `count` (power_vectors) vectors; the first `count` are used.

#include <cstdint>
#include <string>
#include <vector>

namespace labq {

struct DpuVectorSet {
  int n = 0;                                ///< elements per vector
  int a_bits = 0;                           ///< bits per a element
  int b_bits = 0;                           ///< bits per b element (code)
  std::vector<std::vector<uint32_t>> a, b;  ///< a[t][i]: element i of vector t
  std::string source;                       ///< "random (seed 1)" or the file path

  size_t size() const { return a.size(); }
  /// Bit `bit` (0 = lsb of element 0) of a[t] / b[t].
  bool BitA(size_t t, int bit) const { return (a[t][bit / a_bits] >> (bit % a_bits)) & 1u; }
  bool BitB(size_t t, int bit) const { return (b[t][bit / b_bits] >> (bit % b_bits)) & 1u; }
};

/// `count` random vectors: for each vector, for each element i, a[i] then
/// b[i] from one std::mt19937_64 seeded with `seed`, masked to a_bits and
/// b_bits (uniform codes: a sign-magnitude b is negative half the time).
DpuVectorSet RandomDpuVectors(int n, int a_bits, int b_bits, int count, uint64_t seed);

/// Reads a vectors file (format above). Throws InputError naming the file,
/// line and column: a word of the wrong width, a non-hex character, a set
/// bit above N·bits, not two words on a line, or fewer than `count` vectors.
DpuVectorSet ReadDpuVectorFile(const std::string& path, int n, int a_bits, int b_bits, int count);

/// `vectors` as the sweep writes it: "random" or a file path.
DpuVectorSet LoadDpuVectors(const std::string& vectors, int n, int a_bits, int b_bits, int count,
                            uint64_t seed);

/// The hex digits a word of N·bits bits takes in a vectors file.
int DpuVectorHexDigits(int n, int bits);

}  // namespace labq
