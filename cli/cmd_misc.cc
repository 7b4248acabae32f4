/// Commands that are not about sweeps or results: parse, exec-job, shepherd, params,
/// completion.

#include <iostream>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "genus/report_kind.h"
#include "jobs/kind_registry.h"
#include "orchestrator/job_execution.h"
#include "orchestrator/shepherd.h"
#include "sweep/param_schema.h"
#include "yosys_sta/report_kind.h"

namespace labq {
namespace {

int CmdParse(const std::string& tool, const std::string& kind, const std::string& file,
             const std::string& format) {
  // Reports of a large design run to tens of MB; /dev/zero must not be read forever.
  const std::string text = ReadInputFile(file, size_t{256} << 20, "report");
  ParsedReport report = tool == "genus" ? genus::ParseGenusReport(kind, text, file)
                                        : yosys_sta::ParseOpenFlowReport(tool, kind, text, file);
  if (format == "json") {
    nlohmann::json out = {{"tool", report.tool}, {"kind", report.kind}, {"file", report.file}};
    for (const auto& [name, q] : report.values) {
      out["values"][name] = {{"value", q.value},
                             {"unit", q.unit},
                             {"original_value", q.original_value},
                             {"original_unit", q.original_unit},
                             {"line", q.line}};
    }
    for (const auto& [name, text_value] : report.texts) out["texts"][name] = text_value;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  Table t;
  t.columns = {{"name", ""}, {"value", ""}, {"unit", ""}, {"as written", ""}, {"line", ""}};
  for (const auto& [name, q] : report.values) {
    t.AddRow(
        {name, q.value, q.unit, FormatNumber(q.original_value, 6) + " " + q.original_unit, q.line});
  }
  for (const auto& [name, text_value] : report.texts) {
    t.AddRow({name, text_value, nullptr, nullptr, nullptr});
  }
  std::cout << RenderText(t, 6);
  return 0;
}

/// 1000000 rather than 1M or 1e+06: a bound as one would write it in a sweep.
std::string Plain(double v) {
  if (v == static_cast<double>(static_cast<long long>(v))) {
    return std::to_string(static_cast<long long>(v));
  }
  return nlohmann::json(v).dump();
}

std::string TypeText(const ParamSpec& spec) {
  auto range = [&](const char* what) {
    std::string out = std::string(what) + " " + Plain(spec.min) + "…" + Plain(spec.max);
    for (const auto& c : spec.choices) out += " | " + c;
    return out;
  };
  auto choices = [&](const char* prefix) {
    std::string out = prefix;
    for (const auto& c : spec.choices) out += (out.empty() ? "" : " | ") + c;
    return out;
  };
  switch (spec.type) {
    case ParamType::kInt:
      return range("integer");
    case ParamType::kNumber:
      return range("number");
    case ParamType::kChoice:
      return choices("");
    case ParamType::kBool:
      return "true | false";
    case ParamType::kName:
      return "name";
    case ParamType::kLiberty:
      return choices("") + " | path to .lib/.lib.gz";
    case ParamType::kPath:
      return spec.choices.empty() ? "path" : choices("") + " | path";
    case ParamType::kArgv:
      return "list of strings";
  }
  return "";
}

/// Every parameter of every kind, from the schema the parser checks against.
int CmdParams(const std::string& kind, const TableArgs& args) {
  const GroupKindTable& table = BuiltinKinds();
  std::vector<std::string> kinds = table.Names();
  if (!kind.empty()) {
    if (!table.Find(kind)) {
      std::string list;
      for (const auto& k : kinds) list += (list.empty() ? "" : ", ") + k;
      throw Error("params: '" + kind + "' is not one of " + list);
    }
    kinds = {kind};
  }
  Table t;
  t.columns = {{"kind", ""}, {"parameter", ""}, {"values", ""}, {"default", ""}, {"meaning", ""}};
  for (const auto& k : kinds) {
    const GroupKind& group_kind = *table.Find(k);
    for (const auto& spec : group_kind.Params()) {
      const auto& d = spec.default_value;
      t.AddRow({k, spec.name, TypeText(spec),
                d.is_null()     ? "(required)"
                : d.is_string() ? d.get<std::string>()
                                : d.dump(),
                spec.help});
    }
    if (group_kind.AcceptsUserParams()) {
      t.AddRow({k, "(any other name)", "number, bool or plain word", "", "your {name} in argv"});
    }
  }
  std::cout << Render(t, args.Options());
  return 0;
}

/// Subcommand names and their options, for completion scripts.
std::string CompletionCases(const CLI::App& app, const std::string& prefix) {
  std::string out;
  for (const CLI::App* sub : app.get_subcommands({})) {
    std::string words;
    for (const CLI::App* nested : sub->get_subcommands({})) words += " " + nested->get_name();
    for (const CLI::Option* option : sub->get_options()) {
      for (const auto& name : option->get_lnames()) words += " --" + name;
      for (const auto& name : option->get_snames()) words += " -" + name;
    }
    out += "    \"" + prefix + sub->get_name() + "\") opts=\"" +
           words.substr(words.empty() ? 0 : 1) + "\" ;;\n";
    out += CompletionCases(*sub, prefix + sub->get_name() + " ");
  }
  return out;
}

int CmdCompletion(const CLI::App& app, const std::string& shell) {
  if (shell != "bash" && shell != "zsh")
    throw Error("completion: '" + shell + "' is not bash or zsh");
  std::string top;
  for (const CLI::App* sub : app.get_subcommands({})) top += " " + sub->get_name();
  std::string script;
  if (shell == "zsh") script += "autoload -U +X bashcompinit && bashcompinit\n";
  script += "# labq completion (labq completion " + shell +
            "); source it or put it in your completions folder\n"
            "_labq() {\n"
            "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" w i opts\n"
            "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
            "    w=\"${COMP_WORDS[i]}\"\n"
            "    case \"$w\" in --db) ((i++)) ;; -*) ;; *) case \"$path\" in\n"
            "      \"\"|export) path=\"${path:+$path }$w\" ;; esac ;; esac\n"
            "  done\n"
            "  case \"$path\" in\n" +
            CompletionCases(app, "") + "    *) opts=\"--db" + top +
            "\" ;;\n"
            "  esac\n"
            "  COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
            "}\n"
            "complete -o default -F _labq labq\n";
  std::cout << script;
  return 0;
}

struct MiscArgs {
  std::string tool, kind, file, format = "table", dir, shell;
  TableArgs table;
};

}  // namespace

void AddMiscCommands(CLI::App& app, CliContext& ctx) {
  auto p = std::make_shared<MiscArgs>();
  auto* parse = app.add_subcommand("parse", "print what a parser reads from a tool report");
  parse->add_option("tool", p->tool, "genus|yosys|opensta")->required();
  parse
      ->add_option("kind", p->kind,
                   "genus: timing|area|power|gates|qor; yosys: stat; opensta: checks|power")
      ->required();
  parse->add_option("file", p->file, "report file")->required();
  parse->add_option("--format", p->format, "json|table");
  parse->callback([&ctx, p] { ctx.exit_code = CmdParse(p->tool, p->kind, p->file, p->format); });

  auto e = std::make_shared<MiscArgs>();
  auto* exec_job =
      app.add_subcommand("exec-job", "run one prepared job directory here (SLURM nodes)");
  exec_job->add_option("dir", e->dir, "job directory holding job.json")->required();
  exec_job->callback([&ctx, e] { ctx.exit_code = ExecuteJobInPlace(e->dir); });

  auto s = std::make_shared<int>(-1);
  auto* shepherd = app.add_subcommand("shepherd", "run the jobs labd hands over a socket");
  shepherd->group("");  // labd's, not a command for people
  shepherd->add_option("--fd", *s, "the socket labd passed")->required();
  shepherd->callback([&ctx, s] { ctx.exit_code = ServeShepherd(*s); });

  auto k = std::make_shared<MiscArgs>();
  auto* params = app.add_subcommand("params", "every parameter of every job kind (the schema)");
  params->add_option("kind", k->kind, "only this kind (dpu, sim, synth, qat, command)");
  AddTableOptions(params, k->table);
  params->callback([&ctx, k] { ctx.exit_code = CmdParams(k->kind, k->table); });

  auto c = std::make_shared<MiscArgs>();
  auto* completion = app.add_subcommand("completion", "print a shell completion script");
  completion->add_option("shell", c->shell, "bash|zsh")->required();
  completion->callback([&ctx, c, &app] { ctx.exit_code = CmdCompletion(app, c->shell); });
}

}  // namespace labq
