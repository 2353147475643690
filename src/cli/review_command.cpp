// qualbar review: export items for reviewers (blind), import their grades, and measure how far
// they agree.
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "cli/review_queue_command.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct ReviewOptions {
  std::string store;
  // export
  review::ExportRequest exp;
  int sample = -1;  // unset: the request's default
  std::string reviewers = "reviewer-1,reviewer-2";
  // import
  std::vector<std::string> files;
  std::string import_run;
  // agreement
  std::vector<std::string> runs;
  OutputOptions output;
};

std::unique_ptr<Store> existing_store(const std::string& flag) {
  return open_store(resolve_store_path(flag, ""), StoreAccess::existing);
}

int do_export(ReviewOptions& o) {
  auto store = existing_store(o.store);
  // "--reviewers 3" is three reviewers named reviewer-1..3.
  std::vector<std::string> names = comma_list(o.reviewers);
  if (names.size() == 1 && std::all_of(names[0].begin(), names[0].end(), ::isdigit)) {
    const int n = std::stoi(names[0]);
    names.clear();
    for (int i = 1; i <= n; ++i) names.push_back(fmt::format("reviewer-{}", i));
  }
  o.exp.reviewers = names;
  if (o.exp.runs.empty()) o.exp.runs = {"latest"};
  if (o.sample < -1) throw InputError(fmt::format("--sample must be 0 or more, got {}", o.sample));
  if (o.sample >= 0) o.exp.sample = static_cast<std::size_t>(o.sample);
  const review::ExportResult r = review::export_for_review(*store, o.exp);
  if (o.exp.adjudicate) {
    if (r.items == 0) {
      std::cout << "No open disagreements: every item the reviewers graded differently has been "
                   "adjudicated, or they agreed on all.\n";
      return 0;
    }
    std::cout << fmt::format("{} disagreement{} to settle, with each reviewer's grade shown:\n",
                             r.items, r.items == 1 ? "" : "s");
  } else {
    std::cout << fmt::format(
        "Batch {}: {} answer{} to grade, {} per item, shuffled per reviewer; the model, the run "
        "and "
        "other reviewers' grades are not in the files.\n",
        r.batch_id, r.items, r.items == 1 ? "" : "s", o.exp.per_item);
    if (r.skipped_errors > 0)
      std::cout << fmt::format("  {} case(s) left out: the model call failed, nothing to grade\n",
                               r.skipped_errors);
    if (r.already_graded > 0)
      std::cout << fmt::format("  {} case(s) left out: already graded by {} reviewers\n",
                               r.already_graded, o.exp.per_item);
    if (!r.weeks.empty()) {
      std::vector<std::string> parts;
      std::size_t graded_weeks = 0;
      for (const auto& [week, n] : r.weeks) {
        if (n > 0) {
          parts.push_back(fmt::format("{} {}", week, n));
        } else {
          ++graded_weeks;
        }
      }
      std::cout << fmt::format("  per week: {}{}\n", fmt::join(parts, ", "),
                               graded_weeks > 0 ? fmt::format(" ({} week{} already graded)",
                                                              graded_weeks,
                                                              graded_weeks == 1 ? "" : "s")
                                                : "");
    }
  }
  for (const auto& f : r.files) std::cout << "  " << f << '\n';
  std::cout << "Fill in `grade` (and `note` if useful) in either file, then: qualbar review "
               "import FILE"
            << store_flag_hint(resolve_store_path(o.store, "")) << '\n';
  return 0;
}

int do_import(const ReviewOptions& o) {
  auto store = existing_store(o.store);
  const review::ImportSummary s =
      review::import_grades(*store, o.files, review::ImportOptions{o.import_run});
  std::cout << fmt::format("Imported {} grade{}", s.imported, s.imported == 1 ? "" : "s");
  if (!s.dimensions.empty()) std::cout << fmt::format(" on {}", fmt::join(s.dimensions, ", "));
  std::cout << ".\n";
  if (s.corrections > 0)
    std::cout << fmt::format(
        "  {} of them correct an earlier grade (the earlier one is kept in the "
        "history)\n",
        s.corrections);
  if (s.unchanged > 0)
    std::cout << fmt::format("  {} already stored with the same grade: not stored again\n",
                             s.unchanged);
  if (s.pending > 0)
    std::cout << fmt::format(
        "  {} line{} without a grade yet: skipped; import the file again when "
        "they are filled in\n",
        s.pending, s.pending == 1 ? "" : "s");
  std::cout << "See how far reviewers agree: qualbar review agreement; check the judge against "
               "them: qualbar judge-check\n";
  return 0;
}

int do_agreement(const ReviewOptions& o, bool color) {
  check_outputs(o.output, {"terminal", "json"});
  auto store = existing_store(o.store);
  const auto a = review::reviewer_agreement(*store, o.runs, 0.95);
  emit_outputs(o.output,
               {{"terminal", [&](bool c) { return review::agreement_terminal(a, c); }},
                {"json", [&](bool) { return review::agreement_json(a); }}},
               color);
  return 0;
}

const CommandRegistrar review_command_registrar{CommandEntry{
    "review", 50, [](Command& sub, const Globals& g) -> std::function<int()> {
      sub.description(
          "Human grading. `export` hands answers to reviewers blind (two per item by default), "
          "`import` takes their grades back, `agreement` shows how far they agree and which items "
          "need an adjudicator; `queue` opens answers for reviewers to grade in the browser "
          "(qualbar serve).");
      sub.require_subcommand(1);
      auto o = std::make_shared<ReviewOptions>();
      const auto store_option = [&](Command* app) {
        add_store_option(*app, o->store);
      };

      Command* exp = sub.add_subcommand(
          "export",
          "Pick answers of a stored run (or of two runs, to compare them) and write one file per "
          "reviewer, in JSONL and CSV: shuffled per reviewer, without the model, the run or other "
          "reviewers' grades. Cases with a failed call, and cases already graded enough, are left "
          "out.");
      exp->add_option("--run", o->exp.runs,
                      "Run to take answers from (id, prefix, 'latest' or 'latest~N'); give it twice to grade "
                      "the answers of two runs to the same cases")
          ->default_str("latest");
      exp->add_option("--dimension", o->exp.dimensions,
                      "Dimension to grade (repeatable; default: every dimension the judge grades)");
      exp->add_option("--sample", o->sample,
                      "Cases to pick, by a seeded draw (0 = all). Default: 200 of a run; every "
                      "record of each closed week of a monitor (on a monitor, N is per week)");
      exp->add_option("--week", o->exp.weeks,
                      "A monitor's closed week to hand out, e.g. 2026-W07 (repeatable; default: "
                      "every closed week whose sample still lacks its grades)");
      exp->add_option("--weeks", o->exp.last_weeks,
                      "A monitor's N most recent closed weeks only");
      exp->add_option("--reviewers", o->reviewers,
                      "Reviewer names, comma-separated, or how many (named reviewer-1, -2, ...)")
          ->default_val("reviewer-1,reviewer-2");
      exp->add_option("--per-item", o->exp.per_item, "Reviewers who grade each item")
          ->default_val(2);
      exp->add_option("--seed", o->exp.seed, "Seed of the draw and of each reviewer's order")
          ->default_val(1);
      add_dir_option(*exp, o->exp.out_dir)->required();
      exp->add_flag("--adjudicate", o->exp.adjudicate,
                    "Instead, write the items reviewers disagree on, with their grades shown, to "
                    "FOLDER/adjudication.jsonl and .csv for an adjudicator");
      exp->add_option("--adjudicator", o->exp.adjudicator, "The adjudicator's name")
          ->default_val("adjudicator");
      store_option(exp);

      Command* imp = sub.add_subcommand(
          "import",
          "Read grade files (JSONL in the grades format, or CSV with the same columns) and store "
          "every grade, with its grader and time. All lines are checked first: an unknown id, a "
          "grade off the scale or a grade given twice stops the import and nothing is stored. A "
          "changed grade is stored as a correction; the earlier one stays in the history.");
      imp->add_option("files", o->files, "Grade files (.jsonl, or .csv)")->required();
      imp->add_option("--run", o->import_run,
                      "Let `id` be a case id of this run (grades made without `review export`)");
      store_option(imp);

      Command* agr = sub.add_subcommand(
          "agreement",
          "How far reviewers agree, per dimension: percent agreement, Cohen's kappa for each pair "
          "of reviewers (weighted on a 1–5 scale) with its interval, Krippendorff's alpha, and the "
          "items they disagree on.");
      agr->add_option("--run", o->runs, "Only grades of these runs (default: all)");
      add_output_options(*agr, o->output, "terminal or json");
      store_option(agr);

      const std::function<int()> run_queue = add_review_queue_commands(sub);

      return [o, &g, exp, imp, agr, run_queue]() -> int {
        if (const int rc = run_queue(); rc >= 0) return rc;
        if (exp->parsed()) return do_export(*o);
        if (imp->parsed()) return do_import(*o);
        if (agr->parsed()) return do_agreement(*o, !g.no_color && stdout_wants_color());
        return 2;
      };
    }}};

}  // namespace
}  // namespace qb::cli
