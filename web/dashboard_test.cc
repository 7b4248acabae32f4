/// The dashboard over HTTP (no browser): routes, escaping of user data,
/// read-only methods, tokens, and log reads confined to the job directory.

#include "web/dashboard.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <boost/process.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "common/error.h"
#include "common/file_util.h"
#include "common/text.h"
#include "process/subprocess.h"
#include "results/codesign_table.h"
#include "results/dpu_table.h"
#include "results/result_store.h"
#include "results/table.h"
#include "tests/labq_cli.h"
#include "tests/test_paths.h"
#include "viz/svg_renderer.h"
#include "viz/viz_testing.h"
#include "web/web_test_store.h"

namespace labq::web {
namespace {

constexpr const char* kEvil = "<script>alert(1)</script>";

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ResultStore store(Db());
    dpu_sweep_ = testing::AddFinishedDpuSweep(store, "plain", 250, tmp_.path() / "work");
    // A sweep whose name, job name, params and log are markup.
    Sweep evil;
    evil.name = kEvil;
    evil.jobs.push_back(
        {"j<b>1</b>",
         "command",
         "g",
         {{"argv", {"sh", "-c", "echo hi"}}, {"note", "<img src=x onerror=alert(2)>"}},
         {}});
    evil_sweep_ = store.AddSweep(evil);
    auto job = store.ClaimRunnable(evil_sweep_, (tmp_.path() / "work").string());
    ASSERT_TRUE(job);
    evil_job_ = job->id;
    std::filesystem::create_directories(job->workdir);
    WriteFileAtomically(std::filesystem::path(job->workdir) / "c.stdout",
                        "hello </pre><script>bad()</script>\n");
    WriteFileAtomically(tmp_.path() / "secret.log", "SECRET\n");
    std::filesystem::create_symlink(tmp_.path() / "secret.log",
                                    std::filesystem::path(job->workdir) / "evil.log");
    JobCompletion done;
    done.state = JobState::kDone;
    done.metrics = {{"f_max", 512.5, "MHz"}};
    store.FinishJob(job->id, done);
  }

  std::string Db() const { return (tmp_.path() / "r.db").string(); }

  std::unique_ptr<Dashboard> Serve(const std::string& token = "", FigureRenderer figures = {}) {
    DashboardOptions o;
    o.db_path = Db();
    o.address = {"127.0.0.1", 0};
    o.token = token;
    o.figures = std::move(figures);
    auto d = std::make_unique<Dashboard>(o);
    d->Start();
    return d;
  }

  labq::testing::TempDir tmp_;
  int64_t dpu_sweep_ = 0;
  int64_t evil_sweep_ = 0;
  int64_t evil_job_ = 0;
};

std::string Id(int64_t id) { return std::to_string(id); }

int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

std::string ReadFileOr(const std::string& path) {
  try {
    return ReadFile(path);
  } catch (const Error&) {
    return "";
  }
}

TEST_F(DashboardTest, PagesEscapeUserData) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  for (const std::string& path :
       {std::string("/"), "/sweeps/" + Id(evil_sweep_), "/jobs/" + Id(evil_job_)}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path << "\n" << r->body;
    EXPECT_EQ(r->body.find(kEvil), std::string::npos) << path;
    EXPECT_EQ(r->body.find("<script>"), std::string::npos) << path;
    EXPECT_NE(r->get_header_value("Content-Security-Policy").find("script-src 'self'"),
              std::string::npos);
  }
  const std::string job = c.Get("/jobs/" + Id(evil_job_))->body;
  EXPECT_NE(job.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(job.find("j&lt;b&gt;1&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(job.find("&lt;img src=x onerror=alert(2)&gt;"), std::string::npos);
  EXPECT_NE(job.find("hello &lt;/pre&gt;&lt;script&gt;bad()&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(job.find("512.5"), std::string::npos);
  EXPECT_NE(job.find("MHz"), std::string::npos);
  // A sweep by name as well as by id.
  auto by_name = c.Get("/sweeps/plain");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->status, 200);
  EXPECT_NE(by_name->body.find("<h1>Sweep plain <span class=\"muted\">@" + Id(dpu_sweep_)),
            std::string::npos);
}

TEST_F(DashboardTest, JsonTwinsCarryRawValuesEscapedAsJson) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  auto r = c.Get("/api/jobs/" + Id(evil_job_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  const auto j = nlohmann::json::parse(r->body);
  EXPECT_EQ(j["sweep"]["name"], kEvil);
  EXPECT_EQ(j["name"], "j<b>1</b>");
  EXPECT_EQ(j["state"], "done");
  EXPECT_EQ(j["metrics"][0]["unit"], "MHz");
  ASSERT_EQ(j["logs"].size(), 1u) << "the symlinked log must not be listed";
  EXPECT_EQ(j["logs"][0]["name"], "c.stdout");
  const auto sweeps = nlohmann::json::parse(c.Get("/api/sweeps")->body);
  ASSERT_EQ(sweeps["sweeps"].size(), 2u);
  EXPECT_EQ(sweeps["sweeps"][0]["counts"]["done"], 250);
  EXPECT_EQ(sweeps["sweeps"][0]["eta"], "-");
}

TEST_F(DashboardTest, JobListPagesWithLimitOffsetAndStateFilter) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  const std::string api = "/api/sweeps/plain/jobs";
  auto page = nlohmann::json::parse(c.Get(api + "?offset=200&limit=100")->body);
  EXPECT_EQ(page["jobs"].size(), 50u);
  EXPECT_EQ(page["total"], 250);
  EXPECT_EQ(page["jobs"][0]["name"], "dpu_200_min");
  page = nlohmann::json::parse(c.Get(api + "?state=failed")->body);
  EXPECT_EQ(page["jobs"].size(), 0u);
  page = nlohmann::json::parse(c.Get(api + "?state=done")->body);
  EXPECT_EQ(page["jobs"].size(), 100u);
  auto html = c.Get("/sweeps/plain?offset=100");
  ASSERT_TRUE(html);
  EXPECT_NE(html->body.find("jobs 101-200 of 250"), std::string::npos);
  EXPECT_NE(html->body.find("id=\"next\" href=\"/sweeps/" + Id(dpu_sweep_) + "?offset=200\""),
            std::string::npos);
  auto bad = c.Get(api + "?state=%3Cb%3E");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("is not one of queued"), std::string::npos);
  EXPECT_EQ(c.Get("/sweeps/plain?offset=-1")->status, 400);
  EXPECT_EQ(c.Get(api + "?limit=100000")->status, 400);
}

TEST_F(DashboardTest, JobPageNamesTheJsonFieldOfEveryCellThatChangesWhileItRuns) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  const std::string page = c.Get("/jobs/" + Id(evil_job_))->body;
  const auto json = nlohmann::json::parse(c.Get("/api/jobs/" + Id(evil_job_))->body);
  std::set<std::string> live;
  const std::regex attribute("data-live=\"([a-z_]+)\"");
  for (auto it = std::sregex_iterator(page.begin(), page.end(), attribute);
       it != std::sregex_iterator(); ++it) {
    live.insert((*it)[1]);
  }
  // The script sets each from /api/jobs/ID; the state cell has its own id.
  EXPECT_EQ(live,
            (std::set<std::string>{"attempts", "wall", "started_at", "finished_at", "error"}));
  for (const auto& field : live) EXPECT_TRUE(json.contains(field)) << field;
  EXPECT_NE(page.find("id=\"job-finished\" data-live=\"finished_at\">" +
                      json["finished_at"].get<std::string>() + "<"),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("id=\"job-state\""), std::string::npos);
  EXPECT_NE(page.find("<div id=\"job-rerun\"><pre class=\"rerun\">sh "), std::string::npos);
}

TEST_F(DashboardTest, UnknownIs404AndWritesAre405) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  EXPECT_EQ(c.Get("/nope")->status, 404);
  EXPECT_EQ(c.Get("/jobs/99999")->status, 404);
  EXPECT_EQ(c.Get("/jobs/99999999999999999999999")->status, 404);
  EXPECT_EQ(c.Get("/sweeps/no-such-sweep")->status, 404);
  EXPECT_EQ(c.Get("/sweeps/plain/tables/codesign")->status, 404);
  auto missing = c.Get("/api/jobs/99999");
  EXPECT_EQ(nlohmann::json::parse(missing->body)["error"], "no job 99999 in " + Db());
  auto post = c.Post("/api/sweeps", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(c.Delete("/sweeps/plain")->status, 405);
  EXPECT_EQ(c.Put("/", "x", "text/plain")->status, 405);
  // Figures without a renderer: the page says so, the URL is 404.
  EXPECT_NE(c.Get("/sweeps/plain")->body.find("figures not available in this build"),
            std::string::npos);
  EXPECT_EQ(c.Get("/sweeps/plain/figures/dpu.svg")->status, 404);
  // A request naming another host (DNS rebinding) is refused without a token.
  auto rebound = c.Get("/", {{"Host", "evil.example:80"}});
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 403);
}

TEST_F(DashboardTest, LogReadsStayInTheJobDirectory) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  const std::string log = "/api/jobs/" + Id(evil_job_) + "/log?step=";
  auto ok = c.Get(log + "c.stdout&offset=6");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 200);
  const auto j = nlohmann::json::parse(ok->body);
  EXPECT_EQ(j["text"], "</pre><script>bad()</script>\n");
  EXPECT_EQ(j["next_offset"], j["size"]);
  for (const char* step : {"..%2F..%2Fr.db", "..%2F..%2F..%2Fsecret.log", "evil.log",
                           "%2Fetc%2Fpasswd", "c.stdout%2F..%2F..%2F..%2Fsecret.log"}) {
    auto r = c.Get(log + step);
    ASSERT_TRUE(r) << step;
    EXPECT_EQ(r->status, 404) << step;
    EXPECT_EQ(r->body.find("SECRET"), std::string::npos) << step;
  }
}

TEST_F(DashboardTest, TableCsvIsTheTableCommandsBytes) {
  auto d = Serve();
  httplib::Client c("127.0.0.1", d->port());
  auto r = c.Get("/sweeps/plain/tables/dpu.csv");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Disposition"),
            "attachment; filename=\"plain-" + Id(dpu_sweep_) + "-dpu.csv\"");
  auto store = ResultStore::OpenReadOnly(Db());
  EXPECT_EQ(r->body, Render(BuildDpuTable(*store, dpu_sweep_), {TableFormat::kCsv, {}, {}}));
  EXPECT_NE(r->body.find("dpu_0_min"), std::string::npos);
  auto html = c.Get("/sweeps/plain/tables/dpu");
  EXPECT_NE(html->body.find("OPS_per_W"), std::string::npos);
  auto evil_csv = c.Get("/sweeps/" + Id(evil_sweep_) + "/tables/qat.csv");
  EXPECT_EQ(evil_csv->get_header_value("Content-Disposition"),
            "attachment; filename=\"_script_alert_1___script_-" + Id(evil_sweep_) + "-qat.csv\"");
}

TEST_F(DashboardTest, CodesignTableAndFigureOnlyForSweepsWithHwEvalJobs) {
  int64_t cd = 0;
  {
    ResultStore store(Db());
    cd = viz::testing::AddCodesignSweep(store, "cd");
  }
  auto d = Serve("", viz::MakeSvgRenderer(Db()));
  httplib::Client c("127.0.0.1", d->port());
  // The sweep page links the codesign table and shows its figure...
  const std::string page = c.Get("/sweeps/cd")->body;
  const std::string base = "/sweeps/" + Id(cd);
  EXPECT_NE(page.find("<a href=\"" + base + "/tables/codesign\">codesign</a>"), std::string::npos)
      << page;
  EXPECT_NE(page.find("src=\"" + base + "/figures/codesign.svg\""), std::string::npos) << page;
  // ...a sweep without hw_eval jobs neither.
  const std::string plain = c.Get("/sweeps/plain")->body;
  EXPECT_EQ(plain.find("codesign"), std::string::npos) << plain;
  EXPECT_NE(plain.find("/figures/dpu.svg"), std::string::npos);
  EXPECT_EQ(c.Get("/sweeps/plain/tables/codesign")->status, 404);
  EXPECT_EQ(c.Get("/sweeps/plain/tables/codesign.csv")->status, 404);
  EXPECT_EQ(c.Get("/sweeps/plain/figures/codesign.svg")->status, 404);

  auto html = c.Get("/sweeps/cd/tables/codesign");
  ASSERT_TRUE(html);
  EXPECT_EQ(html->status, 200);
  for (const char* column : {"accuracy_pct", "delta_pts", "OPS_per_W", "pareto"}) {
    EXPECT_NE(html->body.find(column), std::string::npos) << column;
  }
  EXPECT_NE(html->body.find("eval_0.hweval"), std::string::npos);
  auto csv = c.Get("/sweeps/cd/tables/codesign.csv");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  auto store = ResultStore::OpenReadOnly(Db());
  EXPECT_EQ(csv->body, Render(BuildCodesignTable(*store, cd), {TableFormat::kCsv, {}, {}}));
  EXPECT_EQ(Count(csv->body, ",yes,"), 3) << "three rows on the front\n" << csv->body;
  if (!viz::testing::HaveGnuplot()) GTEST_SKIP() << "gnuplot is not installed: figure not drawn";
  auto svg = c.Get("/sweeps/cd/figures/codesign.svg");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->status, 200) << svg->body;
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_NE(svg->body.find("Pareto front"), std::string::npos);
}

TEST_F(DashboardTest, TokenIsRequiredAndCheckedWhenSet) {
  auto d = Serve("s3cret-token");
  httplib::Client c("127.0.0.1", d->port());
  EXPECT_EQ(c.Get("/")->status, 401);
  EXPECT_EQ(c.Get("/api/sweeps")->status, 401);
  EXPECT_EQ(c.Get("/", {{"Authorization", "Bearer wrong"}})->status, 401);
  EXPECT_EQ(c.Get("/?token=s3cret-tokem")->status, 401);
  EXPECT_EQ(c.Get("/", {{"Authorization", "Bearer s3cret-token"}})->status, 200);
  auto q = c.Get("/?token=s3cret-token");
  EXPECT_EQ(q->status, 200);
  EXPECT_NE(q->get_header_value("Set-Cookie").find("labq_token=s3cret-token; "), std::string::npos);
  EXPECT_EQ(c.Get("/api/sweeps", {{"Cookie", "labq_token=s3cret-token"}})->status, 200);
  EXPECT_EQ(c.Get("/api/sweeps", {{"Cookie", "labq_token=nope"}})->status, 401);
}

TEST(DashboardOptions, NonLoopbackWithoutTokenIsRefused) {
  DashboardOptions o;
  o.address = {"0.0.0.0", 0};
  EXPECT_THROW(Dashboard{o}, Error);
  o.token = "has space";
  EXPECT_THROW(Dashboard{o}, Error);
  o.token = "fine-token";
  EXPECT_NO_THROW(Dashboard{o});
}

/// The binaries: labd --http serves beside the daemon; both refuse a
/// non-loopback address without --token at start-up.
TEST(DashboardBinaries, LabdServesAndBothRefuseNonLoopbackWithoutToken) {
  namespace bp = boost::process;
  labq::testing::TempDir tmp;
  const std::string db = (tmp.path() / "r.db").string();
  const std::string labd = labq::testing::BinaryDir() + "/orchestrator/labd";
  SubprocessSpec spec;
  spec.argv = {labd, "--db", db, "--http", "0.0.0.0:0"};
  spec.working_dir = tmp.path();
  spec.stdout_path = tmp.path() / "refused.out";
  spec.stderr_path = tmp.path() / "refused.err";
  const auto refused = RunSubprocess(spec);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(ReadFile((tmp.path() / "refused.err").string()).find("give --token"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(db)) << "refused before the daemon started";
  const auto serve =
      labq::testing::RunLabqCli(tmp.path(), db, {"serve", "--http", "[::]:0"}, "serve");
  EXPECT_FALSE(serve.Succeeded());
  EXPECT_NE(labq::testing::CliOutput(tmp.path(), "serve").find("give --token"), std::string::npos);

  bp::child daemon(
      bp::exe = labd,
      bp::args = {"--db", db, "--http", "127.0.0.1:0", "--workdir", (tmp.path() / "work").string()},
      bp::start_dir = tmp.path().string(), bp::std_out > (tmp.path() / "labd.out").string(),
      bp::std_err > (tmp.path() / "labd.err").string());
  std::smatch m;
  const std::regex url("dashboard on http://127\\.0\\.0\\.1:([0-9]+)/");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string err;
  while (std::chrono::steady_clock::now() < deadline) {
    err = ReadFileOr((tmp.path() / "labd.err").string());
    if (std::regex_search(err, m, url) && std::filesystem::exists(db)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(m.size(), 2u) << err;
  httplib::Client c("127.0.0.1", std::stoi(m[1].str()));
  std::optional<int> status;
  // The daemon creates the schema just after it starts; answer 503 until then.
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.Get("/api/sweeps");
    if (r && r->status == 200) {
      status = 200;
      EXPECT_EQ(nlohmann::json::parse(r->body)["sweeps"].size(), 0u);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(c.Post("/api/sweeps", "", "text/plain")->status, 405);
  ::kill(daemon.id(), SIGTERM);
  daemon.wait();
  EXPECT_EQ(daemon.exit_code(), 0) << ReadFileOr((tmp.path() / "labd.err").string());
}

}  // namespace
}  // namespace labq::web
