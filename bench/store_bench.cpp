// qualbar_store_bench STORE RUN_A RUN_B: what the served pages will ask of a stored run, timed
// through the store API (docs/benchmarks.md, "The stored run"; bench/store/run.sh makes the runs).
// Each figure is the median wall time of 9 repetitions of one call on an open store, except the
// first text search, timed once (it builds the run's text index).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "qualbar/metrics/report_codec.hpp"
#include "qualbar/store/store.hpp"

namespace {

double median_ms(const std::function<std::size_t()>& call, std::size_t& rows) {
  std::vector<double> ms;
  for (int i = 0; i < 9; ++i) {
    const auto start = std::chrono::steady_clock::now();
    rows = call();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

void line(const std::string& what, const std::function<std::size_t()>& call) {
  std::size_t rows = 0;
  const double ms = median_ms(call, rows);
  std::printf("%-72s %9.2f ms  %6zu rows\n", what.c_str(), ms, rows);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: qualbar_store_bench STORE RUN_A RUN_B\n");
    return 2;
  }
  const std::string a = argv[2], b = argv[3];
  auto store = qb::open_store(argv[1], qb::StoreAccess::existing);
  qb::RunStore& runs = store->runs();
  const qb::StoredRun summary = runs.load_summary(b);
  std::printf("run %s: %zu cases, dimensions:", summary.info.id.c_str(), summary.info.n_cases);
  for (const auto& d : summary.dimensions) std::printf(" %s", d.c_str());
  std::printf("\n\n");

  line("the record and the stored report, decoded (what `qualbar report` reads)", [&] {
    const qb::StoredRun s = runs.load_summary(b);
    return qb::decode_report(s.report, "bench").dimensions.size();
  });
  line("first page of 50 cases, no filter", [&] {
    return runs.cases(b, {}, std::nullopt, 50).rows.size();
  });
  line("a page of 50 cases from case 900,000 on", [&] {
    return runs.cases(b, {}, 900000, 50).rows.size();
  });
  for (const auto& d : summary.dimensions) {
    qb::CaseFilter f;
    f.failing = d;
    line("first page of 50 cases failing " + d, [&] {
      return runs.cases(b, f, std::nullopt, 50).rows.size();
    });
  }
  {
    qb::CaseFilter f;
    f.failing = summary.dimensions.front();
    line("page of 50 failing " + f.failing + " from case 900,000 on",
         [&] { return runs.cases(b, f, 900000, 50).rows.size(); });
    f.slice = "category";
    f.slice_value = "warranty";
    line("first page of 50 failing " + f.failing + " in category=warranty",
         [&] { return runs.cases(b, f, std::nullopt, 50).rows.size(); });
  }
  {
    // Once: the run's first text search builds its text index.
    qb::CaseFilter f;
    f.text = "refund";
    const auto start = std::chrono::steady_clock::now();
    const std::size_t rows = runs.cases(b, f, std::nullopt, 50).rows.size();
    std::printf("%-72s %9.2f ms  %6zu rows\n",
                "the first text search of the run (builds its text index; once)",
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count(),
                rows);
  }
  for (const char* words : {"refund", "sure password", "zzzz-not-a-word"}) {
    qb::CaseFilter f;
    f.text = words;
    line(std::string("text search \"") + words + "\", first page of 50",
         [&] { return runs.cases(b, f, std::nullopt, 50).rows.size(); });
  }
  {
    qb::CaseFilter f;
    f.text = "refund";
    f.failing = summary.dimensions.front();
    line("text search \"refund\" among cases failing " + f.failing + ", first page of 50",
         [&] { return runs.cases(b, f, std::nullopt, 50).rows.size(); });
  }
  line("changed cases " + a + " → " + b + ", first page of 50", [&] {
    return runs.changed_cases(a, b, "", std::nullopt, 50).rows.size();
  });
  return 0;
}
