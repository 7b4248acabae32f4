#include "sweep/group_kind.h"

#include <gtest/gtest.h>

#include "sweep/sweep_parser.h"

namespace labq {
namespace {

/// A kind written the way jobs/command_job.h is: its parameters and its
/// expansion in one class, known to the reader through one table entry.
class EchoKind : public GroupKind {
 public:
  std::string Name() const override { return "echo"; }
  const std::vector<ParamSpec>& Params() const override {
    static const std::vector<ParamSpec> specs = {
        {"word", ParamType::kName, "hello", 0, 0, {}, "what to echo"},
        {"times", ParamType::kInt, 1, 1, 9, {}, "how often"},
    };
    return specs;
  }
  void Expand(const ExpandedConfig& config, JobNames& names, Sweep& sweep) const override {
    for (int i = 0; i < config.params["times"].get<int>(); ++i) {
      sweep.jobs.push_back(
          {names.Unique(ConfigLabel(config), ".echo"), "echo", config.group, config.params, {}});
    }
  }
};

TEST(GroupKind, ANewKindIsOneClassAndOneTableEntry) {
  const EchoKind echo;
  const GroupKindTable kinds({&echo});
  const Sweep sweep =
      ParseSweep(kinds,
                 "name: s\ngroups:\n"
                 "  - {name: g, kind: echo, params: {times: 2}, grid: {word: [a, b]}}\n",
                 "s.yaml");
  ASSERT_EQ(sweep.jobs.size(), 4u);
  EXPECT_EQ(sweep.jobs[0].name, "g_a.echo");
  EXPECT_EQ(sweep.jobs[1].name, "g_a-2.echo");
  EXPECT_EQ(sweep.jobs[2].name, "g_b.echo");
  EXPECT_EQ(sweep.jobs[0].params["word"], "a");
  EXPECT_EQ(sweep.jobs[0].params["times"], 2);
}

TEST(GroupKind, TheReaderChecksAKindsParamsAndNamesItsKinds) {
  const EchoKind echo;
  const GroupKindTable kinds({&echo});
  // Defaults come from the kind's specs, filled once by the reader.
  EXPECT_EQ(ParseSweep(kinds, "name: s\ngroups:\n  - {name: g, kind: echo}\n", "d.yaml")
                .jobs.at(0)
                .params,
            (nlohmann::json{{"word", "hello"}, {"times", 1}}));
  try {
    ParseSweep(kinds, "name: s\ngroups:\n  - {name: g, kind: echo, params: {times: 10}}\n",
               "t.yaml");
    FAIL() << "times: 10 accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "t.yaml:3:43: groups[0].params.times: 10 is out of range 1…9");
  }
  try {
    ParseSweep(kinds, "name: s\ngroups:\n  - {name: g, kind: dpu}\n", "k.yaml");
    FAIL() << "kind dpu accepted by a table without it";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "k.yaml:3:21: groups[0].kind: 'dpu' is not one of echo");
  }
}

}  // namespace
}  // namespace labq
