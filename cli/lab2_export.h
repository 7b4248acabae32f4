#pragma once
/// The lab's deliverables from stored results: the six verified Verilog files
/// and the submission tarballs named as the course asks.

#include <filesystem>
#include <string>

#include "results/result_store.h"

namespace labq {

struct Lab2Student {
  std::string uid, last, first, pin;
};

/// Writes dpu_<N>_<mode>.v (N in {8, 128}, three modes) and
/// <UID>_<Last>_<First>_Lab2p1_pin<PIN>.tar.gz into `out_dir`; when the sweep
/// has a finished nested QAT job, also ..._Lab2p2_pin<PIN>.tar.gz with its
/// weights and the inference instructions. Throws labq::Error listing every
/// missing result. Returns the paths written, one per line.
std::string ExportLab2(ResultStore& store, int64_t sweep_id, const Lab2Student& student,
                       const std::filesystem::path& out_dir);

}  // namespace labq
