// qualbar power: how many cases a slice needs to show a drop of a given size, and which slices of
// a stored run have them.
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/stats/power.hpp"

namespace qb::cli {
namespace {

struct PowerOptions {
  std::string run;
  std::string store;
  double rate = 0.0;
  double drop = 0.05;
  double confidence = 0.95;
  double power = 0.80;
};

void check(double v, const char* flag, bool allow_one) {
  if (!(v > 0.0 && (allow_one ? v <= 1.0 : v < 1.0)))
    throw InputError(fmt::format("{} must be between 0 and 1, got {}", flag, v));
}

// Cases needed to show a drop `drop` below `rate` (one-sided test at 1 − confidence).
double needed(double rate, double drop, double confidence, double power) {
  return stats::sample_size_one_sample(rate, std::min(drop, rate), 1.0 - confidence, power,
                                       stats::Sides::one_sided);
}

int power(const PowerOptions& o) {
  check(o.drop, "--drop", false);
  check(o.confidence, "--confidence", false);
  check(o.power, "--power", false);
  if (o.run.empty()) {
    if (o.rate == 0.0)
      throw InputError(
          "give a stored run (qualbar power RUN --drop 0.05) or a pass rate "
          "(qualbar power --rate 0.9 --drop 0.05)");
    check(o.rate, "--rate", true);
    const double n = needed(o.rate, o.drop, o.confidence, o.power);
    std::cout << fmt::format(
        "To show a drop of {:.1f} points below a pass rate of {:.1f}% ({:g}% confidence, {:g}% "
        "power, one-sided): {:.0f} cases per slice.\n",
        100.0 * o.drop, 100.0 * o.rate, 100.0 * o.confidence, 100.0 * o.power, n);
    return 0;
  }
  const std::string path = resolve_store_path(o.store, "");
  auto store = open_store(path, StoreAccess::existing);
  const LoadedRun l = load_stored_run(*store, o.run, /*build=*/true, /*with_cases=*/false);
  std::cout << fmt::format(
      "Cases needed per slice to show a {:.1f}-point drop below each dimension's overall pass rate "
      "({:g}% confidence, {:g}% power, one-sided), run {}:\n\n",
      100.0 * o.drop, 100.0 * o.confidence, 100.0 * o.power, l.stored.info.id);
  std::size_t short_cells = 0, cells = 0;
  for (const auto& d : l.report.dimensions) {
    if (d.aggregation != Aggregation::rate || !d.higher_is_better) continue;
    const double rate = d.overall.estimate;
    if (!(rate > 0.0)) continue;
    const double n = needed(rate, o.drop, o.confidence, o.power);
    std::cout << fmt::format("{}: pass rate {:.1f}% overall → {:.0f} cases per slice\n", d.name,
                             100.0 * rate, n);
    for (const auto& c : d.cells) {
      ++cells;
      if (static_cast<double>(c.n) >= n) continue;
      ++short_cells;
      std::cout << fmt::format("  {:<40} n={:<6} needs {:.0f} more\n", c.label(), c.n,
                               n - static_cast<double>(c.n));
    }
  }
  std::cout << fmt::format(
      "\n{} of {} slice results are too small to show a {:.1f}-point drop: their pass is not "
      "evidence of quality. Add cases there, or accept a larger drop (--drop).\n",
      short_cells, cells, 100.0 * o.drop);
  return 0;
}

const CommandRegistrar power_command_registrar{CommandEntry{
    "power", 60, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "How many cases a slice needs to see a drop: for a pass rate (--rate), or for every "
          "slice of a stored run against its dimension's overall rate, listing the slices below "
          "it.");
      auto o = std::make_shared<PowerOptions>();
      sub.add_option("run", o->run, "A stored run (id, unique prefix, 'latest' or 'latest~N')");
      add_store_option(sub, o->store);
      sub.add_option("--rate", o->rate, "A pass rate to plan for, e.g. 0.9 (without a run)");
      sub.add_option("--drop", o->drop, "The drop to detect, as a share (0.05 = 5 points)")
          ->default_val(0.05);
      sub.add_option("--confidence", o->confidence, "Confidence of the test")->default_val(0.95);
      sub.add_option("--power", o->power, "Power: the chance of seeing a real drop")
          ->default_val(0.80);
      return [o] { return power(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
