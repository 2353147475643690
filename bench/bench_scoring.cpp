// Scoring and aggregation throughput: 1,000,000 replayed cases, the correctness scorers, two slice
// keys. Run: build/release/bench/qualbar_bench (figures in docs/benchmarks.md).
#include <sys/resource.h>

#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "qualbar/bind/bind.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/metrics/report.hpp"
#include "qualbar/metrics/score_table.hpp"
#include "qualbar/metrics/scoring.hpp"
#include "qualbar/suite/suite.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace {

constexpr const char* kSuite = R"(schema_version: 1
name: bench
datasets: [cases.jsonl]
dimensions:
  exact: {scorer: exact-match}
  normalized: {scorer: normalized-match}
  f1: {scorer: token-f1, threshold: 0.5}
  label: {scorer: label-match}
slices: [category, language]
bars:
  f1: {min: 0.8, per_slice: {min: 0.6}}
  errors: {max: 0.02}
)";

const char* const kWords[] = {"refund",   "order",  "days",     "account", "within",
                              "your",     "the",    "shipping", "label",   "return",
                              "policy",   "charge", "card",     "support", "email",
                              "password", "reset",  "billing",  "plan",    "upgrade"};
const char* const kCategories[] = {"billing",           "shipping",       "returns",
                                   "account-access",    "password-reset", "product-info",
                                   "warranty",          "order-status",   "subscriptions",
                                   "technical-support", "privacy",        "refund-dispute"};
const char* const kLanguages[] = {"en", "es", "de", "fr"};

std::string sentence(std::mt19937_64& rng, int words) {
  std::string s;
  for (int i = 0; i < words; ++i) {
    if (i) s += ' ';
    s += kWords[rng() % std::size(kWords)];
  }
  s += '.';
  return s;
}

// The same synthetic data as JSONL text, so the parsing benchmark reads what a user would write.
struct Data {
  std::string cases_jsonl;
  std::string responses_jsonl;
};

Data make_data(std::size_t n) {
  std::mt19937_64 rng(20261127);
  Data d;
  d.cases_jsonl.reserve(n * 220);
  d.responses_jsonl.reserve(n * 200);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string ref = sentence(rng, 12);
    const char* cat = kCategories[rng() % std::size(kCategories)];
    const char* lang = kLanguages[rng() % std::size(kLanguages)];
    d.cases_jsonl += fmt::format(
        R"({{"id":"c{}","category":"{}","language":"{}","input":"{}","reference":"{}","expected_label":"{}"}})",
        i, cat, lang, sentence(rng, 10), ref, cat);
    d.cases_jsonl += '\n';
    const auto roll = rng() % 100;
    // 30% the reference itself, 30% the same words in other case and punctuation, 20% with a
    // preamble, 20% a different answer: most outputs take the scorers' full normalising path.
    std::string variant = ref;
    for (char& ch : variant) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    variant.back() = '!';
    const std::string out = roll < 30   ? ref
                            : roll < 60 ? variant
                            : roll < 80 ? "Sure! " + ref
                                        : sentence(rng, 12);
    const char* label = roll < 90 ? cat : "billing";
    if (roll == 99) {
      d.responses_jsonl += fmt::format(R"({{"id":"c{}","output":"","error":"timeout"}})", i);
    } else {
      d.responses_jsonl +=
          fmt::format(R"({{"id":"c{}","output":"{}","label":"{}","latency_ms":{}}})", i, out, label,
                      300 + rng() % 2000);
    }
    d.responses_jsonl += '\n';
  }
  return d;
}

const Data& data() {
  static const Data d = make_data(1'000'000);
  return d;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Score + aggregate (the issue's figure): cases and responses already in memory.
void BM_ScoreAndAggregate(benchmark::State& state) {
  const qb::Suite suite = qb::read_suite(kSuite, "bench.yaml", ".");
  qb::Dataset dataset;
  qb::parse_cases(data().cases_jsonl, "cases.jsonl", dataset);
  const auto responses = qb::parse_responses(data().responses_jsonl, "responses.jsonl");
  const auto scorers = qb::build_scorers(suite);
  const qb::RunInfo info;
  bool passed = false;
  for (auto _ : state) {
    const qb::ScoreTable table = qb::score_cases(scorers, dataset.cases, responses);
    const qb::Report report = qb::build_report(suite, dataset.cases, responses, table, info);
    passed = report.passed;
    benchmark::DoNotOptimize(passed);
  }
  state.counters["cases/s"] = benchmark::Counter(
      static_cast<double>(dataset.cases.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
  state.counters["peak_rss_MB"] = peak_rss_mb();
}
BENCHMARK(BM_ScoreAndAggregate)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Parsing the dataset and responses JSONL (1,000,000 lines each).
void BM_ParseJsonl(benchmark::State& state) {
  const Data& d = data();
  for (auto _ : state) {
    qb::Dataset dataset;
    qb::parse_cases(d.cases_jsonl, "cases.jsonl", dataset);
    auto responses = qb::parse_responses(d.responses_jsonl, "responses.jsonl");
    benchmark::DoNotOptimize(responses.data());
  }
  state.counters["cases/s"] = benchmark::Counter(1e6 * static_cast<double>(state.iterations()),
                                                 benchmark::Counter::kIsRate);
  state.counters["MB/s"] =
      benchmark::Counter(static_cast<double>(d.cases_jsonl.size() + d.responses_jsonl.size()) /
                             1e6 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseJsonl)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// The text comparisons of the token-f1 and normalized-match scorers, on the first 200,000
// answer/reference pairs of the same data: CPU alone (no allocation per pair, no page to fault).
const std::vector<std::pair<std::string, std::string>>& text_pairs() {
  static const auto pairs = [] {
    const Data d = make_data(200'000);
    qb::Dataset dataset;
    qb::parse_cases(d.cases_jsonl, "cases.jsonl", dataset);
    const auto responses = qb::parse_responses(d.responses_jsonl, "responses.jsonl");
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t i = 0; i < responses.size(); ++i)
      out.emplace_back(responses[i].output, dataset.cases[i].reference.value_or(""));
    return out;
  }();
  return pairs;
}

void text_comparison(benchmark::State& state,
                     double (*compare)(std::string_view, std::string_view)) {
  const auto& pairs = text_pairs();
  for (auto _ : state) {
    double sum = 0;
    for (const auto& [output, reference] : pairs) sum += compare(output, reference);
    benchmark::DoNotOptimize(sum);
  }
  state.counters["pairs/s"] = benchmark::Counter(
      static_cast<double>(pairs.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_TokenF1(benchmark::State& state) { text_comparison(state, qb::token_f1); }
BENCHMARK(BM_TokenF1)->Unit(benchmark::kMillisecond);

void BM_NormalizedEqual(benchmark::State& state) {
  text_comparison(state, [](std::string_view a, std::string_view b) {
    return qb::normalized_equal(a, b) ? 1.0 : 0.0;
  });
}
BENCHMARK(BM_NormalizedEqual)->Unit(benchmark::kMillisecond);

}  // namespace

// `qualbar_bench --write-data DIR` writes the same 1,000,000-case suite as files, for timing the
// whole `qualbar run` (bench/run.sh); otherwise the Google Benchmark suite runs.
int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--write-data") {
    const std::string dir = argv[2];
    std::string suite = kSuite;
    suite += "system: {provider: replay, responses: responses.jsonl}\n";
    qb::write_file_atomic(dir + "/suite.yaml", suite);
    qb::write_file_atomic(dir + "/cases.jsonl", data().cases_jsonl);
    qb::write_file_atomic(dir + "/responses.jsonl", data().responses_jsonl);
    return 0;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
