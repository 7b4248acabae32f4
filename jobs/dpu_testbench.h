#pragma once
/// Test vectors for a DPU (directed corner cases plus seeded random ones)
/// and the self-checking testbench that replays them.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "dpu/dpu_design.h"
#include "dpu/dpu_vectors.h"

namespace labq {

struct DpuVector {
  std::vector<uint32_t> a, b;
  uint64_t expected = 0;  ///< golden output for the design's mode
  std::string why;        ///< "zeros", "max", "lsb-boundary", "one-hot", "random", "workload"
};

/// Directed vectors (all zeros, all max, sums of exactly 2^out_bits - 1 and
/// 2^out_bits where reachable, one-hot elements) then `random_count` vectors
/// from a seeded generator: the same seed gives the same vectors everywhere.
std::vector<DpuVector> MakeDpuVectors(const DpuDesign& design, int random_count, uint64_t seed);

/// Appends a workload's vectors (a `vectors:` file, dpu/dpu_vectors.h) with
/// their golden outputs, so the testbench checks what the power run replays.
void AppendWorkload(const DpuDesign& design, const DpuVectorSet& workload,
                    std::vector<DpuVector>& vectors);

/// The vector as a Verilog hex word, element i at bits [i*M +: M].
std::string PackHex(const std::vector<uint32_t>& elements, int bits_per_element);

/// Writes labq_tb.v and vectors_{a,b,y}.hex into `dir`. With `dump_vcd`
/// the testbench also dumps the design's switching to labq_tb.vcd (scope
/// labq_tb.dut), for Genus's read_vcd.
void WriteDpuTestbench(const DpuDesign& design, const std::vector<DpuVector>& vectors,
                       const std::filesystem::path& dir, bool dump_vcd = false);

}  // namespace labq
