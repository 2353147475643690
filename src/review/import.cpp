// qualbar review import: grades from files (JSONL in the grades format, or CSV with the same
// columns) into the store. Every line is checked before anything is stored; one bad line and
// nothing is. Grades are appended: a reviewer's changed grade is a new record, and the same grade
// imported twice is stored once.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include <fmt/format.h>

#include "io/jsonl.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/review/review.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/util/time.hpp"
#include "review/csv.hpp"

namespace qb::review {
namespace {

constexpr std::size_t kMaxListed = 20;

// One line as read, before it is checked against the store.
struct Line {
  std::string where;  // "file:line"
  std::string file;
  int line = 0;
  std::string id, dimension, grader, kind, note, graded_at, reference;
  std::optional<double> grade;  // nullopt: not graded yet
};

class Problems {
 public:
  void add(const Line& l, const std::string& field, const std::string& message) {
    if (list_.size() < kMaxListed)
      list_.push_back(fmt::format("{}: field '{}': {}", l.where, field, message));
    ++count_;
  }
  [[nodiscard]] bool any() const { return count_ > 0; }
  [[noreturn]] void raise() const {
    std::string msg = fmt::format("{} bad grade{}; nothing was imported:", count_,
                                  count_ == 1 ? "" : "s");
    for (const auto& p : list_) msg += "\n  " + p;
    if (count_ > list_.size()) msg += fmt::format("\n  … and {} more", count_ - list_.size());
    throw InputError(msg);
  }

 private:
  std::vector<std::string> list_;
  std::size_t count_ = 0;
};

void read_jsonl(const std::string& file, std::vector<Line>& out) {
  const auto text = detail::PaddedText::load(file);
  detail::for_each_jsonl_object(text, file, [&](detail::JsonObject o, std::string_view, int n) {
    Line l;
    l.file = file;
    l.line = n;
    l.where = fmt::format("{}:{}", file, n);
    const auto str = [&](const char* key, std::string& into) {
      detail::JsonValue v;
      if (o[key].get(v) == simdjson::SUCCESS && !v.is_null())
        into = detail::get_string(v, file, n, key);
    };
    str("id", l.id);
    str("dimension", l.dimension);
    str("grader", l.grader);
    str("kind", l.kind);
    str("note", l.note);
    str("graded_at", l.graded_at);
    str("reference", l.reference);
    detail::JsonValue g;
    if (o["grade"].get(g) != simdjson::SUCCESS) {
      detail::field_error(file, n, "grade",
                          "is missing: give the grade (0 or 1, or a point on the scale), or null "
                          "while it is not graded yet");
    }
    if (!g.is_null()) l.grade = detail::get_number(g, file, n, "grade");
    out.push_back(std::move(l));
  });
}

void read_csv_file(const std::string& file, std::vector<Line>& out) {
  const std::string text = read_file(file);
  const std::vector<CsvRecord> records = read_csv(text, file);
  if (records.empty()) return;
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < records[0].fields.size(); ++i) col[records[0].fields[i]] = i;
  for (const char* need : {"id", "dimension", "grader", "grade"}) {
    if (!col.contains(need)) {
      throw InputError(fmt::format("{}:{}: the header has no '{}' column (it needs id, dimension, "
                                   "grader and grade; kind, note and graded_at are optional)",
                                   file, records[0].line, need));
    }
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    Line l;
    l.file = file;
    l.line = rec.line;
    l.where = fmt::format("{}:{}", file, rec.line);
    const auto get = [&](const char* key) -> std::string {
      const auto it = col.find(key);
      return it != col.end() && it->second < rec.fields.size() ? rec.fields[it->second] : "";
    };
    l.id = get("id");
    l.dimension = get("dimension");
    l.grader = get("grader");
    l.kind = get("kind");
    l.note = undefuse(get("note"));
    l.graded_at = get("graded_at");
    l.reference = undefuse(get("reference"));
    const std::string g = get("grade");
    if (!g.empty()) {
      double v = 0;
      const auto [end, ec] = std::from_chars(g.data(), g.data() + g.size(), v);
      if (ec != std::errc() || end != g.data() + g.size()) {
        throw InputError(fmt::format("{}: field 'grade': '{}' is not a number (0 or 1, or a point "
                                     "on the scale; leave it empty while not graded)",
                                     l.where, excerpt(g, 40)));
      }
      l.grade = v;
    }
    out.push_back(std::move(l));
  }
}

std::string grade_key(const std::string& item, const std::string& dim, const std::string& grader,
                      GradeKind kind) {
  return fmt::format("{}\n{}\n{}\n{}", item, dim, grader, to_string(kind));
}

}  // namespace

ImportSummary import_grades(Store& store, const std::vector<std::string>& files,
                            const ImportOptions& options) {
  if (files.empty()) throw InputError("review import needs at least one grades file");
  std::vector<Line> lines;
  for (const auto& f : files) {
    if (f.ends_with(".csv") || f.ends_with(".CSV"))
      read_csv_file(f, lines);
    else
      read_jsonl(f, lines);
  }

  ImportSummary summary;
  std::vector<std::string> ids;
  for (const auto& l : lines) ids.push_back(l.id);
  const std::map<std::string, ReviewItem> known = store.review().items(ids);

  std::map<std::string, RunData> runs;  // by run id, loaded once
  const auto run_of = [&](const std::string& id) -> RunData& {
    auto it = runs.find(id);
    if (it == runs.end()) it = runs.emplace(id, load_run_data(store, id)).first;
    return it->second;
  };
  std::optional<std::string> grade_run;  // --run, resolved
  if (!options.run.empty()) grade_run = run_of(store.runs().resolve_run_id(options.run)).stored.info.id;

  Problems problems;
  std::map<std::string, ReviewItem> new_items;
  std::map<std::string, std::string> first_line;  // grade key → where
  std::vector<Grade> grades;
  const std::string now = now_rfc3339();
  for (const auto& l : lines) {
    if (!l.grade) {
      ++summary.pending;
      continue;
    }
    if (l.id.empty()) {
      problems.add(l, "id", "is missing: the item id from the review file");
      continue;
    }
    ReviewItem item;
    if (const auto it = known.find(l.id); it != known.end()) {
      item = it->second;
    } else if (grade_run && run_of(*grade_run).case_index(l.id) != std::string::npos) {
      item = {review_item_id(*grade_run, l.id), *grade_run, l.id};
      new_items.emplace(item.id, item);
    } else {
      problems.add(l, "id",
                   grade_run ? fmt::format("'{}' is neither a review item nor a case of run {}",
                                           excerpt(l.id, 60), *grade_run)
                             : fmt::format("'{}' is not an item of any review export in this "
                                           "store; to grade a run's cases by their case ids, "
                                           "pass --run RUN",
                                           excerpt(l.id, 60)));
      continue;
    }
    const RunData& run = run_of(item.run_id);
    const DimensionSpec* d = run.suite.find_dimension(l.dimension);
    if (l.dimension.empty() || d == nullptr || d->builtin) {
      std::string names;
      for (const auto& x : run.suite.dimensions)
        if (!x.builtin) names += (names.empty() ? "" : ", ") + x.name;
      problems.add(l, "dimension",
                   l.dimension.empty() ? "is missing"
                                       : fmt::format("'{}' is not a dimension of the suite this "
                                                     "item was run with ({})",
                                                     excerpt(l.dimension, 60), names));
      continue;
    }
    const GradeScale scale = scale_of(*d);
    if (!scale.valid(*l.grade)) {
      problems.add(l, "grade",
                   fmt::format("{:g} is outside the scale of '{}': {}", *l.grade, d->name,
                               scale.describe()));
      continue;
    }
    if (l.grader.empty()) {
      problems.add(l, "grader", "is missing: who gave the grade (e.g. reviewer-1)");
      continue;
    }
    const auto kind = l.kind.empty() ? std::optional(GradeKind::human) : parse_grade_kind(l.kind);
    if (!kind) {
      problems.add(l, "kind",
                   fmt::format("'{}' is not one of human, judge, adjudicated", excerpt(l.kind, 30)));
      continue;
    }
    std::string graded_at = now;
    if (!l.graded_at.empty()) {
      graded_at = to_utc_rfc3339(l.graded_at);
      if (graded_at.empty()) {
        problems.add(l, "graded_at",
                     fmt::format("'{}' is not an RFC 3339 time such as 2026-11-20T10:00:00Z",
                                 excerpt(l.graded_at, 40)));
        continue;
      }
    }
    const std::string key = grade_key(item.id, d->name, l.grader, *kind);
    if (const auto [it, fresh] = first_line.emplace(key, l.where); !fresh) {
      problems.add(l, "grader",
                   fmt::format("a second grade by '{}' for item {} on '{}' (the first is at {}); "
                               "a correction goes in a later import",
                               l.grader, item.id, d->name, it->second));
      continue;
    }
    Grade g;
    g.item = item.id;
    g.run_id = item.run_id;
    g.case_id = item.case_id;
    g.dimension = d->name;
    g.grader = l.grader;
    g.kind = *kind;
    g.grade = *l.grade;
    g.note = l.note;
    // A reference that is the case's own (shown in the review file) is not the grader's.
    const std::size_t ci = run.case_index(item.case_id);
    const auto& own = ci == std::string::npos ? std::optional<std::string>() : run.dataset.cases[ci].reference;
    if (!l.reference.empty() && l.reference != own.value_or("")) g.reference = l.reference;
    g.graded_at = graded_at;
    g.source = l.where;
    grades.push_back(std::move(g));
  }
  if (problems.any()) problems.raise();

  // Against what is stored: the same grade again is not a new record; a changed one is.
  std::map<std::string, const Grade*> latest;
  std::vector<Grade> stored;
  for (const auto& [id, run] : runs) {
    auto g = store.review().grades(id);
    stored.insert(stored.end(), std::make_move_iterator(g.begin()), std::make_move_iterator(g.end()));
  }
  std::sort(stored.begin(), stored.end(), [](const Grade& a, const Grade& b) { return a.seq < b.seq; });
  for (const auto& g : stored) latest[grade_key(g.item, g.dimension, g.grader, g.kind)] = &g;
  std::vector<Grade> fresh;
  std::set<std::string> dims;
  for (auto& g : grades) {
    const auto it = latest.find(grade_key(g.item, g.dimension, g.grader, g.kind));
    if (it != latest.end() && it->second->grade == g.grade && it->second->note == g.note &&
        it->second->reference == g.reference) {
      ++summary.unchanged;
      continue;
    }
    if (it != latest.end()) ++summary.corrections;
    dims.insert(g.dimension);
    fresh.push_back(std::move(g));
  }
  std::vector<ReviewItem> items;
  for (auto& [id, item] : new_items) items.push_back(item);
  if (!fresh.empty()) store.review().append_grades(items, fresh);
  summary.imported = fresh.size();
  summary.dimensions.assign(dims.begin(), dims.end());
  return summary;
}

}  // namespace qb::review
