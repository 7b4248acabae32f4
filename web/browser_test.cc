/// The dashboard in a real browser: Debian's chromium, headless, driven by
/// its own --dump-dom / --screenshot / --virtual-time-budget (no npm, no
/// driver). Real labq binaries serve and run; screenshots and timings land in
/// <build>/web_artifacts. Skipped, with a message, only where chromium is absent.

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <boost/process.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>
#include <thread>

#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "results/result_store.h"
#include "results/table.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"
#include "viz/viz_testing.h"
#include "web/web_test_store.h"

namespace labq::web {
namespace {

namespace bp = boost::process;
using Clock = std::chrono::steady_clock;

std::string Chromium() {
  if (const char* env = std::getenv("LABQ_CHROMIUM"); env && *env) return env;
  for (const char* p :
       {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

#define LABQ_REQUIRE_CHROMIUM()                                                      \
  do {                                                                               \
    if (Chromium().empty())                                                          \
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium, or set " \
                      "LABQ_CHROMIUM): real-browser dashboard test skipped";         \
  } while (0)

std::filesystem::path Artifacts() {
  const auto dir = std::filesystem::path(labq::testing::BinaryDir()) / "web_artifacts";
  std::filesystem::create_directories(dir);
  return dir;
}

double Ms(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

/// Polls (bounded) until `done`; false if it never held.
bool WaitUntil(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string ReadOr(const std::filesystem::path& p) {
  try {
    return ReadFile(p.string());
  } catch (const Error&) {
    return "";
  }
}

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

class BrowserDashboard : public ::testing::Test {
 protected:
  void TearDown() override {
    for (auto* child : {&serve_, &runner_, &chrome_}) {
      if (*child && (*child)->running()) {
        ::kill((*child)->id(), SIGTERM);
        (*child)->wait();
      }
    }
    std::ofstream(Artifacts() / "timings.txt", std::ios::app) << timings_;
  }

  std::string Db() const { return (tmp_.path() / "r.db").string(); }
  std::string Labq() const { return labq::testing::BinaryDir() + "/cli/labq"; }

  void Time(const std::string& step, double ms) {
    const std::string line =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ": " + step +
        ": " + FormatFixed(ms, 0) + " ms\n";
    timings_ += line;
    std::printf("timing %s", line.c_str());
  }

  /// `labq serve` on a free port; returns its base URL once it listens.
  std::string StartServe() {
    const auto t0 = Clock::now();
    const auto err = tmp_.path() / "serve.err";
    serve_ = std::make_unique<bp::child>(
        bp::exe = Labq(), bp::args = {"--db", Db(), "serve", "--http", "127.0.0.1:0"},
        bp::start_dir = tmp_.path().string(), bp::std_out > (tmp_.path() / "serve.out").string(),
        bp::std_err > err.string());
    std::smatch m;
    const std::regex url("on (http://127\\.0\\.0\\.1:[0-9]+)/");
    std::string text;
    EXPECT_TRUE(WaitUntil(
        [&] {
          text = ReadOr(err);
          return std::regex_search(text, m, url);
        },
        std::chrono::seconds(30)))
        << text;
    Time("labq serve listening", Ms(t0));
    return m.size() > 1 ? m[1].str() : "";
  }

  /// Headless chromium on `url`: the DOM after `budget_ms` of virtual time
  /// (and after every fetch it started), and a screenshot `shot`.png.
  std::vector<std::string> ChromeArgs(const std::string& url, const std::string& shot,
                                      int budget_ms) {
    return {"--headless",
            "--no-sandbox",  // the test may run as root in containers
            "--disable-gpu",
            "--no-first-run",
            "--user-data-dir=" + (tmp_.path() / ("chrome-" + shot)).string(),
            "--window-size=1280,900",
            "--virtual-time-budget=" + std::to_string(budget_ms),
            "--screenshot=" + (Artifacts() / (shot + ".png")).string(),
            "--dump-dom",
            url};
  }

  std::string DumpDom(const std::string& url, const std::string& shot, int budget_ms = 2500) {
    const auto t0 = Clock::now();
    SubprocessSpec spec;
    spec.argv = ChromeArgs(url, shot, budget_ms);
    spec.argv.insert(spec.argv.begin(), Chromium());
    spec.working_dir = tmp_.path();
    spec.stdout_path = tmp_.path() / (shot + ".dom");
    spec.stderr_path = tmp_.path() / (shot + ".chrome.err");
    spec.timeout = std::chrono::seconds(60);
    const auto r = RunSubprocess(spec);
    EXPECT_TRUE(r.Succeeded()) << r.Describe() << ReadOr(spec.stderr_path);
    Time("chromium " + shot + " (load, poll, dump, screenshot)", Ms(t0));
    EXPECT_TRUE(std::filesystem::exists(Artifacts() / (shot + ".png"))) << shot;
    return ReadOr(spec.stdout_path);
  }

  labq::testing::TempDir tmp_;
  std::unique_ptr<bp::child> serve_, runner_, chrome_;
  std::string timings_;
};

TEST_F(BrowserDashboard, SweepsSweepJobAndTablePagesWithCsvDownload) {
  LABQ_REQUIRE_CHROMIUM();
  int64_t sweep = 0;
  {
    ResultStore store(Db());
    sweep = testing::AddFinishedDpuSweep(store, "dpu-web", 120, tmp_.path() / "work");
  }
  const std::string base = StartServe();
  ASSERT_FALSE(base.empty());

  const std::string sweeps = DumpDom(base + "/", "sweeps");
  EXPECT_NE(sweeps.find(">dpu-web</a>"), std::string::npos) << sweeps;
  EXPECT_NE(sweeps.find("data-count=\"done\">120<"), std::string::npos) << sweeps;
  EXPECT_NE(sweeps.find("id=\"live\" class=\"live\">live<"), std::string::npos)
      << "the page's script polled /api/sweeps and marked itself live\n"
      << sweeps;

  const std::string page = DumpDom(base + "/sweeps/dpu-web", "sweep");
  EXPECT_EQ(Count(page, "<tr data-job="), 100) << "100 jobs a page";
  EXPECT_NE(page.find("jobs 1-100 of 120"), std::string::npos);
  // labq serve draws figures with gnuplot (viz::MakeSvgRenderer).
  EXPECT_NE(page.find("<img class=\"figure\" src=\"/sweeps/"), std::string::npos) << page;
  EXPECT_NE(page.find("/figures/dpu.svg\""), std::string::npos) << page;
  // Open a job the way a user does: the first row's link.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(page, m, std::regex("<a href=\"(/jobs/[0-9]+)\">dpu_0_min</a>")));
  const std::string job = DumpDom(base + m[1].str(), "job");
  EXPECT_NE(job.find("id=\"job-state\" class=\"state state-done\""), std::string::npos) << job;
  EXPECT_NE(job.find("OPS/W"), std::string::npos) << "metrics with units";
  EXPECT_NE(job.find("class=\"rerun\">sh "), std::string::npos) << "the rerun command";

  const std::string table = DumpDom(base + "/sweeps/dpu-web/tables/dpu", "table_dpu");
  EXPECT_NE(table.find("id=\"csv\" href=\"/sweeps/" + std::to_string(sweep) + "/tables/dpu.csv\""),
            std::string::npos);

  // The CSV the page links to, byte for byte against `labq table --format csv`.
  const auto t0 = Clock::now();
  httplib::Client client(base);
  auto csv = client.Get("/sweeps/" + std::to_string(sweep) + "/tables/dpu.csv");
  ASSERT_TRUE(csv);
  ASSERT_EQ(csv->status, 200);
  Time("download dpu.csv", Ms(t0));
  const auto cli = labq::testing::RunLabqCli(
      tmp_.path(), Db(), {"table", "dpu", "--sweep", "dpu-web", "--format", "csv"}, "table");
  ASSERT_TRUE(cli.Succeeded()) << labq::testing::CliOutput(tmp_.path(), "table");
  const std::string expected = labq::testing::CliOutput(tmp_.path(), "table", "out");
  EXPECT_EQ(csv->body, expected);
  EXPECT_EQ(Count(expected, "\r\n"), 121) << "header and 120 rows";
  WriteFileAtomically(Artifacts() / "dpu.csv", csv->body);
}

TEST_F(BrowserDashboard, CodesignSweepShowsItsTableAndFigure) {
  LABQ_REQUIRE_CHROMIUM();
  int64_t sweep = 0;
  {
    ResultStore store(Db());
    sweep = viz::testing::AddCodesignSweep(store, "cd-web");
  }
  const std::string base = StartServe();
  ASSERT_FALSE(base.empty());
  const std::string url = "/sweeps/" + std::to_string(sweep);
  const std::string page = DumpDom(base + "/sweeps/cd-web", "sweep_codesign");
  EXPECT_NE(page.find("<a href=\"" + url + "/tables/codesign\">codesign</a>"), std::string::npos)
      << page;
  EXPECT_NE(page.find("src=\"" + url + "/figures/codesign.svg\""), std::string::npos) << page;
  if (viz::testing::HaveGnuplot()) {
    // The browser asked for the figure and got it (the server's access log).
    EXPECT_TRUE(WaitUntil(
        [&] {
          return Contains(ReadOr(tmp_.path() / "serve.err"),
                          "GET " + url + "/figures/codesign.svg 200");
        },
        std::chrono::seconds(10)))
        << ReadOr(tmp_.path() / "serve.err");
  }
  const std::string table = DumpDom(base + url + "/tables/codesign", "table_codesign");
  EXPECT_NE(table.find("pareto"), std::string::npos) << table;
  EXPECT_EQ(Count(table, "<td>yes</td>"), 3) << "the three rows on the front\n" << table;
  EXPECT_NE(table.find("id=\"csv\" href=\"" + url + "/tables/codesign.csv\""), std::string::npos);
}

TEST_F(BrowserDashboard, JobPageShowsTheStateChangeLive) {
  LABQ_REQUIRE_CHROMIUM();
  const auto release = tmp_.path() / "release";
  WriteFileAtomically(tmp_.path() / "live.yaml",
                      "name: web-live\ngroups:\n  - name: wait\n    kind: command\n"
                      "    params: {argv: [sh, -c, \"echo waiting for the test; while [ ! -e " +
                          release.string() +
                          " ]; do sleep 0.05; done; echo released; "
                          "echo labq-metric answer 42 count\"]}\n    grid: {i: [1]}\n");
  const auto t0 = Clock::now();
  runner_ = std::make_unique<bp::child>(
      bp::exe = Labq(), bp::args = {"--db", Db(), "run", "live.yaml", "--quiet"},
      bp::start_dir = tmp_.path().string(), bp::std_out > (tmp_.path() / "run.out").string(),
      bp::std_err > (tmp_.path() / "run.err").string());
  // The job runs (its state, read from the store) before the browser looks.
  int64_t job_id = 0;
  ASSERT_TRUE(WaitUntil(
      [&] {
        if (!std::filesystem::exists(Db())) return false;
        try {
          auto store = ResultStore::OpenReadOnly(Db());
          auto jobs = store->Jobs(std::nullopt, JobState::kRunning);
          if (jobs.empty()) return false;
          job_id = jobs[0].id;
          return true;
        } catch (const Error&) {
          return false;  // the schema is being created
        }
      },
      std::chrono::seconds(60)))
      << ReadOr(tmp_.path() / "run.err");
  Time("labq run: job running", Ms(t0));
  const std::string base = StartServe();
  ASSERT_FALSE(base.empty());

  // Chromium loads the job page while it runs; its script polls the JSON API.
  // Virtual time makes the 1 s polls immediate; fetches are real.
  const auto t1 = Clock::now();
  const std::string url = base + "/jobs/" + std::to_string(job_id);
  auto args = ChromeArgs(url, "job_live", 3600 * 1000);
  chrome_ = std::make_unique<bp::child>(bp::exe = Chromium(), bp::args = args,
                                        bp::start_dir = tmp_.path().string(),
                                        bp::std_out > (tmp_.path() / "live.dom").string(),
                                        bp::std_err > (tmp_.path() / "live.chrome.err").string());
  // Once the page has polled (the server's access log says so), the page
  // showed "running"; only then does the job get its file and finish.
  const std::string poll = "GET /api/jobs/" + std::to_string(job_id) + " 200";
  ASSERT_TRUE(WaitUntil([&] { return Contains(ReadOr(tmp_.path() / "serve.err"), poll); },
                        std::chrono::seconds(60)))
      << ReadOr(tmp_.path() / "serve.err") << ReadOr(tmp_.path() / "live.chrome.err");
  Time("chromium: job page loaded and polling", Ms(t1));
  const auto t2 = Clock::now();
  WriteFileAtomically(release, "go\n");
  // The page stops polling when the job is final; chromium then dumps the DOM.
  ASSERT_TRUE(WaitUntil([&] { return !chrome_->running(); }, std::chrono::seconds(90)))
      << "chromium did not finish";
  chrome_->wait();
  Time("release -> page shows done (chromium exits)", Ms(t2));
  runner_->wait();
  EXPECT_EQ(runner_->exit_code(), 0) << ReadOr(tmp_.path() / "run.err");

  const std::string dom = ReadOr(tmp_.path() / "live.dom");
  // Rendered as running, changed to done by the script: no reload.
  EXPECT_NE(dom.find("data-seen=\"running done\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("class=\"state state-done\""), std::string::npos) << dom;
  EXPECT_NE(dom.find("<td>answer</td><td>42</td><td>count</td>"), std::string::npos)
      << "metrics arrived live\n"
      << dom;
  EXPECT_NE(dom.find("waiting for the test\nreleased\n"), std::string::npos)
      << "the stdout log was followed\n"
      << dom;
  EXPECT_NE(dom.find("id=\"live\" class=\"live\">final<"), std::string::npos) << dom;
  // Rendered while running (no finish time, 0 s wall), then kept current.
  std::smatch cell;
  ASSERT_TRUE(std::regex_search(
      dom, cell, std::regex("id=\"job-finished\" data-live=\"finished_at\">([^<]*)<")))
      << dom;
  const auto final_job = ResultStore::OpenReadOnly(Db())->Job(job_id);
  ASSERT_TRUE(final_job);
  EXPECT_EQ(cell[1].str(), final_job->finished_at) << "the finish time arrived live";
  EXPECT_FALSE(final_job->finished_at.empty());
  ASSERT_TRUE(
      std::regex_search(dom, cell, std::regex("id=\"job-wall\" data-live=\"wall\">([^<]*)<")));
  EXPECT_NE(cell[1].str(), "0 s") << "the wall time arrived live";
  EXPECT_TRUE(std::filesystem::exists(Artifacts() / "job_live.png"));
  Time("whole live test", Ms(t0));
}

}  // namespace
}  // namespace labq::web
