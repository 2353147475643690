#include "qualbar/run/runner.hpp"
#include "qualbar/bind/bind.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/providers/provider.hpp"
#include "qualbar/suite/suite.hpp"
#include "qualbar/version.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;

// An environment variable set (or unset) for one scope, restored afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_.c_str(), old_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

std::string lines(const std::vector<std::string>& ls) {
  std::string out;
  for (const auto& l : ls) out += l + "\n";
  return out;
}

constexpr const char* kCases =
    R"({"id":"c1","category":"billing","input":"one","reference":"alpha"})"
    "\n"
    R"({"id":"c2","category":"billing","input":"two","reference":"beta"})"
    "\n"
    R"({"id":"c3","category":"refunds","input":"three","reference":"gamma"})"
    "\n"
    R"({"id":"c4","category":"refunds","input":"four","reference":"delta"})"
    "\n";

class RunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / fmt::format("qb-runner-{}-{}", ::getpid(), info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("cases.jsonl", kCases);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& content) {
    std::ofstream out(dir_ / name, std::ios::binary);
    out << content;
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A suite replaying `responses` (a file name in the temp dir); `system_extra` adds system fields.
  Suite suite(const std::string& responses = "responses.jsonl",
              const std::string& system_extra = "") {
    yaml_ = fmt::format(
        "schema_version: 1\nname: runner-test\ndatasets: cases.jsonl\n"
        "system:\n  provider: replay\n  responses: {}\n{}"
        "dimensions:\n  answer: exact-match\n  latency: latency\nslices: [category]\n"
        "bars:\n  answer: {{min: 0.5}}\n",
        responses, system_extra);
    return read_suite(yaml_, path("suite.yaml"), dir_);
  }

  Dataset dataset() const { return load_dataset({path("cases.jsonl")}); }

  RunResult run(const Suite& s, const ProviderOptions& options = {}) {
    auto provider = provider_registry().get("replay").make(s, options);
    Dataset d = dataset();
    return execute_run(s, d, *provider, "replay");
  }

  fs::path dir_;
  std::string yaml_;
};

TEST_F(RunnerTest, ResponsesAreAlignedToCasesByIdWhateverTheirFileOrder) {
  write("responses.jsonl", lines({
                               R"({"id":"c3","output":"gamma","latency_ms":30})",
                               R"({"id":"c1","output":"alpha","latency_ms":10})",
                               R"({"id":"c4","output":"wrong","latency_ms":40})",
                               R"({"id":"c2","output":"beta","latency_ms":20})",
                           }));
  const Suite s = suite();
  const RunResult r = run(s);
  ASSERT_EQ(r.responses.size(), 4u);
  const std::vector<std::string> ids = {"c1", "c2", "c3", "c4"};
  const std::vector<double> latency = {10, 20, 30, 40};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.responses[i].id, ids[i]);
    EXPECT_EQ(r.responses[i].latency_ms, latency[i]);
    EXPECT_FALSE(r.responses[i].is_error());
  }
  // Scores follow the cases too: only c4's answer is wrong.
  ASSERT_EQ(r.scores.n_cases(), 4u);
  ASSERT_EQ(r.scores.n_dimensions(), s.dimensions.size());
  EXPECT_EQ(r.scores.at(0, 0).value, 1.0);
  EXPECT_EQ(r.scores.at(1, 0).value, 1.0);
  EXPECT_EQ(r.scores.at(2, 0).value, 1.0);
  EXPECT_EQ(r.scores.at(3, 0).value, 0.0);
  EXPECT_EQ(r.scores.at(2, 1).value, 30.0);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.info.n_cases, 4u);
  EXPECT_EQ(r.info.n_errors, 0u);
}

TEST_F(RunnerTest, ACaseWithoutAResponseIsAnErrorNamingTheCaseAndTheFile) {
  write("responses.jsonl", lines({
                               R"({"id":"c1","output":"alpha","model":"bot-v2"})",
                               R"({"id":"c3","output":"gamma","model":"bot-v2"})",
                               R"({"id":"c4","output":"delta","model":"bot-v2"})",
                           }));
  const Suite s = suite();
  const RunResult r = run(s);
  const Response& missing = r.responses[1];
  EXPECT_EQ(missing.id, "c2");
  ASSERT_TRUE(missing.is_error());
  EXPECT_EQ(*missing.error,
            fmt::format("no response for case 'c2' in {}", path("responses.jsonl")));
  EXPECT_EQ(r.info.n_errors, 1u);
  EXPECT_EQ(r.info.n_cases, 4u);
  // Never a pass: an error on the quality dimension, counted by the errors dimension.
  const ScoreView answer = r.scores.at(1, 0);
  EXPECT_EQ(answer.status, ScoreStatus::error);
  EXPECT_EQ(answer.evidence, *missing.error);
  const std::size_t errors = s.dimensions.size() - 1;
  ASSERT_EQ(s.dimensions[errors].name, "errors");
  EXPECT_EQ(r.scores.at(1, errors).value, 1.0);
  EXPECT_EQ(r.scores.at(0, errors).value, 0.0);
  // No latency was recorded for a call that never happened.
  EXPECT_EQ(r.scores.at(1, 1).status, ScoreStatus::not_applicable);
}

TEST_F(RunnerTest, ResponsesMatchingNoCaseAreCountedInAWarning) {
  write("responses.jsonl", lines({
                               R"({"id":"c1","output":"alpha"})",
                               R"({"id":"c2","output":"beta"})",
                               R"({"id":"c3","output":"gamma"})",
                               R"({"id":"c4","output":"delta"})",
                               R"({"id":"zz-1","output":"orphan"})",
                               R"({"id":"zz-2","output":"orphan"})",
                           }));
  const RunResult r = run(suite());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            fmt::format("2 response(s) in {} match no case of the dataset and were not scored",
                        path("responses.jsonl")));
  EXPECT_EQ(r.info.n_errors, 0u);
}

bool is_rfc3339_utc(const std::string& s) {
  static const std::regex re(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z)");
  return std::regex_match(s, re);
}

// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.fff]Z".
double epoch_seconds(const std::string& s) {
  std::tm tm{};
  tm.tm_year = std::stoi(s.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(s.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(8, 2));
  tm.tm_hour = std::stoi(s.substr(11, 2));
  tm.tm_min = std::stoi(s.substr(14, 2));
  tm.tm_sec = std::stoi(s.substr(17, 2));
  double frac = 0.0;
  if (s.size() > 20 && s[19] == '.') frac = std::stod("0" + s.substr(19, s.size() - 20));
  return static_cast<double>(::timegm(&tm)) + frac;
}

double now_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

TEST_F(RunnerTest, RunInfoIsACompleteAuditRecordWithoutSecrets) {
  write("responses.jsonl",
        lines({
            R"({"id":"c1","output":"alpha","model":"support-bot-v2"})",
            R"({"id":"c2","output":"beta","model":"support-bot-v2"})",
            R"({"id":"c3","output":"gamma","model":"support-bot-v2"})",
            R"({"id":"c4","output":"","error":"HTTP 500","model":"support-bot-v2"})",
        }));
  const ScopedEnv user("QUALBAR_USER", "auditor-42");
  const ScopedEnv key("OPENAI_API_KEY", "sk-test-do-not-record-0123456789");
  const Suite s = suite();
  const double before = now_seconds();
  const RunResult r = run(s);
  const double after = now_seconds();
  const RunInfo& i = r.info;

  EXPECT_TRUE(std::regex_match(i.id, std::regex("r-[0-9]{8}-[0-9]{6}-[0-9a-f]{4}"))) << i.id;
  EXPECT_EQ(i.suite_name, "runner-test");
  EXPECT_EQ(i.suite_hash, s.hash);
  EXPECT_TRUE(std::regex_match(i.suite_hash, std::regex("[0-9a-f]{16}"))) << i.suite_hash;
  EXPECT_EQ(i.bars_hash, s.bars_hash);
  // The dataset hash is the hash of the file's bytes; a changed dataset changes it.
  Dataset d = dataset();
  EXPECT_EQ(i.dataset_hash, d.hash);
  EXPECT_FALSE(i.dataset_hash.empty());
  write("cases.jsonl", std::string(kCases) + R"({"id":"c5","input":"five"})"
                                             "\n");
  EXPECT_NE(dataset().hash, i.dataset_hash);

  EXPECT_EQ(i.model, "support-bot-v2");
  EXPECT_EQ(i.provider, "replay");
  EXPECT_EQ(i.qualbar_version, std::string(kVersion));
  EXPECT_EQ(i.qualbar_version, QB_VERSION);
  char host[256] = {};
  ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
  EXPECT_EQ(i.host, std::string(host));
  EXPECT_EQ(i.user, "auditor-42");

  EXPECT_TRUE(is_rfc3339_utc(i.started_at)) << i.started_at;
  EXPECT_TRUE(is_rfc3339_utc(i.ended_at)) << i.ended_at;
  EXPECT_LE(i.started_at, i.ended_at);
  EXPECT_GE(epoch_seconds(i.started_at), before - 1.0);
  EXPECT_LE(epoch_seconds(i.ended_at), after + 1.0);

  EXPECT_EQ(i.status, RunStatus::complete);
  EXPECT_EQ(i.n_cases, 4u);
  EXPECT_EQ(i.n_errors, 1u);

  const auto settings = nlohmann::json::parse(i.provider_json);
  ASSERT_TRUE(settings.is_object()) << i.provider_json;
  EXPECT_EQ(settings.value("responses", ""), path("responses.jsonl"));
  EXPECT_EQ(i.provider_json.find("sk-test-do-not-record"), std::string::npos) << i.provider_json;
  for (const auto& [k, v] : settings.items()) {
    for (const char* secret : {"key", "token", "secret", "password", "authorization"}) {
      EXPECT_EQ(k.find(secret), std::string::npos)
          << "provider setting '" << k << "' looks like a secret";
    }
  }
}

TEST_F(RunnerTest, ToStoredRunKeepsTheRecordTheSuiteTextAndTheCaseLines) {
  write("responses.jsonl",
        lines({R"({"id":"c1","output":"alpha"})", R"({"id":"c2","output":"beta"})",
               R"({"id":"c3","output":"gamma"})", R"({"id":"c4","output":"delta"})"}));
  const Suite s = suite();
  Dataset d = dataset();
  auto provider = provider_registry().get("replay").make(s, ProviderOptions{});
  const RunResult r = execute_run(s, d, *provider, "replay");
  const StoredRun stored = to_stored_run(s, d, r);
  EXPECT_EQ(stored.info.id, r.info.id);
  EXPECT_EQ(stored.info.started_at, r.info.started_at);
  EXPECT_EQ(stored.suite_text, yaml_);
  EXPECT_EQ(stored.suite_file, path("suite.yaml"));
  EXPECT_EQ(stored.dimensions, (std::vector<std::string>{"answer", "latency", "errors"}));
  const std::string text = kCases;
  std::vector<std::string> want;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = text.find('\n', pos);
    want.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  EXPECT_EQ(stored.case_lines, want);
  ASSERT_EQ(stored.responses.size(), 4u);
  EXPECT_EQ(stored.responses[3].output, "delta");
  EXPECT_EQ(stored.scores.n_cases(), 4u);
  EXPECT_EQ(stored.scores.n_dimensions(), 3u);
}

TEST_F(RunnerTest, TheModelIsTheOverrideElseTheSuitesElseTheResponsesElseTheFileStem) {
  write("responses.jsonl", lines({R"({"id":"c1","output":"alpha"})",
                                  R"({"id":"c2","output":"beta","model":"bot-v2"})"}));
  write("bot-v1.jsonl", lines({R"({"id":"c1","output":"alpha"})"}));
  EXPECT_EQ(run(suite()).info.model, "bot-v2");
  EXPECT_EQ(run(suite(), ProviderOptions{.model = "bot-v3-rc1"}).info.model, "bot-v3-rc1");
  EXPECT_EQ(run(suite("responses.jsonl", "  model: suite-model\n")).info.model, "suite-model");
  EXPECT_EQ(
      run(suite("responses.jsonl", "  model: suite-model\n"), ProviderOptions{.model = "cli-model"})
          .info.model,
      "cli-model");
  EXPECT_EQ(run(suite("bot-v1.jsonl")).info.model, "bot-v1");
}

TEST_F(RunnerTest, TheResponsesOptionReplacesTheSuitesFile) {
  write("responses.jsonl", lines({R"({"id":"c1","output":"alpha","model":"bot-v2"})"}));
  write("bot-v1.jsonl",
        lines({R"({"id":"c1","output":"old answer"})", R"({"id":"c2","output":"beta"})"}));
  const RunResult r = run(suite(), ProviderOptions{.responses = path("bot-v1.jsonl")});
  EXPECT_EQ(r.responses[0].output, "old answer");
  EXPECT_EQ(r.responses[1].output, "beta");
  EXPECT_EQ(r.info.model, "bot-v1");
  EXPECT_EQ(nlohmann::json::parse(r.info.provider_json).value("responses", ""),
            path("bot-v1.jsonl"));
  EXPECT_EQ(*r.responses[2].error,
            fmt::format("no response for case 'c3' in {}", path("bot-v1.jsonl")));
}

TEST_F(RunnerTest, ReplayWithoutAResponsesFileIsAnInputError) {
  const Suite s = read_suite(
      "schema_version: 1\nname: runner-test\ndatasets: cases.jsonl\n"
      "dimensions:\n  answer: exact-match\n",
      "suite.yaml", dir_);
  try {
    (void)provider_registry().get("replay").make(s, ProviderOptions{});
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "suite.yaml: field 'system.responses': the replay provider needs a responses file: set "
        "system.responses in the suite or pass --responses FILE");
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
