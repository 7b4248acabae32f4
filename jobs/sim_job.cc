#include "jobs/sim_job.h"

#include <regex>

#include "common/file_util.h"
#include "common/text.h"
#include "jobs/cache_key.h"
#include "jobs/dpu_rtl.h"
#include "jobs/dpu_testbench.h"

namespace labq {

std::string PlaceDpuVerilog(const DpuParams& params, const std::filesystem::path& dir) {
  const DpuDesign design = params.Design();
  const std::string& rtl = params.rtl;
  if (params.GeneratedRtl()) {
    WriteFileAtomically(dir / design.FileName(), RenderDpuVerilog(design));
  } else {
    std::string text;
    try {
      text = ReadFile(rtl);
    } catch (const Error& e) {
      throw JobFailed(std::string("rtl: ") + e.what());
    }
    WriteFileAtomically(dir / design.FileName(), text);
  }
  return design.FileName();
}

void SimJob::Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const {
  ExpandDpu(config, /*verify=*/true, /*synth=*/false, names, sweep);
}

JobOutput SimJob::Run(const JobContext& context, StepRunner& runner) const {
  const DpuParams params = DpuParams::From(context.params);
  const DpuDesign design = params.Design();
  const std::string verilog = PlaceDpuVerilog(params, context.dir);
  auto vectors = MakeDpuVectors(design, params.random_vectors, params.seed);
  // A workload file is replayed after the corner cases and random vectors,
  // with golden checks; the random workload is not (the default testbench
  // stays what it always was).
  if (params.VectorsFromFile()) AppendWorkload(design, params.Workload(), vectors);
  const bool vcd = WritesActivityVcd(params);
  WriteDpuTestbench(design, vectors, context.dir, vcd);

  StepOptions options;
  options.timeout = StepTimeout(params.timeout_s);
  JobOutput out;
  // Lint first: the generated RTL must be clean under -Wall; a user's file is
  // reported but not rejected for style warnings.
  const bool generated = params.GeneratedRtl();
  auto lint = runner.Run(
      "lint", {"verilator", "--lint-only", "-Wall", "--top-module", design.ModuleName(), verilog},
      options);
  if (lint.end == SubprocessResult::End::kNotStarted) {
    throw JobFailed("lint: " + lint.error);
  }
  if (!lint.Succeeded() && generated) {
    RunStepOrFail(
        runner, context, "lint",
        {"verilator", "--lint-only", "-Wall", "--top-module", design.ModuleName(), verilog},
        options);
  }
  out.Add("lint_clean", lint.Succeeded() ? 1 : 0, "bool");

  const std::string& simulator = params.simulator;
  std::string stdout_name;
  if (simulator == "iverilog") {
    RunStepOrFail(
        runner, context, "build",
        {"iverilog", "-g2012", "-s", "labq_tb", "-o", "labq_tb.vvp", "labq_tb.v", verilog},
        options);
    RunStepOrFail(runner, context, "simulate", {"vvp", "-n", "labq_tb.vvp"}, options);
  } else {
    std::vector<std::string> build = {"verilator", "--binary",   "--timing",  "-j",
                                      "1",         "-Wno-fatal", "-Wno-lint", "-Wno-style"};
    if (vcd) build.push_back("--trace");  // $dumpvars needs it
    for (const std::string& arg : {std::string("--top-module"), std::string("labq_tb"),
                                   std::string("-Mdir"), std::string("obj_dir"), std::string("-o"),
                                   std::string("labq_tb"), std::string("labq_tb.v"), verilog}) {
      build.push_back(arg);
    }
    RunStepOrFail(runner, context, "build", build, options);
    RunStepOrFail(runner, context, "simulate", {"obj_dir/labq_tb"}, options);
  }

  const std::string log_path = (context.dir / "simulate.stdout").string();
  const auto lines = SplitLines(ReadFile(log_path));
  static const std::regex result_re(R"(LABQ_SIM_RESULT vectors=(\d+) errors=(\d+))");
  std::string mismatches;
  for (const auto& line : lines) {
    if (StartsWith(Trim(line), "LABQ_MISMATCH") && mismatches.size() < 2000) {
      mismatches += "\n  " + std::string(Trim(line));
    }
    std::smatch m;
    if (std::regex_search(line, m, result_re)) {
      const int count = std::stoi(m[1]);
      const int errors = std::stoi(m[2]);
      out.Add("vectors", count, "count");
      out.Add("mismatches", errors, "count");
      if (count != static_cast<int>(vectors.size())) {
        throw JobFailed("simulate: testbench ran " + std::to_string(count) + " of " +
                        std::to_string(vectors.size()) + " vectors");
      }
      if (errors > 0) {
        throw JobFailed("verification failed: " + std::to_string(errors) + " of " +
                        std::to_string(count) + " vectors mismatch the golden model (" + log_path +
                        "):" + mismatches);
      }
      out.texts["simulator"] = simulator;
      if (vcd && !std::filesystem::exists(context.dir / "labq_tb.vcd")) {
        throw JobFailed("simulate: no labq_tb.vcd written (activity: vectors, flow: genus)");
      }
      return out;
    }
  }
  throw JobFailed("simulate: no LABQ_SIM_RESULT line in " + log_path +
                  " (did the testbench finish?)");
}

std::optional<std::string> SimJob::CacheInputs(const nlohmann::json& stored) const {
  const DpuParams params = DpuParams::From(stored);
  std::string inputs = DpuTemplateInputs(params.Design());
  if (!params.GeneratedRtl()) inputs += InputHash(params.rtl) + "\n";
  if (params.VectorsFromFile()) inputs += InputHash(params.vectors) + "\n";
  return inputs + ToolHash("verilator") + "\n" + ToolHash("iverilog") + "\n" + ToolHash("vvp") +
         "\n";
}

bool WritesActivityVcd(const DpuParams& params) {
  return params.flow == "genus" && params.activity == "vectors";
}

nlohmann::json SimJob::CacheParams(const nlohmann::json& params) const {
  nlohmann::json keyed = params;
  for (const char* key :
       {"clock_period_ns", "liberty", "flow", "toggle_rate", "activity", "input_delay_ns",
        "output_delay_ns", "genus_path", "genus_effort", "genus_hook", "genus_fallback"}) {
    keyed.erase(key);
  }
  const DpuParams p = DpuParams::From(params);
  // The random workload is the power run's alone; a file's is verified too.
  if (!p.VectorsFromFile()) keyed.erase("power_vectors");
  if (WritesActivityVcd(p)) keyed["activity_vcd"] = true;
  return keyed;
}

std::vector<MetricSpec> SimJob::Metrics() const {
  return {{"lint_clean", "bool", ""}, {"vectors", "count", ""}, {"mismatches", "count", ""}};
}

}  // namespace labq
