// The parsing ceiling for `qualbar monitor ingest`: simdjson's bare parse of a file of production
// records (one JSON object a line), counting records by category and nothing else. Compare with
// bench/monitor/python_baseline.py and with the real ingest (bench/monitor/run.sh, figures in
// docs/benchmarks.md).
//
// Run: taskset -c 0 build/release/bench/qualbar_monitor_parse_bench --records=FILE
//      (FILE from bench/monitor/gen_records.py). Each benchmark makes one pass over the whole
//      file per iteration, three repetitions; the last lines give each one's best in MB/s.
//
//   lines_from_file   what an ingester must do at least: read() the file in 4 MiB chunks (as
//                     ingest does), split lines with memchr, On-Demand iterate each line's object
//                     field by field and read `category`: the reference in docs/benchmarks.md
//   lines_in_memory   the same over the file already in memory (no read() copies)
//   iterate_many      On-Demand iterate_many over the file in memory (batched stage 1), reading
//                     each document's `category`
//   dom_parse_many    the DOM parser's parse_many: every value of every record on the tape

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>

namespace {

namespace od = simdjson::ondemand;

std::string g_path;
simdjson::padded_string g_text;  // the whole file, for the in-memory benchmarks

// Counts by category: a handful of distinct values, so a linear scan beats a hash map.
class CategoryCounts {
 public:
  void add(std::string_view category) {
    for (auto& [name, n] : counts_) {
      if (name == category) {
        ++n;
        return;
      }
    }
    counts_.emplace_back(std::string(category), 1);
  }
  [[nodiscard]] std::size_t records() const {
    std::size_t n = 0;
    for (const auto& c : counts_) n += c.second;
    return n;
  }

 private:
  std::vector<std::pair<std::string, std::size_t>> counts_;
};

// One line: iterate the object's fields (as ingest does), read `category`. False when malformed.
bool count_line(od::parser& parser, const char* line, std::size_t len, std::size_t capacity,
                CategoryCounts& counts) {
  od::document doc;
  od::object obj;
  if (parser.iterate(line, len, capacity).get(doc) || doc.get_object().get(obj)) return false;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    if (key == "category") {
      std::string_view value;
      if (field.value().get_string().get(value)) return false;
      counts.add(value);
    }
  }
  return true;
}

// Every complete line in buf[0, have); returns the bytes consumed. `capacity` bytes are readable.
std::size_t count_lines(od::parser& parser, const char* buf, std::size_t have, std::size_t capacity,
                        bool at_end, CategoryCounts& counts, std::size_t& bad) {
  std::size_t start = 0;
  while (start < have) {
    const auto* nl = static_cast<const char*>(std::memchr(buf + start, '\n', have - start));
    if (nl == nullptr && !at_end) break;
    const std::size_t end = nl ? static_cast<std::size_t>(nl - buf) : have;
    if (end > start && !count_line(parser, buf + start, end - start, capacity - start, counts))
      ++bad;
    start = nl ? end + 1 : have;
  }
  return start;
}

void finish(benchmark::State& state, std::size_t bytes, const CategoryCounts& counts,
            std::size_t bad) {
  if (bad) state.SkipWithError("malformed records in the file");
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes * state.iterations()));
  state.counters["records"] = static_cast<double>(counts.records());
}

void BM_LinesFromFile(benchmark::State& state) {
  constexpr std::size_t kChunk = 4 << 20;
  od::parser parser;
  std::vector<char> buf(kChunk + simdjson::SIMDJSON_PADDING);
  std::size_t bytes = 0, bad = 0;
  CategoryCounts counts;
  for (auto _ : state) {
    counts = {};
    bytes = 0;
    const int fd = ::open(g_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      state.SkipWithError("cannot open the records file");
      return;
    }
    std::size_t have = 0;
    for (;;) {
      if (have == buf.size() - simdjson::SIMDJSON_PADDING) buf.resize(buf.size() * 2);
      const ssize_t n =
          ::read(fd, buf.data() + have, buf.size() - simdjson::SIMDJSON_PADDING - have);
      if (n <= 0) break;
      have += static_cast<std::size_t>(n);
      bytes += static_cast<std::size_t>(n);
      const std::size_t used =
          count_lines(parser, buf.data(), have, buf.size(), false, counts, bad);
      std::memmove(buf.data(), buf.data() + used, have - used);
      have -= used;
    }
    if (have) count_lines(parser, buf.data(), have, buf.size(), true, counts, bad);
    ::close(fd);
  }
  finish(state, bytes, counts, bad);
}

void BM_LinesInMemory(benchmark::State& state) {
  od::parser parser;
  std::size_t bad = 0;
  CategoryCounts counts;
  for (auto _ : state) {
    counts = {};
    count_lines(parser, g_text.data(), g_text.size(), g_text.size() + simdjson::SIMDJSON_PADDING,
                true, counts, bad);
  }
  finish(state, g_text.size(), counts, bad);
}

void BM_IterateMany(benchmark::State& state) {
  od::parser parser;
  std::size_t bad = 0;
  CategoryCounts counts;
  for (auto _ : state) {
    counts = {};
    od::document_stream stream;
    if (parser.iterate_many(g_text, 1 << 20).get(stream)) {
      state.SkipWithError("iterate_many failed");
      return;
    }
    for (auto doc : stream) {
      std::string_view category;
      if (doc["category"].get_string().get(category)) {
        ++bad;
        continue;
      }
      counts.add(category);
    }
  }
  finish(state, g_text.size(), counts, bad);
}

void BM_DomParseMany(benchmark::State& state) {
  simdjson::dom::parser parser;
  std::size_t bad = 0;
  CategoryCounts counts;
  for (auto _ : state) {
    counts = {};
    simdjson::dom::document_stream stream;
    if (parser.parse_many(g_text, 1 << 20).get(stream)) {
      state.SkipWithError("parse_many failed");
      return;
    }
    for (auto doc : stream) {
      std::string_view category;
      if (doc["category"].get_string().get(category)) {
        ++bad;
        continue;
      }
      counts.add(category);
    }
  }
  finish(state, g_text.size(), counts, bad);
}

void configure(benchmark::internal::Benchmark* b) {
  b->Unit(benchmark::kMillisecond)->Iterations(1)->Repetitions(3)->UseRealTime();
}

// The console output, then one line a benchmark with its best repetition in MB/s (10^6 bytes),
// the figure bench/monitor/run.sh reads.
class BestReporter : public benchmark::ConsoleReporter {
 public:
  explicit BestReporter(OutputOptions options) : ConsoleReporter(options) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred || r.iterations == 0) continue;
      const double seconds = r.real_accumulated_time / static_cast<double>(r.iterations);
      auto it = std::find_if(best_.begin(), best_.end(),
                             [&](const auto& b) { return b.first == r.run_name.function_name; });
      if (it == best_.end()) {
        best_.emplace_back(r.run_name.function_name, seconds);
      } else {
        it->second = std::min(it->second, seconds);
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::ostream& out = GetOutputStream();
    for (const auto& [name, seconds] : best_) {
      char line[160];
      std::snprintf(line, sizeof line, "best %s: %.1f MB/s (%.3f s for %zu bytes)\n", name.c_str(),
                    static_cast<double>(g_text.size()) / seconds / 1e6, seconds, g_text.size());
      out << line;
    }
  }

 private:
  std::vector<std::pair<std::string, double>> best_;
};

}  // namespace

BENCHMARK(BM_LinesFromFile)->Name("lines_from_file")->Apply(configure);
BENCHMARK(BM_LinesInMemory)->Name("lines_in_memory")->Apply(configure);
BENCHMARK(BM_IterateMany)->Name("iterate_many")->Apply(configure);
BENCHMARK(BM_DomParseMany)->Name("dom_parse_many")->Apply(configure);

// --records=FILE is this program's own flag; the rest go to Google Benchmark.
int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--records=")) {
      g_path = std::string(arg.substr(10));
    } else {
      rest.push_back(argv[i]);
    }
  }
  if (g_path.empty()) {
    std::fprintf(stderr,
                 "usage: %s --records=FILE [benchmark flags]\n"
                 "FILE: production records, one JSON object a line "
                 "(bench/monitor/gen_records.py writes one)\n",
                 argv[0]);
    return 2;
  }
  if (simdjson::padded_string::load(g_path).get(g_text)) {
    std::fprintf(stderr, "%s: cannot read the records file\n", g_path.c_str());
    return 2;
  }
  benchmark::AddCustomContext("records_file", g_path);
  benchmark::AddCustomContext("records_bytes", std::to_string(g_text.size()));
  benchmark::AddCustomContext("simdjson",
                              std::string(simdjson::get_active_implementation()->name()) + " (" +
                                  simdjson::get_active_implementation()->description() + ")");
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 1;
  BestReporter reporter(isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_Defaults
                                              : benchmark::ConsoleReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
