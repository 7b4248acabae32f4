#include "qat/options.h"

#include <stdexcept>

namespace labq::qat {
namespace {

[[noreturn]] void Bad(const std::string& flag, const std::string& what) {
  throw std::invalid_argument(flag + ": " + what);
}

}  // namespace

std::string_view PrecisionName(Precision p) {
  switch (p) {
    case Precision::kFp:
      return "fp";
    case Precision::k8:
      return "8-bit";
    case Precision::k4:
      return "4-bit";
  }
  return "?";
}

std::string_view BnModeName(BnMode mode) {
  switch (mode) {
    case BnMode::kSwitchable:
      return "switchable";
    case BnMode::kRecalibrate:
      return "recalibrate";
    case BnMode::kShared:
      return "shared";
  }
  return "?";
}

BnMode ParseBnMode(std::string_view name) {
  if (name == "switchable") return BnMode::kSwitchable;
  if (name == "recalibrate") return BnMode::kRecalibrate;
  if (name == "shared") return BnMode::kShared;
  throw std::invalid_argument("unknown bn mode '" + std::string(name) +
                              "' (expected switchable, recalibrate or shared)");
}

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kPretrain:
      return "pretrain";
    case Mode::kFp:
      return "fp";
    case Mode::kQ8:
      return "q8";
    case Mode::kQ4:
      return "q4";
    case Mode::kNested:
      return "nested";
  }
  return "?";
}

Mode ParseMode(std::string_view name) {
  if (name == "pretrain") return Mode::kPretrain;
  if (name == "fp") return Mode::kFp;
  if (name == "q8") return Mode::kQ8;
  if (name == "q4") return Mode::kQ4;
  if (name == "nested") return Mode::kNested;
  throw std::invalid_argument("unknown mode '" + std::string(name) +
                              "' (expected fp, q8, q4 or nested)");
}

std::string_view OptimizerName(Optimizer o) { return o == Optimizer::kAdam ? "adam" : "sgd"; }

Optimizer ParseOptimizer(std::string_view name) {
  if (name == "sgd") return Optimizer::kSgd;
  if (name == "adam") return Optimizer::kAdam;
  throw std::invalid_argument("--optimizer: expected sgd or adam, got '" + std::string(name) + "'");
}

std::string_view ScheduleName(Schedule s) {
  switch (s) {
    case Schedule::kCosine:
      return "cosine";
    case Schedule::kStep:
      return "step";
    case Schedule::kNone:
      return "none";
  }
  return "?";
}

Schedule ParseSchedule(std::string_view name) {
  if (name == "cosine") return Schedule::kCosine;
  if (name == "step") return Schedule::kStep;
  if (name == "none") return Schedule::kNone;
  throw std::invalid_argument("--schedule: expected cosine, step or none, got '" +
                              std::string(name) + "'");
}

DeviceChoice ParseDevice(std::string_view text) {
  DeviceChoice d;
  if (text == "auto") return d;
  if (text == "cpu") {
    d.kind = DeviceChoice::Kind::kCpu;
    return d;
  }
  if (text == "cuda") {
    d.kind = DeviceChoice::Kind::kCuda;
    return d;
  }
  const std::string_view digits = text.substr(0, 5) == "cuda:" ? text.substr(5) : "";
  if (!digits.empty() && digits.size() <= 3 &&
      digits.find_first_not_of("0123456789") == std::string_view::npos) {
    d.kind = DeviceChoice::Kind::kCuda;
    d.index = std::stoi(std::string(digits));
    return d;
  }
  throw std::invalid_argument("unknown device '" + std::string(text) +
                              "' (expected auto, cpu, cuda or cuda:N)");
}

std::string DeviceText(const DeviceChoice& d) {
  switch (d.kind) {
    case DeviceChoice::Kind::kAuto:
      return "auto";
    case DeviceChoice::Kind::kCpu:
      return "cpu";
    case DeviceChoice::Kind::kCuda:
      return d.index < 0 ? "cuda" : "cuda:" + std::to_string(d.index);
  }
  return "?";
}

void ValidateOptions(const Options& o) {
  if (o.epochs < 1 || o.epochs > kMaxEpochs) {
    Bad("--epochs",
        "must be 1.." + std::to_string(kMaxEpochs) + ", got " + std::to_string(o.epochs));
  }
  if (o.batch < 1) Bad("--batch", "must be positive, got " + std::to_string(o.batch));
  if (o.threads < 1) Bad("--threads", "must be positive, got " + std::to_string(o.threads));
  if (o.loss_every < 1) Bad("--loss-every", "must be positive");
  if (o.amp && o.device.kind == DeviceChoice::Kind::kCpu) {
    Bad("--amp", "bf16 autocast runs on CUDA only, not with --device cpu");
  }
  if (o.train_limit < 0) Bad("--train-limit", "must be >= 0");
  if (o.test_limit < 0) Bad("--test-limit", "must be >= 0");
  if (o.calib < 1) Bad("--calib", "must be positive");
  if (o.lr && !(*o.lr > 0)) Bad("--lr", "must be positive");
  if (o.weight_decay < 0) Bad("--wd", "must be >= 0");
  if (o.momentum < 0 || o.momentum >= 1) Bad("--momentum", "must be in [0, 1)");
  if (o.model != "cnn" && o.model != "resnet20") {
    Bad("--model", "expected cnn or resnet20, got '" + o.model + "'");
  }
  if (o.k != "search" && !(o.k.size() == 1 && o.k[0] >= '0' && o.k[0] <= '4')) {
    Bad("--k", "expected 0..4 or search, got '" + o.k + "'");
  }
  if (o.w8 < 0 || o.w4 < 0 || o.distill < 0) Bad("--w8/--w4/--distill", "must be >= 0");
  if (o.mode == Mode::kNested && o.w8 + o.w4 + o.distill <= 0) {
    Bad("--w8/--w4/--distill", "nested loss weights are all zero");
  }
}

}  // namespace labq::qat
