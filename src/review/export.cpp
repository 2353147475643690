// qualbar review export: responses picked from one run (or two, for a comparison) and handed to
// reviewers blind. Each reviewer gets one file in JSONL and in CSV, in an order of their own,
// with nothing that names the model or the run and nobody else's grades. The files are in the
// grades format with `grade` empty, so a filled-in file is imported as it is.
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include "qualbar/core/error.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/stats/random.hpp"
#include "qualbar/util/files.hpp"
#include "review/csv.hpp"

namespace qb::review {

std::size_t RunData::case_index(const std::string& case_id) const {
  if (index_.size() != dataset.cases.size()) {
    index_.clear();
    for (std::size_t i = 0; i < dataset.cases.size(); ++i) index_.emplace(dataset.cases[i].id, i);
  }
  const auto it = index_.find(case_id);
  return it == index_.end() ? std::string::npos : it->second;
}

std::string rubric_of(const DimensionSpec& d) {
  if (const ConfigNode& rubric = d.args["rubric"]; rubric.is_scalar()) return rubric.scalar();
  if (!d.description.empty()) return d.description;
  return fmt::format("Does the answer meet the bar for '{}'?", d.name);
}

RunData load_run_data(Store& store, const std::string& id, bool with_cases) {
  RunData d;
  d.stored = with_cases ? store.runs().load_run(id) : store.runs().load_summary(id);
  const std::string where = fmt::format("run {} (suite {})", d.stored.info.id, d.stored.suite_file);
  const std::filesystem::path dir = std::filesystem::path(d.stored.suite_file).parent_path();
  d.suite = read_suite(d.stored.suite_text, d.stored.suite_file, dir.empty() ? "." : dir);
  if (!with_cases) return d;
  parse_case_lines(d.stored.case_lines, where, d.dataset, d.suite.limits);
  bind_cases(d.dataset);
  // A monitor's cases are production records: people grade them, no scorer did.
  if (d.stored.info.status == RunStatus::monitor) {
    d.stored.scores = ScoreTable(d.stored.case_lines.size(), d.stored.dimensions.size());
    for (std::size_t i = 0; i < d.stored.case_lines.size(); ++i)
      for (std::size_t k = 0; k < d.stored.dimensions.size(); ++k)
        d.stored.scores.set(i, k, Score::not_applicable("a production record: graded by people"));
  }
  return d;
}

namespace {

const std::vector<std::string> kCsvColumns = {"id",        "dimension", "scale",  "rubric",
                                              "category",  "input",     "contexts", "reference",
                                              "output",    "grader",    "kind",   "grade",
                                              "note"};

std::string contexts_text(const Case& c) {
  std::string out;
  for (const auto& x : c.details().contexts)
    out += fmt::format("{}[{}] {}", out.empty() ? "" : "\n", x.id, x.text);
  return out;
}

// One line of a reviewer's file, as JSON; the CSV row is the same fields.
nlohmann::json item_record(const ReviewItem& item, const Case& c, const std::string& output,
                           const DimensionSpec& d, const std::string& grader, GradeKind kind) {
  nlohmann::json j;
  j["id"] = item.id;
  j["dimension"] = d.name;
  j["scale"] = scale_of(d).describe();
  j["rubric"] = rubric_of(d);
  if (!c.category.empty()) j["category"] = c.category;
  if (c.details().messages.empty()) {
    j["input"] = c.input;
  } else {
    j["input"] = nlohmann::json::array();
    for (const auto& m : c.details().messages)
      j["input"].push_back({{"role", m.role}, {"content", m.content}});
  }
  if (!c.details().contexts.empty()) {
    j["contexts"] = nlohmann::json::array();
    for (const auto& x : c.details().contexts)
      j["contexts"].push_back({{"id", x.id}, {"text", x.text}});
  }
  // The reference answer when the case has one; else a blank a reviewer may fill in (production
  // records have none: a reviewer's reference makes the record a test case, see monitor
  // export-cases).
  j["reference"] = c.reference.value_or("");
  j["output"] = output;
  j["grader"] = grader;
  j["kind"] = std::string(to_string(kind));
  j["grade"] = nullptr;
  j["note"] = "";
  return j;
}

std::vector<std::string> csv_row(const nlohmann::json& j, const Case& c) {
  std::vector<std::string> row;
  for (const auto& col : kCsvColumns) {
    if (col == "input") {
      row.push_back(input_text(c));
    } else if (col == "contexts") {
      row.push_back(contexts_text(c));
    } else if (!j.contains(col) || j[col].is_null()) {
      row.emplace_back();
    } else {
      row.push_back(j[col].is_string() ? j[col].get<std::string>() : j[col].dump());
    }
  }
  return row;
}

void check_name(const std::string& who, const char* flag) {
  const bool ok = !who.empty() && std::all_of(who.begin(), who.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  }) && who.front() != '.';
  if (!ok)
    throw InputError(fmt::format("{} '{}': use letters, digits, '-', '_' and '.' only (it names "
                                 "a file)",
                                 flag, who));
}

std::vector<const DimensionSpec*> pick_dimensions(const RunData& run,
                                                  const std::vector<std::string>& names) {
  std::vector<const DimensionSpec*> out;
  if (names.empty()) {
    for (const auto& d : run.suite.dimensions)
      if (uses_judge(d)) out.push_back(&d);
    if (out.empty()) {
      throw InputError(fmt::format(
          "run {}: no dimension of suite '{}' is graded by a judge; name the dimensions people "
          "should grade with --dimension",
          run.stored.info.id, run.suite.name));
    }
    return out;
  }
  for (const auto& n : names) {
    const DimensionSpec* d = run.suite.find_dimension(n);
    const bool gradable = d && !d->builtin && d->scorer != "latency" && d->scorer != "cost" &&
                          d->scorer != "ttft" && d->scorer != "tokens";
    if (!gradable) {
      std::string known;
      for (const auto& x : run.suite.dimensions)
        if (!x.builtin) known += (known.empty() ? "" : ", ") + x.name;
      throw InputError(fmt::format("--dimension '{}': not a dimension people can grade in run {} "
                                   "(its dimensions: {})",
                                   n, run.stored.info.id, known));
    }
    out.push_back(d);
  }
  return out;
}

// Existing files are never overwritten: a reviewer's half-filled file may be one of them.
void check_targets(const std::vector<std::string>& paths) {
  for (const auto& p : paths) {
    if (std::filesystem::exists(p))
      throw InputError(fmt::format("'{}' already exists; nothing was written (choose another "
                                   "--out folder, or move the file away)",
                                   p));
  }
}

std::string batch_id() {
  std::string id = new_run_id();  // r-YYYYMMDD-HHMMSS-xxxx
  id[0] = 'b';
  return id;
}

// A deterministic order of the cases: by a hash of the seed and the case id.
std::vector<std::size_t> seeded_order(const std::vector<std::size_t>& indices, const RunData& run,
                                      std::uint64_t seed) {
  std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
  for (const std::size_t i : indices) {
    const std::string& id = run.dataset.cases[i].id;
    keyed.emplace_back(XXH3_64bits_withSeed(id.data(), id.size(), seed), i);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::size_t> out;
  for (const auto& k : keyed) out.push_back(k.second);
  return out;
}

// The weeks of a monitor's sampled records (the weeks it hands out are closed ones), by id.
std::map<std::string, std::string, std::less<>> weeks_of(Store& store, const std::string& monitor) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& row : store.monitor().samples(monitor)) out.emplace(row.id, row.week);
  return out;
}

// The cases to hand out, in a seeded order: of a run, the first `sample` (200 unless given); of a
// monitor, per closed week (those asked for), the first `sample` of each (all unless given), so
// that every week gets its graded quota and none is thinned to feed another.
std::vector<std::size_t> choose(Store& store, const ExportRequest& rq, const RunData& run,
                                const std::vector<std::size_t>& candidates, ExportResult& out) {
  const bool monitor = run.stored.info.status == RunStatus::monitor;
  if (!monitor) {
    if (!rq.weeks.empty() || rq.last_weeks > 0)
      throw InputError(fmt::format("--week and --weeks choose weeks of a monitor's sample; run {} "
                                   "is not a monitor (its id starts with m-)",
                                   run.stored.info.id));
    std::vector<std::size_t> chosen = seeded_order(candidates, run, rq.seed);
    const std::size_t sample = rq.sample.value_or(200);
    if (sample > 0 && chosen.size() > sample) chosen.resize(sample);
    return chosen;
  }
  const auto week_of = weeks_of(store, run.stored.info.id);
  std::map<std::string, std::vector<std::size_t>> by_week;  // oldest first
  for (std::size_t i = 0; i < run.dataset.cases.size(); ++i) {
    const auto it = week_of.find(run.dataset.cases[i].id);
    if (it != week_of.end()) by_week[it->second];  // every closed week, graded or not
  }
  for (const std::size_t i : candidates) {
    const auto it = week_of.find(run.dataset.cases[i].id);
    if (it != week_of.end()) by_week[it->second].push_back(i);
  }
  std::set<std::string> wanted(rq.weeks.begin(), rq.weeks.end());
  for (const auto& w : wanted) {
    if (!by_week.contains(w)) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : by_week) names.push_back(name);
      throw InputError(fmt::format("--week {}: not a closed week of monitor {}; its closed weeks "
                                   "are {}",
                                   w, run.stored.info.id,
                                   names.empty() ? "none yet" : fmt::to_string(fmt::join(names, ", "))));
    }
  }
  if (rq.last_weeks > 0) {
    std::size_t skip = by_week.size() > rq.last_weeks ? by_week.size() - rq.last_weeks : 0;
    for (const auto& [name, unused] : by_week) {
      if (skip > 0) {
        --skip;
      } else {
        wanted.insert(name);
      }
    }
  }
  std::vector<std::size_t> chosen;
  for (const auto& [week, cases] : by_week) {
    if (!wanted.empty() && !wanted.contains(week)) continue;
    std::vector<std::size_t> picked = seeded_order(cases, run, rq.seed);
    const std::size_t sample = rq.sample.value_or(0);
    if (sample > 0 && picked.size() > sample) picked.resize(sample);
    out.weeks.emplace_back(week, picked.size());
    chosen.insert(chosen.end(), picked.begin(), picked.end());
  }
  return chosen;
}

struct Entry {
  ReviewItem item;
  const RunData* run = nullptr;
  std::size_t index = 0;  // case index in run
};

void write_reviewer_files(const std::string& base, const std::vector<nlohmann::json>& records,
                          const std::vector<const Case*>& cases, ExportResult& out) {
  std::string jsonl;
  std::vector<std::vector<std::string>> rows{kCsvColumns};
  for (std::size_t i = 0; i < records.size(); ++i) {
    jsonl += records[i].dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    rows.push_back(csv_row(records[i], *cases[i]));
  }
  write_file_atomic(base + ".jsonl", jsonl);
  // Every cell a spreadsheet would run as a formula is defused, the reference and the
  // reviewers' notes too (the import undoes it for the columns a reviewer writes).
  write_file_atomic(base + ".csv", write_csv(rows));
  out.files.push_back(base + ".jsonl");
  out.files.push_back(base + ".csv");
}

ExportResult export_adjudication(Store& store, const ExportRequest& rq,
                                 const std::vector<RunData>& runs) {
  check_name(rq.adjudicator, "--adjudicator");
  std::vector<Grade> grades;
  for (const auto& r : runs) {
    auto g = store.review().grades(r.stored.info.id);
    grades.insert(grades.end(), g.begin(), g.end());
  }
  std::sort(grades.begin(), grades.end(), [](const Grade& a, const Grade& b) { return a.seq < b.seq; });
  std::map<std::string, std::string> notes;  // item \n dimension \n reviewer → note
  std::map<std::string, const Grade*> item_of;
  for (const auto& g : grades) {
    if (g.kind == GradeKind::human && !g.note.empty())
      notes[g.item + "\n" + g.dimension + "\n" + g.grader] = g.note;
    item_of[g.item] = &g;
  }
  const GradeBook book = fold_grades(grades);
  std::vector<nlohmann::json> records;
  std::vector<const Case*> cases;
  std::set<std::string> wanted(rq.dimensions.begin(), rq.dimensions.end());
  for (const auto& [key, ig] : book) {
    if (!ig.disagreement() || (!wanted.empty() && !wanted.contains(key.second))) continue;
    const Grade* g = item_of[key.first];
    const RunData* run = nullptr;
    for (const auto& r : runs)
      if (r.stored.info.id == g->run_id) run = &r;
    const std::size_t i = run ? run->case_index(g->case_id) : std::string::npos;
    const DimensionSpec* d = run ? run->suite.find_dimension(key.second) : nullptr;
    if (i == std::string::npos || d == nullptr) continue;
    nlohmann::json j = item_record({key.first, g->run_id, g->case_id}, run->dataset.cases[i],
                                   run->stored.responses[i].output, *d, rq.adjudicator,
                                   GradeKind::adjudicated);
    nlohmann::json given = nlohmann::json::object(), why = nlohmann::json::object();
    for (const auto& [who, grade] : ig.human) {
      given[who] = grade;
      const auto n = notes.find(key.first + "\n" + key.second + "\n" + who);
      if (n != notes.end()) why[who] = n->second;
    }
    j["reviewer_grades"] = given;
    if (!why.empty()) j["reviewer_notes"] = why;
    records.push_back(std::move(j));
    cases.push_back(&run->dataset.cases[i]);
  }
  ExportResult out;
  out.items = records.size();
  if (records.empty()) return out;
  const std::string base = (std::filesystem::path(rq.out_dir) / "adjudication").string();
  check_targets({base + ".jsonl", base + ".csv"});
  std::filesystem::create_directories(rq.out_dir);
  // In CSV the reviewers' grades go into the note column's neighbour: the rubric stays readable.
  for (auto& r : records) {
    std::string shown;
    for (const auto& [who, grade] : r["reviewer_grades"].items())
      shown += fmt::format("{}{}={}", shown.empty() ? "" : "; ", who, grade.dump());
    r["scale"] = r["scale"].get<std::string>() + " — reviewers gave: " + shown;
  }
  write_reviewer_files(base, records, cases, out);
  return out;
}

}  // namespace

ReviewPlan plan_review(Store& store, const ExportRequest& rq) {
  if (rq.runs.empty() || rq.runs.size() > 2)
    throw InputError("review takes one run, or two runs to compare (--run A --run B)");
  if (rq.per_item == 0) throw InputError("--per-item must be at least 1");
  ReviewPlan plan;
  for (const auto& id : rq.runs) plan.runs.push_back(load_run_data(store, id));
  auto& runs = plan.runs;
  if (runs.size() == 2 && runs[0].stored.info.id == runs[1].stored.info.id)
    throw InputError("the two runs to compare are the same run");
  for (const auto* d : pick_dimensions(runs[0], rq.dimensions)) {
    if (runs.size() == 2 && !runs[1].suite.find_dimension(d->name))
      throw InputError(fmt::format("dimension '{}' is not in run {}", d->name,
                                   runs[1].stored.info.id));
    plan.dimensions.push_back(d->name);
  }

  if (rq.pairwise && runs.size() != 2)
    throw InputError("a pairwise review compares two runs' answers (--run A --run B)");
  if (rq.pairwise && (runs[0].stored.info.status == RunStatus::monitor ||
                      runs[1].stored.info.status == RunStatus::monitor))
    throw InputError("a pairwise review compares two runs' answers to the same cases; a "
                     "monitor's records are graded one answer at a time");

  // Human grades already given, to leave out cases that have enough: each answer's, or of pairs
  // the pair's.
  std::vector<Grade> grades;
  if (rq.pairwise) {
    grades = store.review().pair_grades(runs[0].stored.info.id);
  } else {
    for (const auto& r : runs) {
      auto g = store.review().grades(r.stored.info.id);
      grades.insert(grades.end(), g.begin(), g.end());
    }
  }
  const GradeBook book = fold_grades(grades);
  const auto graded_enough = [&](const std::string& item) {
    for (const auto& d : plan.dimensions) {
      const auto it = book.find({item, d});
      if (it == book.end() || it->second.human.size() < rq.per_item) return false;
    }
    return true;
  };

  ExportResult& out = plan.counts;
  std::vector<std::size_t> candidates;  // case indices of runs[0]
  for (std::size_t i = 0; i < runs[0].dataset.cases.size(); ++i) {
    const std::string& id = runs[0].dataset.cases[i].id;
    bool ok = runs[0].stored.answered[i] && !runs[0].stored.responses[i].is_error();
    bool enough = graded_enough(
        rq.pairwise ? review_pair_id(runs[0].stored.info.id, runs[1].stored.info.id, id)
                    : review_item_id(runs[0].stored.info.id, id));
    if (runs.size() == 2) {
      const std::size_t j = runs[1].case_index(id);
      ok = ok && j != std::string::npos && runs[1].stored.answered[j] &&
           !runs[1].stored.responses[j].is_error();
      if (!rq.pairwise) enough = enough && graded_enough(review_item_id(runs[1].stored.info.id, id));
    }
    if (!ok) {
      ++out.skipped_errors;
    } else if (enough) {
      ++out.already_graded;
    } else {
      candidates.push_back(i);
    }
  }
  plan.chosen = choose(store, rq, runs[0], candidates, out);
  if (plan.chosen.empty()) {
    throw InputError(fmt::format("nothing to hand out: {} cases failed, {} already have {} grades "
                                 "on every dimension",
                                 out.skipped_errors, out.already_graded, rq.per_item));
  }
  return plan;
}

void freeze_handed_out_weeks(Store& store, const ReviewPlan& plan, const std::string& at) {
  if (plan.runs[0].stored.info.status != RunStatus::monitor || plan.counts.weeks.empty()) return;
  std::vector<std::string> weeks;
  for (const auto& [week, n] : plan.counts.weeks)
    if (n > 0) weeks.push_back(week);
  store.monitor().freeze_weeks(plan.runs[0].stored.info.id, weeks, at);
}

ExportResult export_for_review(Store& store, const ExportRequest& rq) {
  if (rq.out_dir.empty()) throw InputError("review export needs --dir FOLDER for the files");
  if (rq.adjudicate) {
    if (rq.runs.empty() || rq.runs.size() > 2)
      throw InputError("review export takes one run, or two runs to compare (--run A --run B)");
    std::vector<RunData> runs;
    for (const auto& id : rq.runs) runs.push_back(load_run_data(store, id));
    return export_adjudication(store, rq, runs);
  }
  if (rq.per_item > 0 && rq.reviewers.size() < rq.per_item) {
    throw InputError(fmt::format("--per-item {} needs at least {} reviewers (--reviewers gives {})",
                                 rq.per_item, rq.per_item, rq.reviewers.size()));
  }
  std::set<std::string> seen;
  for (const auto& r : rq.reviewers) {
    check_name(r, "--reviewers");
    if (!seen.insert(r).second) throw InputError(fmt::format("--reviewers names '{}' twice", r));
  }
  ReviewPlan plan = plan_review(store, rq);
  const auto& runs = plan.runs;
  const auto& chosen = plan.chosen;
  ExportResult out = plan.counts;
  std::vector<const DimensionSpec*> dims;
  for (const auto& d : plan.dimensions) dims.push_back(runs[0].suite.find_dimension(d));

  std::vector<std::string> targets;
  for (const auto& r : rq.reviewers)
    for (const char* ext : {".jsonl", ".csv"})
      targets.push_back((std::filesystem::path(rq.out_dir) / (r + ext)).string());
  check_targets(targets);

  ReviewBatch batch;
  batch.id = batch_id();
  batch.created_at = now_rfc3339();
  batch.source = runs.size() == 1 ? "run " + runs[0].stored.info.id
                                  : "comparison " + runs[0].stored.info.id + " " +
                                        runs[1].stored.info.id;
  // Each case goes to per_item reviewers in turn, so the load is even; in a comparison both
  // answers to a case go to the same reviewers.
  std::vector<std::vector<Entry>> by_reviewer(rq.reviewers.size());
  for (std::size_t k = 0; k < chosen.size(); ++k) {
    const std::string& case_id = runs[0].dataset.cases[chosen[k]].id;
    for (const auto& run : runs) {
      Entry e{{review_item_id(run.stored.info.id, case_id), run.stored.info.id, case_id},
              &run,
              run.case_index(case_id)};
      batch.items.push_back(e.item);
      for (std::size_t j = 0; j < rq.per_item; ++j)
        by_reviewer[(k + j) % rq.reviewers.size()].push_back(e);
    }
  }
  std::filesystem::create_directories(rq.out_dir);
  for (std::size_t r = 0; r < rq.reviewers.size(); ++r) {
    auto& mine = by_reviewer[r];
    // An order of the reviewer's own (Fisher–Yates on a stream of their name).
    const std::string& who = rq.reviewers[r];
    stats::Rng rng(rq.seed, XXH3_64bits(who.data(), who.size()));
    for (std::size_t i = mine.size(); i > 1; --i) std::swap(mine[i - 1], mine[rng.below(i)]);
    std::vector<nlohmann::json> records;
    std::vector<const Case*> cases;
    for (std::size_t p = 0; p < mine.size(); ++p) {
      const Entry& e = mine[p];
      const Case& c = e.run->dataset.cases[e.index];
      for (const auto* d : dims) {
        records.push_back(item_record(e.item, c, e.run->stored.responses[e.index].output,
                                      *e.run->suite.find_dimension(d->name), who,
                                      GradeKind::human));
        cases.push_back(&c);
        batch.assignments.push_back({e.item.id, d->name, who, records.size()});
      }
    }
    write_reviewer_files((std::filesystem::path(rq.out_dir) / who).string(), records, cases, out);
  }
  // The batch and, on a monitor, its weeks frozen land together: what reviewers were handed
  // stays what it is, a late record no longer changes these weeks' sample (docs/monitor.md,
  // "Sampling").
  const auto unit = store.begin();
  store.review().save_batch(batch);
  freeze_handed_out_weeks(store, plan, batch.created_at);
  unit->commit();
  out.batch_id = batch.id;
  out.items = batch.items.size();
  return out;
}

}  // namespace qb::review
