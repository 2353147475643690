#pragma once
// A store holding runs of a judged suite, built through the store's own API, for the review and
// judge-check tests: each case's judge grades and answer are chosen by the test.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/io/dataset.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb::test {

inline const char* const kJudgedSuite = R"(schema_version: 1
name: support
datasets: [cases.jsonl]
system: {provider: replay, responses: responses.jsonl, model: support-bot-v2}
judge: {model: gpt-4o-mini, base_url: "http://127.0.0.1:9/v1"}
dimensions:
  helpfulness:
    scorer: judge
    args: {rubric: "The answer resolves the customer's question."}
  quality:
    scorer: judge-scale
    args: {rubric: "Overall quality of the answer."}
slices: [category, language]
judge_check: {min_items: 40}
)";

struct JudgedRun {
  std::string id = "r-20261101-000000-aaaa";
  std::string started_at = "2026-11-01T00:00:00Z";
  std::size_t n = 100;
  std::string model = "support-bot-v2";
  // Per case i: the judge's helpfulness grade (0/1), its quality grade (1..5), the answer, the
  // case's language and category; an error answer when `failed` says so.
  std::function<int(std::size_t)> helpful = [](std::size_t i) { return static_cast<int>(i % 2); };
  std::function<int(std::size_t)> quality = [](std::size_t i) { return static_cast<int>(1 + i % 5); };
  std::function<std::string(std::size_t)> output = [](std::size_t i) {
    return fmt::format("Answer number {}.", i);
  };
  std::function<std::string(std::size_t)> language = [](std::size_t) { return std::string("en"); };
  std::function<bool(std::size_t)> failed = [](std::size_t) { return false; };
  std::function<std::string(std::size_t)> reference = [](std::size_t) { return std::string(); };
};

inline std::string case_id(std::size_t i) { return fmt::format("q-{:03}", i); }

inline void save_judged_run(Store& store, const JudgedRun& spec) {
  const Suite suite = read_suite(kJudgedSuite, "suite.yaml", ".");
  StoredRun run;
  run.info.id = spec.id;
  run.info.suite_name = suite.name;
  run.info.model = spec.model;
  run.info.provider = "replay";
  run.info.started_at = spec.started_at;
  run.info.ended_at = spec.started_at;
  run.info.status = RunStatus::complete;
  run.suite_text = kJudgedSuite;
  run.suite_file = "suite.yaml";
  for (const auto& d : suite.dimensions) run.dimensions.push_back(d.name);
  run.scores = ScoreTable(spec.n, suite.dimensions.size());
  for (std::size_t i = 0; i < spec.n; ++i) {
    nlohmann::json c = {{"id", case_id(i)},
                        {"input", fmt::format("Question {} from a customer?", i)},
                        {"category", i % 3 == 0 ? "billing" : "shipping"},
                        {"language", spec.language(i)}};
    if (const std::string ref = spec.reference(i); !ref.empty()) c["reference"] = ref;
    run.case_lines.push_back(c.dump());
    Response r;
    r.id = case_id(i);
    if (spec.failed(i)) {
      r.error = "HTTP 500";
    } else {
      r.output = spec.output(i);
    }
    run.responses.push_back(r);
    run.answered.push_back(1);
    for (std::size_t d = 0; d < suite.dimensions.size(); ++d) {
      const std::string& name = suite.dimensions[d].name;
      Score s = Score::of(0);
      if (spec.failed(i)) s = Score::failed_call("HTTP 500");
      else if (name == "helpfulness") s = Score::of(spec.helpful(i));
      else if (name == "quality") s = Score::of((spec.quality(i) - 1) / 4.0);
      run.scores.set(i, d, s);
    }
  }
  run.info.n_cases = spec.n;
  store.runs().save_run(run);
}

// A fresh folder under the test temp dir, removed at the end.
class ScratchDir {
 public:
  ScratchDir() {
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("qb-review-{}-{}", ::getpid(), counter()++);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  static int& counter() {
    static int c = 0;
    return c;
  }
  std::filesystem::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace qb::test
