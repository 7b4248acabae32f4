/// labqat: quantization-aware training of 8-bit sign-magnitude conv weights
/// whose codes also work cut to 4 bits. CLI only; the work is in trainer.cc.
/// No torch include here, so this file compiles in a couple of seconds.

#include <malloc.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "qat/dpu_spec.h"
#include "qat/hweval.h"
#include "qat/options.h"
#include "qat/trainer.h"

namespace {

using labq::qat::Options;

constexpr const char* kFooter = R"(
Quantization: only conv weights (not activations, BN or FC). 8-bit code = sign
+ 7-bit magnitude q = clamp(round_half_even(|w|/s), 0, 127), s = max|w|/127 per
layer (--per-channel: per output channel). 4-bit code = sign + 3 magnitude bits
of that same code starting at bit k, value sign*q4*s*2^k:
  --rule truncate (default)  q4 = (q >> k) & 7: the hardware wires bits
      k..k+2, no logic; larger magnitudes wrap, the rest rounds toward zero.
  --rule round  q4 = min((q + 2^(k-1)) >> k, 7): round half up and saturate;
      needs a 3-bit incrementer and an OR of the upper bits, never wraps.
--k search picks k per conv minimising the MSE between the float weights and
their 4-bit values (ties: larger k), on the init weights (train) or the
trained weights (pretrain). Training uses the straight-through estimator.

Output: pretrain/train print one JSON object per line on stdout, per epoch
{"type":"epoch",...} and at the end {"type":"final",...}; logs go to stderr.
Weights: torch::save archive (PyTorch: torch.jit.load(f).state_dict()) plus a
sidecar <out>.json that eval reads; <stem>.ckpt<ext> is rewritten each epoch.

Devices: --device auto (default) trains on CUDA when this labqat was built
against a CUDA LibTorch and a GPU is visible, else on the CPU; the device is
in every JSON line and the sidecar, and weights are always saved as CPU
tensors. On CUDA the data set stays on the GPU and the training step is
captured as a CUDA graph after 3 warm-up steps (SGD, no augmentation).

Same --seed and --threads => bit-identical results (on the CPU). Set OMP_WAIT_POLICY=PASSIVE
in the environment when other busy processes share the cores.)";

/// Options every subcommand has.
void AddCommon(CLI::App* app, Options& o, std::string& device) {
  app->add_option("--device", device,
                  "auto (CUDA when this labqat has it and a GPU is visible, else cpu), cpu, "
                  "cuda or cuda:N")
      ->capture_default_str();
  app->add_option("--dataset", o.dataset,
                  "fashion-mnist, mnist or cifar10 (train, eval: default from the sidecar)")
      ->check(CLI::IsMember({"fashion-mnist", "mnist", "cifar10"}))
      ->capture_default_str();
  app->add_option("--data", o.data_dir,
                  "data folder (default /usr/share/datasets/fashion-mnist for fashion-mnist)");
  app->add_option("--test-limit", o.test_limit,
                  "evaluate on the first N test images (0: all; eval: default from the sidecar)")
      ->capture_default_str();
  app->add_option("--threads", o.threads, "intra-op threads")->capture_default_str();
  app->add_option("--batch", o.batch, "batch size (training and BN calibration)")
      ->capture_default_str();
  app->add_option("--calib", o.calib, "training images used to recalibrate BN statistics")
      ->capture_default_str();
}

/// Flags kept as text until parsed into Options' enums after CLI11 is done.
struct TrainingText {
  double lr = 0;
  std::string optimizer = "sgd";
  std::string schedule = "cosine";
};

/// Options of pretrain and train.
void AddTraining(CLI::App* app, Options& o, TrainingText& t) {
  app->add_option("--out", o.out, "weights file to write (sidecar: <out>.json)")->required();
  app->add_option("--model", o.model, "cnn (4 conv + BN) or resnet20")
      ->check(CLI::IsMember({"cnn", "resnet20"}))
      ->capture_default_str();
  app->add_option("--epochs", o.epochs, "training epochs (at most 30)")
      ->check(CLI::Range(1, labq::qat::kMaxEpochs));
  app->add_option("--train-limit", o.train_limit, "train on the first N images (0: all)")
      ->capture_default_str();
  app->add_option("--optimizer", t.optimizer, "sgd (momentum) or adam")
      ->check(CLI::IsMember({"sgd", "adam"}))
      ->capture_default_str();
  app->add_option("--lr", t.lr,
                  "learning rate (default: sgd 0.01 pretrain / 0.005 train, adam 1e-3 / 1e-4)");
  app->add_option("--momentum", o.momentum, "SGD momentum")->capture_default_str();
  app->add_option("--wd", o.weight_decay, "weight decay")->capture_default_str();
  app->add_option("--schedule", t.schedule,
                  "cosine (per step, to 0), step (x0.1 at 50% and 75% of epochs) or none")
      ->check(CLI::IsMember({"cosine", "step", "none"}))
      ->capture_default_str();
  app->add_option("--seed", o.seed, "seed of init, shuffle and augmentation")
      ->capture_default_str();
  app->add_flag("--amp", o.amp, "bf16 autocast of the training forward (CUDA only)");
  app->add_option("--loss-every", o.loss_every,
                  "read the loss back every N steps (each read waits for the GPU)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app->add_flag("--no-cuda-graph", o.no_cuda_graph,
                "CUDA: run the training step eagerly instead of capturing it as a graph");
}

/// Options that select the 4-bit code and BN handling.
void AddQuant(CLI::App* app, Options& o, std::string& rule) {
  app->add_option("--k", o.k, "4-bit window start bit 0..4 for every conv, or search")
      ->check(CLI::IsMember({"0", "1", "2", "3", "4", "search"}));
  app->add_option("--rule", rule, "how 4 bits are cut from the 8-bit code: truncate or round")
      ->check(CLI::IsMember({"truncate", "round"}));
  app->add_flag("--per-channel", o.per_channel, "one scale per output channel");
}

/// BN handling across precisions (training only: eval reads the file's).
void AddBn(CLI::App* app, std::string& bn) {
  app->add_option("--bn", bn,
                  "switchable (BN per precision), recalibrate (shared affine, stats "
                  "recomputed per precision) or shared")
      ->check(CLI::IsMember({"switchable", "recalibrate", "shared"}));
}

std::string FirstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

/// DPU flags as text until CLI11 is done.
struct DpuText {
  std::string mode = "full";
  std::string b_format = "sign-magnitude";
};

/// The DPU call's flags shared by hweval and dpu-calls.
void AddDpu(CLI::App* app, labq::qat::DpuSpec& spec, DpuText& t) {
  app->add_option("--n", spec.n, "elements per DPU call")->required();
  app->add_option("--mode", t.mode, "DPU output: full, msb (top out_bits bits) or lsb (saturate)")
      ->check(CLI::IsMember({"full", "msb", "lsb"}))
      ->capture_default_str();
  app->add_option("--b-format", t.b_format,
                  "unsigned-split (lab's unsigned DPU, +/- weights in two calls) or "
                  "sign-magnitude (one call of the signed DPU)")
      ->check(CLI::IsMember({"unsigned-split", "sign-magnitude"}))
      ->capture_default_str();
  app->add_option("--a-bits", spec.a_bits, "activation bits (unsigned)")->capture_default_str();
  app->add_option("--out-bits", spec.out_bits, "bits msb/lsb keep")->capture_default_str();
}

void ParseDpu(labq::qat::DpuSpec& spec, const DpuText& t) {
  spec.mode = labq::qat::ParseDpuOutMode(t.mode);
  spec.format = labq::qat::ParseBFormat(t.b_format);
}

}  // namespace

/// Every training step frees and reallocates the same activation buffers
/// (several MB each). glibc hands blocks above its mmap threshold back to the
/// kernel on free (munmap, heap trim), so each step page-faults them in again,
/// which is slow on this VM. Keeping them in the heap removes those faults
/// (~3x fewer minor faults, a few % faster). Blocks up to 32 MiB qualify;
/// eval batches are sized to stay below that.
void KeepFreedMemory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

int main(int argc, char** argv) {
  KeepFreedMemory();
  CLI::App app{"labqat: quantization-aware training with nested 8/4-bit sign-magnitude codes"};
  app.footer(kFooter);
  app.require_subcommand(1);
  Options o;
  TrainingText training;
  std::string rule = "truncate", bn = "switchable", mode, device = "auto";

  CLI::App* pretrain = app.add_subcommand("pretrain", "train the FP network from scratch");
  AddCommon(pretrain, o, device);
  AddTraining(pretrain, o, training);
  AddQuant(pretrain, o, rule);
  AddBn(pretrain, bn);

  CLI::App* train = app.add_subcommand("train", "quantization-aware training from FP weights");
  AddCommon(train, o, device);
  AddTraining(train, o, training);
  AddQuant(train, o, rule);
  AddBn(train, bn);
  train
      ->add_option("--mode", mode,
                   "fp (evaluate --init, no training), q8, q4 or nested (8- and 4-bit loss)")
      ->check(CLI::IsMember({"fp", "q8", "q4", "nested"}))
      ->required();
  train->add_option("--init", o.init, "weights from labqat pretrain")->required();
  train->add_option("--w8", o.w8, "nested: weight of the 8-bit cross-entropy")
      ->capture_default_str();
  train->add_option("--w4", o.w4, "nested: weight of the 4-bit cross-entropy")
      ->capture_default_str();
  train->add_option("--distill", o.distill, "nested: weight of KL(8-bit -> 4-bit)")
      ->capture_default_str();

  CLI::App* eval = app.add_subcommand("eval", "accuracy of a weights file's 8- and 4-bit nets");
  AddCommon(eval, o, device);
  AddQuant(eval, o, rule);
  eval->add_option("--weights", o.init, "weights file (with its <weights>.json sidecar)")
      ->required();

  CLI::App* hweval = app.add_subcommand(
      "hweval", "accuracy with every conv computed as DPU calls (hardware in the loop)");
  AddCommon(hweval, o, device);
  labq::qat::HwevalOptions hw;
  DpuText hw_text;
  hweval->add_option("--weights", o.init, "weights file (with its <weights>.json sidecar)")
      ->required();
  AddDpu(hweval, hw.dpu, hw_text);
  hweval->add_option("--precision", hw.precision, "weights: 8 (trained codes) or 4 (their cut)")
      ->check(CLI::IsMember({8, 4}))
      ->capture_default_str();
  hweval->add_option("--vectors-out", hw.vectors_out,
                     "write DPU calls the network makes as a labq vectors file");
  hweval->add_option("--vectors-count", hw.vectors_count, "calls sampled for --vectors-out")
      ->capture_default_str();
  hweval->add_option("--vectors-seed", hw.vectors_seed, "seed of that sample")
      ->capture_default_str();

  CLI::App* calls = app.add_subcommand(
      "dpu-calls", "random DPU calls through hweval's own DPU op, with outputs (RTL tests)");
  labq::qat::DpuSpec call_spec;
  DpuText call_text;
  std::int64_t call_count = 10000;
  std::uint64_t call_seed = 1;
  std::string call_out;
  AddDpu(calls, call_spec, call_text);
  calls->add_option("--b-bits", call_spec.b_bits, "weight code bits (sign included)")
      ->capture_default_str();
  calls->add_option("--count", call_count, "calls to write")->capture_default_str();
  calls->add_option("--seed", call_seed, "seed of the random calls")->capture_default_str();
  calls->add_option("--out", call_out, "file to write")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "labqat: error: " << FirstLine(e.what()) << "\n";
    return e.get_exit_code() != 0 ? e.get_exit_code() : 2;
  }

  try {
    CLI::App* sub = app.get_subcommands().front();
    auto given = [&](const char* flag) {
      try {
        return sub->get_option(flag)->count() > 0;
      } catch (const CLI::OptionNotFound&) {
        return false;
      }
    };
    if (given("--lr")) o.lr = training.lr;
    o.optimizer = labq::qat::ParseOptimizer(training.optimizer);
    o.schedule = labq::qat::ParseSchedule(training.schedule);
    o.rule = labq::qat::ParseRule(rule);
    o.bn = labq::qat::ParseBnMode(bn);
    try {
      o.device = labq::qat::ParseDevice(device);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--device: ") + e.what());
    }
    o.dataset_set = given("--dataset");
    o.data_dir_set = given("--data");
    o.test_limit_set = given("--test-limit");
    o.model_set = given("--model");
    o.k_set = given("--k");
    o.rule_set = given("--rule");
    o.per_channel_set = given("--per-channel");

    if (sub == hweval) {
      ParseDpu(hw.dpu, hw_text);
      hw.dpu.b_bits = hw.precision;
      if (!given("--batch")) o.batch = 100;
      const auto j = labq::qat::RunHweval(o, hw, std::cout, std::cerr);
      char accuracy[32];
      std::snprintf(accuracy, sizeof accuracy, "%.2f", j["accuracy"].get<double>());
      std::cout << "Accuracy of " << hw.precision << "-bit version on the DPU (N=" << hw.dpu.n
                << ", " << hw_text.mode << ", " << hw_text.b_format << ") is " << accuracy << "%\n";
      return 0;
    }
    if (sub == calls) {
      ParseDpu(call_spec, call_text);
      labq::qat::RunDpuCalls(call_spec, call_count, call_seed, call_out, std::cerr);
      return 0;
    }
    if (sub == eval) {
      const labq::qat::EvalReport r = labq::qat::RunEval(o, std::cerr);
      std::cout << "Accuracy of 8-bit version is " << r.acc8 << "%\n"
                << "Accuracy of 4-bit version is " << r.acc4 << "%\n";
      return 0;
    }
    if (sub == pretrain) {
      o.mode = labq::qat::Mode::kPretrain;
    } else {
      o.mode = labq::qat::ParseMode(mode);
      if (!given("--epochs")) o.epochs = 5;
    }
    labq::qat::RunTraining(o, std::cout, std::cerr);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "labqat: error: " << FirstLine(e.what()) << "\n";
    return 1;
  }
}
