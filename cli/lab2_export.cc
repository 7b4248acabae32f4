#include "cli/lab2_export.h"

#include <sys/stat.h>

#include <regex>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"

namespace labq {
namespace {

void Validate(const std::string& what, const std::string& value, const char* pattern,
              const char* rule) {
  if (!std::regex_match(value, std::regex(pattern))) {
    throw Error("export lab2: --" + what + " '" + value + "' must be " + rule);
  }
}

void MakeReadable(const std::filesystem::path& path) {
  ::chmod(path.c_str(), 0644);  // the course collects files as another user
}

void Tar(const std::filesystem::path& dir, const std::string& archive,
         const std::vector<std::string>& files) {
  // tar writes into whatever the name points at; like WriteOutputFile, only a
  // regular file (or a link to one) may be replaced.
  std::error_code ec;
  const auto existing = std::filesystem::status(dir / archive, ec);
  if (std::filesystem::exists(existing) && !std::filesystem::is_regular_file(existing)) {
    throw Error((dir / archive).string() +
                ": exists and is not a regular file (a device, directory or pipe); labq only "
                "replaces regular files");
  }
  SubprocessSpec spec;
  spec.argv = {"tar", "-czf", archive};
  spec.argv.insert(spec.argv.end(), files.begin(), files.end());
  spec.working_dir = dir;
  spec.stdout_path = "/dev/null";
  spec.stderr_path = dir / ".tar.err";
  auto result = RunSubprocess(spec);
  std::string err;
  try {
    err = ReadFile(spec.stderr_path.string());
  } catch (const Error&) {
  }
  std::filesystem::remove(spec.stderr_path, ec);
  if (!result.Succeeded()) throw Error("tar " + archive + ": " + result.Describe() + " " + err);
  MakeReadable(dir / archive);
}

}  // namespace

std::string ExportLab2(ResultStore& store, int64_t sweep_id, const Lab2Student& s,
                       const std::filesystem::path& out_dir) {
  Validate("uid", s.uid, "[A-Za-z0-9]{1,32}", "letters and digits");
  Validate("last", s.last, "[A-Za-z][A-Za-z'-]{0,63}", "a name (letters, ' and -)");
  Validate("first", s.first, "[A-Za-z][A-Za-z'-]{0,63}", "a name (letters, ' and -)");
  Validate("pin", s.pin, "[0-9]{1,16}", "digits");

  // The newest verified Verilog of each configuration in the sweep.
  std::map<std::string, std::filesystem::path> verified;
  for (const auto& job : store.Jobs(sweep_id)) {
    if (job.kind != "sim" || job.state != JobState::kDone) continue;
    const std::string file = "dpu_" + std::to_string(job.params.value("n", 0)) + "_" +
                             job.params.value("mode", "") + ".v";
    if (job.params.value("input_bits", 8) != 8 || job.params.value("out_bits", 8) != 8) continue;
    if (job.params.contains("b_format")) continue;  // another DPU variant, not the lab's
    verified[file] = std::filesystem::path(job.workdir) / file;
  }
  std::vector<std::string> wanted, missing;
  for (int n : {8, 128}) {
    for (const char* mode : {"full", "msb", "lsb"}) {
      const std::string file = "dpu_" + std::to_string(n) + "_" + mode + ".v";
      wanted.push_back(file);
      std::error_code ec;
      if (!verified.count(file) || !std::filesystem::exists(verified[file], ec)) {
        missing.push_back(file + " (no passed verification job with N=" + std::to_string(n) +
                          ", mode=" + mode + ", 8-bit inputs)");
      }
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += "\n  " + m;
    throw Error("export lab2: the sweep lacks results for:" + list);
  }
  std::filesystem::create_directories(out_dir);
  std::string written;
  for (const auto& file : wanted) {
    WriteOutputFile(out_dir / file, ReadFile(verified[file].string()));
    MakeReadable(out_dir / file);
    written += (out_dir / file).string() + "\n";
  }
  const std::string base = s.uid + "_" + s.last + "_" + s.first;
  const std::string part1 = base + "_Lab2p1_pin" + s.pin + ".tar.gz";
  Tar(out_dir, part1, wanted);
  written += (out_dir / part1).string() + "\n";

  // Part 2: the nested-QAT weights and how to rerun the inference-only program.
  for (const auto& job : store.Jobs(sweep_id)) {
    if (job.kind != "qat" || job.state != JobState::kDone ||
        job.params.value("mode", "") != "nested") {
      continue;
    }
    const auto weights = std::filesystem::path(job.workdir) / "final.pt";
    std::error_code ec;
    if (!std::filesystem::exists(weights, ec)) continue;
    const std::string weights_name = "lab2p2_qatweights.pt";
    WriteOutputFile(out_dir / weights_name, ReadFile(weights.string()));
    for (const char* sidecar : {".json"}) {
      auto side = weights;
      side += sidecar;
      if (std::filesystem::exists(side, ec)) {
        WriteOutputFile(out_dir / (weights_name + sidecar), ReadFile(side.string()));
        MakeReadable(out_dir / (weights_name + sidecar));
      }
    }
    MakeReadable(out_dir / weights_name);
    WriteOutputFile(
        out_dir / "README_inference.txt",
        "Inference only (no training): prints the 8-bit and 4-bit accuracy of these weights.\n"
        "  labqat eval --weights " +
            weights_name +
            "\n"
            "labqat is built from labq's qat/ folder (make build); the last two lines it prints "
            "are\n"
            "  Accuracy of 8-bit version is xx.xx%\n  Accuracy of 4-bit version is xx.xx%\n");
    MakeReadable(out_dir / "README_inference.txt");
    std::vector<std::string> files = {weights_name, "README_inference.txt"};
    if (std::filesystem::exists(out_dir / (weights_name + ".json"), ec)) {
      files.push_back(weights_name + ".json");
    }
    const std::string part2 = base + "_Lab2p2_pin" + s.pin + ".tar.gz";
    Tar(out_dir, part2, files);
    written += (out_dir / part2).string() + "\n";
    break;
  }
  return written;
}

}  // namespace labq
