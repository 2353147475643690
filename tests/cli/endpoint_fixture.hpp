#pragma once
// What the CLI tests against a fake OpenAI-compatible endpoint share: a dataset whose inputs name
// their cases, a suite calling the endpoint, and the store read as another process would.
// Header-only.
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "../support/fake_openai.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/store/store.hpp"
#include "run_qualbar.hpp"

namespace qb::test {

using namespace std::chrono_literals;

constexpr int kCases = 40;

// A dataset whose inputs are the case ids, so the server's log says which case each request is.
inline void write_cases(const TempDir& dir, int n = kCases) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    text += fmt::format(R"({{"id":"c{:03}","input":"c{:03}","category":"{}"}})"
                        "\n",
                        i, i, i % 2 == 0 ? "even" : "odd");
  }
  std::ofstream(dir.work() / "cases.jsonl") << text;
}

inline void write_suite(const TempDir& dir, const std::string& base_url,
                        const std::string& extra = "") {
  std::ofstream(dir.work() / "suite.yaml") << fmt::format(
      "schema_version: 1\nname: endpoint\ndatasets: cases.jsonl\n"
      "system:\n  provider: openai\n  base_url: {}\n  model: fake-model\n"
      "  api_key_env: QB_TEST_KEY\n  retry_base_s: 0.01\n  price: {{input: 1.0, output: 2.0}}\n{}"
      "dimensions:\n  seven:\n    scorer: contains\n    args: {{value: \"7\"}}\n  latency: "
      "latency\n"
      "slices: [category]\n",
      base_url, extra);
}

// Answered cases in the store so far (read as another process would).
inline int answered_in_store(const fs::path& db) {
  sqlite3* h = nullptr;
  int n = -1;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 2000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT COALESCE(SUM(n), 0) FROM run_answers", -1, &s,
                           nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(h);
  return n;
}

// Waits (up to 20 s) until `ready()`; false when it never happened.
template <typename F>
bool wait_until(F ready) {
  const auto give_up = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < give_up) {
    if (ready()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

inline std::map<std::string, int> requests_per_case(const std::vector<FakeRequest>& log,
                                                    int from = 0) {
  std::map<std::string, int> out;
  for (const auto& r : log)
    if (r.n >= from) ++out[r.last_user_message];
  return out;
}

inline const EnvChanges kKey = {{"QB_TEST_KEY", "sk-test-0000"}};

// The stored responses, as another process reads them.
// The answers of the latest run in the store at `db`, in case order, as response lines.
inline std::vector<nlohmann::json> stored_responses(const fs::path& db) {
  std::vector<nlohmann::json> out;
  const StoredRun run = open_store(db.string(), StoreAccess::existing)->runs().load_run("latest");
  for (std::size_t i = 0; i < run.responses.size(); ++i)
    if (run.answered[i]) out.push_back(nlohmann::json::parse(response_to_json(run.responses[i])));
  return out;
}

}  // namespace qb::test
