// The model-free text scorers on production outputs, one output at a time as `qualbar monitor
// ingest` runs them: the refusal detector, the safety scanner (pii, secrets, and both on each
// output), and the one-pass prefilter (an RE2::Set) each starts with; and what building each
// costs once its pack's pass exists (the first build in a process compiles it).
//
// Run: taskset -c 0 build/release/bench/qualbar_scorers_text_bench --records=FILE
//      (FILE from bench/monitor/gen_records.py; the first 100,000 records' outputs are used).
//      MB/s counts the outputs' bytes.

#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "scorers/pattern_prefilter.hpp"
#include "scorers/refusal_detector.hpp"
#include "scorers/safety_rules.hpp"

namespace {

using qb::detail::PatternPrefilter;

std::string g_path;
std::vector<std::string> g_outputs;
std::size_t g_bytes = 0;

void load() {
  if (!g_outputs.empty()) return;
  std::ifstream in(g_path);
  if (!in) {
    std::fprintf(stderr, "cannot read --records=%s\n", g_path.c_str());
    std::exit(2);
  }
  simdjson::ondemand::parser parser;
  std::string line;
  while (g_outputs.size() < 100000 && std::getline(in, line)) {
    simdjson::padded_string p(line);
    simdjson::ondemand::document doc;
    std::string_view out;
    if (parser.iterate(p).get(doc) || doc["output"].get_string().get(out)) continue;
    g_outputs.emplace_back(out);
    g_bytes += out.size();
  }
}

std::vector<const qb::detail::SafetyRule*> pack_rules(const std::string& name) {
  std::vector<const qb::detail::SafetyRule*> out;
  for (const auto& p : qb::detail::safety_packs())
    if (p.name == name || name == "all")
      for (const auto& r : p.rules) out.push_back(&r);
  return out;
}

void finish(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * g_bytes));
  state.counters["outputs"] = static_cast<double>(g_outputs.size());
}

void BM_Refusal(benchmark::State& state) {
  load();
  const qb::RefusalDetector d(qb::builtin_refusal_pack(), {});
  std::size_t refused = 0;
  for (auto _ : state)
    for (const auto& o : g_outputs) refused += d.detect(o).refused ? 1 : 0;
  benchmark::DoNotOptimize(refused);
  finish(state);
}

void BM_Safety(benchmark::State& state, const std::string& pack) {
  load();
  const qb::detail::SafetyScanner s(pack_rules(pack));
  std::size_t found = 0;
  for (auto _ : state)
    for (const auto& o : g_outputs) found += s.scan(o).size();
  benchmark::DoNotOptimize(found);
  finish(state);
}

// pii then secrets on each output, as a suite with both dimensions runs them: one shared pass.
void BM_SafetyPiiThenSecrets(benchmark::State& state) {
  load();
  const qb::detail::SafetyScanner pii(pack_rules("pii"));
  const qb::detail::SafetyScanner secrets(pack_rules("secrets"));
  std::size_t found = 0;
  for (auto _ : state)
    for (const auto& o : g_outputs) found += pii.scan(o).size() + secrets.scan(o).size();
  benchmark::DoNotOptimize(found);
  finish(state);
}

void BM_PrefilterOnly(benchmark::State& state, const std::string& pack) {
  load();
  std::vector<const re2::RE2*> patterns;
  for (const auto* r : pack_rules(pack)) {
    if (r->pattern) patterns.push_back(r->pattern.get());
    if (r->weak_pattern) patterns.push_back(r->weak_pattern.get());
  }
  const PatternPrefilter p(patterns);
  std::vector<int> hits;
  std::size_t named = 0;
  for (auto _ : state)
    for (const auto& o : g_outputs) {
      p.matching(o, hits);
      named += hits.size();
    }
  state.counters["named_per_output"] =
      static_cast<double>(named) / static_cast<double>(state.iterations() * g_outputs.size());
  finish(state);
}

void BM_BuildRefusal(benchmark::State& state) {
  for (auto _ : state) {
    const qb::RefusalDetector d(qb::builtin_refusal_pack(), {});
    benchmark::DoNotOptimize(&d);
  }
}

void BM_BuildSafety(benchmark::State& state) {
  for (auto _ : state) {
    const qb::detail::SafetyScanner s(pack_rules("all"));
    benchmark::DoNotOptimize(&s);
  }
}

BENCHMARK(BM_Refusal)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Safety, pii, std::string("pii"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Safety, secrets, std::string("secrets"))->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SafetyPiiThenSecrets)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PrefilterOnly, pii, std::string("pii"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PrefilterOnly, secrets, std::string("secrets"))->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PrefilterOnly, all, std::string("all"))->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildRefusal)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BuildSafety)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.rfind("--records=", 0) == 0) g_path = std::string(a.substr(10));
    else args.push_back(argv[i]);
  }
  if (g_path.empty()) {
    std::fprintf(stderr, "usage: %s --records=FILE [benchmark flags]\n", argv[0]);
    return 2;
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
