#pragma once
/// The three labqat commands as library calls (main.cc is only the CLI).
/// Torch-free header: LibTorch stays inside trainer.cc and model.cc.
///
/// Weights file contract: `<out>` is a torch::save archive of the network
/// (PyTorch: `torch.jit.load(out).state_dict()`); `<out>.json` beside it is
/// the sidecar with everything eval needs (model, data set, mode, k per conv,
/// rule, bn mode, per-channel flag, accuracies). Scales are not stored: they
/// are max|w|/127 of the saved float weights, recomputed bit-identically.
/// BN slots are saved "materialised": slot p holds the BN that precision p
/// really uses (e.g. the 8-bit BN in the 4-bit slot for a naive q8 file), so
/// eval reads slot p whatever the training bn mode was.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "qat/options.h"

namespace labq::qat {

/// `labqat pretrain` (o.mode == kPretrain) and `labqat train`. Writes one JSON
/// object per line to `out` (one per epoch, then the final one) and human
/// progress to `log`. Returns the final object. Throws on any error.
nlohmann::ordered_json RunTraining(const Options& o, std::ostream& out, std::ostream& log);

struct EvalReport {
  std::string acc8;  ///< two decimals, as printed: "91.23"
  std::string acc4;
  std::string device;  ///< where it ran: "cpu", "cuda:0"
  nlohmann::json sidecar;
};

/// `labqat eval`: inference only on the test split of the sidecar's data set
/// (flags given in `o` override it; o.init is the weights file).
EvalReport RunEval(const Options& o, std::ostream& log);

/// Reads `<weights>.json`; throws naming the file when missing or invalid.
nlohmann::json ReadSidecar(const std::string& weights_path);

/// 100*correct/total with two decimals ("91.23"); the one formatter used for
/// both the JSON numbers and eval's lines, so they always agree.
std::string FormatPercent(std::int64_t correct, std::int64_t total);

}  // namespace labq::qat
