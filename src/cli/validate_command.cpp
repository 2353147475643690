// qualbar validate: check a suite, its datasets and its responses without running anything, and
// report every problem found (up to a limit), each at its file, line and field. Given a JSONL file
// instead of a suite, checks that file alone, as a dataset or a responses file.
#include <iostream>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/bind/bind.hpp"
#include "qualbar/metrics/suite_checks.hpp"
#include "qualbar/providers/chat_settings.hpp"
#include "qualbar/scorers/judge.hpp"
#include "qualbar/scorers/judge_settings.hpp"
#include "qualbar/util/id_index.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct ValidateOptions {
  std::string file;
  ProviderOptions provider;
  OutputOptions output;
};

// What validate found: the problems, what a run will need that validate does not (keys), and a
// summary of what was read.
struct Findings {
  Problems problems;
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> summary;  // label, value
};

// Runs one check; an InputError it throws is a problem, and the check's result is then empty.
template <class F>
auto attempt(Findings& f, F&& check) -> std::optional<decltype(check())> {
  try {
    return check();
  } catch (const InputError& e) {
    f.problems.add(e);
    return std::nullopt;
  }
}

// The recorded answers in the cases' order (empty where a case has none); answers for no case,
// and a second answer for one case, are problems at their lines.
std::vector<Response> pair_responses(const std::vector<Case>& cases, const ResponseLines& lines,
                                     const std::string& path, Findings& f) {
  IdIndex index;
  index.reserve(cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) index.try_emplace(cases[i].id, i);
  std::vector<Response> paired(cases.size());
  std::vector<int> line_of(cases.size(), 0);
  std::size_t unmatched = 0;
  for (std::size_t k = 0; k < lines.responses.size(); ++k) {
    const Response& r = lines.responses[k];
    const auto it = index.find(r.id);
    const Location at{path, lines.lines[k], 0, "id"};
    if (it == index.end()) {
      if (++unmatched <= 5) {
        f.problems.add(InputError(
            at, fmt::format("'{}' matches no case of the dataset, so this answer would be "
                            "ignored (a response's id is its case's id)",
                            display_text(r.id))));
      }
      continue;
    }
    if (line_of[it->second] != 0) {
      f.problems.add(InputError(at, fmt::format("a second response for case '{}' (the first is "
                                                "at line {})",
                                                display_text(r.id), line_of[it->second])));
      continue;
    }
    line_of[it->second] = lines.lines[k];
    paired[it->second] = r;
  }
  if (unmatched > 5)
    f.problems.add(InputError(Location{path, 0, 0, "id"},
                              fmt::format("{} more responses match no case", unmatched - 5)));
  std::size_t missing = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    if (line_of[i] != 0) continue;
    ++missing;
    paired[i].id = cases[i].id;
    paired[i].error = "no response";
  }
  if (missing > 0)
    f.notes.push_back(
        fmt::format("{} of {} cases have no response in {}: a run counts them as "
                    "errors (failed calls), never as passes",
                    missing, cases.size(), display_text(path)));
  return paired;
}

// "NAME (field)" of a key that is not set, as the note a user reads.
std::string needs_key(const std::string& key, const char* who) {
  return fmt::format(
      "a run needs {}, which is not set here: export it with {}'s API key before "
      "`qualbar run` (validate does not need it)",
      key, who);
}

// A judge that only replays recorded grades leaves the answers it has none for ungraded: said
// before a run, per judged dimension.
void note_unrecorded(const Suite& suite, const JudgeSettings& judge, const Dataset& dataset,
                     const std::vector<Response>& paired, Findings& f) {
  for (const auto& d : suite.dimensions) {
    if (!d.judged) continue;
    std::size_t answers = 0, missing = 0;
    for (std::size_t i = 0; i < paired.size() && i < dataset.cases.size(); ++i) {
      if (paired[i].is_error()) continue;
      ++answers;
      if (judge.recorded->find(d.name, dataset.cases[i].id, paired[i].output) == nullptr)
        ++missing;
    }
    if (missing > 0) {
      f.notes.push_back(fmt::format(
          "{} of {} answers have no recorded grade on '{}' in {}: a run leaves them ungraded "
          "(give judge.base_url to have the judge asked about them)",
          missing, answers, d.name, display_text(judge.recorded->file())));
    }
  }
}

Findings validate_suite(const ValidateOptions& o) {
  Findings f;
  const std::optional<Suite> loaded = attempt(f, [&] { return load_suite(o.file); });
  if (!loaded) return f;  // nothing else can be read without the suite
  const Suite& suite = *loaded;
  const bool monitor_only = suite.datasets.empty();
  Dataset dataset;
  if (!monitor_only)
    dataset = load_cases(suite.datasets, /*keep_lines=*/false, suite.limits, &f.problems);
  // With lines of the dataset unread, what depends on every case (answers matching no case, a
  // slice no case has) would be said wrongly: those checks wait for a dataset that reads.
  const bool dataset_read = f.problems.count() == 0;
  ProviderOptions provider = o.provider;
  provider.keys_needed = false;
  // The provider's own settings and what they ask of the cases (a replay provider's responses
  // are paired below).
  if (!monitor_only && suite.system.provider != "replay") {
    attempt(f, [&] {
      auto made = provider_registry().get(suite.system.provider).make(suite, provider);
      made->check(dataset.cases);
      for (const auto& k : made->missing_keys()) f.notes.push_back(needs_key(k, "the system"));
      return 0;
    });
  }
  std::optional<JudgeSettings> judge;
  if (suite.judge.is_map()) {
    judge = attempt(f, [&] { return judge_settings(suite, /*keys_needed=*/false); });
    if (judge)
      for (const auto& k : judge->chat.missing_keys) f.notes.push_back(needs_key(k, "the judge"));
  }
  const std::string responses_path =
      o.provider.responses.empty() ? suite.system.responses : o.provider.responses;
  std::vector<Response> paired;
  std::string responses_summary;
  if (!monitor_only && suite.system.provider == "replay" && !responses_path.empty()) {
    const auto lines =
        attempt(f, [&] { return load_response_lines(responses_path, suite.limits, &f.problems); });
    if (lines) {
      std::size_t errors = 0;
      for (const auto& r : lines->responses) errors += r.is_error() ? 1 : 0;
      responses_summary = fmt::format("{} in {} ({} marked as errors)", lines->responses.size(),
                                      display_text(responses_path), errors);
    }
    if (lines && dataset_read) {
      paired = pair_responses(dataset.cases, *lines, responses_path, f);
    }
  }
  if (dataset_read) check_suite_fits_data(suite, CheckedData{dataset.cases, paired}, f.problems);
  if (judge && judge->recorded_only && !paired.empty()) note_unrecorded(suite, *judge, dataset, paired, f);

  std::size_t n_bars = 0;
  for (const auto& [_, b] : suite.bars) n_bars += b.overall.size() + b.per_slice.size();
  std::vector<std::string> dims, slices;
  for (const auto& d : suite.dimensions) dims.push_back(d.name);
  for (const auto& s : suite.slices) slices.push_back(s.name());
  f.summary.emplace_back("suite", fmt::format("{} (schema {}, hash {})", display_text(suite.name),
                                              suite.schema_version, suite.hash));
  f.summary.emplace_back(
      "cases", monitor_only ? "none: a monitor-only suite (production records come in through "
                              "`qualbar monitor ingest`)"
                            : fmt::format("{} in {} dataset file(s)", dataset.cases.size(),
                                          suite.datasets.size()));
  f.summary.emplace_back("dimensions", fmt::format("{}", fmt::join(dims, ", ")));
  f.summary.emplace_back("slices", fmt::format("{}", fmt::join(slices, ", ")));
  f.summary.emplace_back("bars", fmt::format("{} limit(s), {} critical slice(s)", n_bars,
                                             suite.critical_slices.size()));
  if (!responses_summary.empty()) f.summary.emplace_back("responses", responses_summary);
  if (judge) {
    f.summary.emplace_back(
        "judge", judge->recorded_only
                     ? fmt::format("{}: {} recorded grade(s) in {}; nothing is sent",
                                   display_text(judge->chat.model), judge->recorded->size(),
                                   display_text(judge->recorded->file()))
                     : fmt::format("{} at {}{}", display_text(judge->chat.model),
                                   display_text(judge->chat.endpoint.base_url),
                                   judge->recorded ? fmt::format(", after {} recorded grade(s)",
                                                                 judge->recorded->size())
                                                   : std::string()));
  }
  return f;
}

// A JSONL file by itself: a dataset when its first object has an input, else responses.
Findings validate_data_file(const ValidateOptions& o) {
  Findings f;
  std::string first;
  {
    std::istringstream text(attempt(f, [&] { return read_file(o.file); }).value_or(""));
    for (std::string line; std::getline(text, line);) {
      if (line.find_first_not_of(" \t\r") != std::string::npos) {
        first = line;
        break;
      }
    }
  }
  if (!f.problems.found.empty()) return f;
  const auto j = nlohmann::json::parse(first, nullptr, false);
  const bool responses =
      j.is_object() && !j.contains("input") && (j.contains("output") || j.contains("error"));
  if (responses) {
    const auto lines = attempt(f, [&] { return load_response_lines(o.file, {}, &f.problems); });
    if (lines) {
      IdIndex seen;
      for (std::size_t k = 0; k < lines->responses.size(); ++k) {
        const auto [it, fresh] = seen.try_emplace(lines->responses[k].id, k);
        if (!fresh)
          f.problems.add(InputError(
              Location{o.file, lines->lines[k], 0, "id"},
              fmt::format("a second response for case '{}' (the first is at line {})",
                          display_text(lines->responses[k].id), lines->lines[it->second])));
      }
      f.summary.emplace_back("responses", fmt::format("{}", lines->responses.size()));
      f.notes.push_back("checked as a responses file (its first line has an output and no input)");
    }
  } else {
    const Dataset d = load_cases({o.file}, /*keep_lines=*/false, {}, &f.problems);
    f.summary.emplace_back("cases", fmt::format("{}", d.cases.size()));
    f.notes.push_back("checked as a dataset (cases); a suite checks it against its dimensions");
  }
  return f;
}

bool is_data_file(const std::string& path) {
  for (const char* ext : {".jsonl", ".ndjson", ".json", ".csv", ".JSONL", ".JSON", ".CSV"})
    if (path.ends_with(ext)) return true;
  return false;
}

// A valid file's summary, on stdout.
std::string terminal(const std::string& file, const Findings& f) {
  std::string out = fmt::format("{} is valid.\n", display_text(file));
  for (const auto& [label, value] : f.summary) out += fmt::format("  {:<11} {}\n", label, value);
  for (const auto& note : f.notes) out += fmt::format("  note: {}\n", display_text(note));
  return out;
}

// The problems, on stderr: one error line each, as every command prints an error.
void print_problems(const std::string& file, const Findings& f) {
  for (const auto& e : f.problems.found)
    std::cerr << "qualbar: error: " << display_text(e.what()) << '\n';
  if (f.problems.more > 0)
    std::cerr << fmt::format("qualbar: error: … and {} more problems (the first {} are shown)\n",
                             f.problems.more, f.problems.found.size());
  if (f.problems.count() > 1)
    std::cerr << fmt::format(
        "qualbar: {} problems: a run would stop at the first, or measure the "
        "wrong thing. Fix them, then run: qualbar validate {}\n",
        f.problems.count(), display_text(file));
}

std::string json(const std::string& file, const Findings& f) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& e : f.problems.found) {
    const Location& w = e.where();
    nlohmann::json p = {{"message", e.reason()}, {"text", e.what()}};
    p["file"] = w.file.empty() ? nlohmann::json(nullptr) : nlohmann::json(w.file);
    p["line"] = w.line > 0 ? nlohmann::json(w.line) : nlohmann::json(nullptr);
    p["column"] = w.column > 0 ? nlohmann::json(w.column) : nlohmann::json(nullptr);
    p["field"] = w.field.empty() ? nlohmann::json(nullptr) : nlohmann::json(w.field);
    problems.push_back(std::move(p));
  }
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [label, value] : f.summary) summary[label] = value;
  return nlohmann::json{{"schema", "qualbar.validate/1"},
                        {"file", file},
                        {"valid", f.problems.count() == 0},
                        {"problems", problems},
                        {"more_problems", f.problems.more},
                        {"notes", f.notes},
                        {"summary", summary}}
             .dump(2) +
         "\n";
}

int validate(const ValidateOptions& o) {
  check_outputs(o.output, {"terminal", "json"});
  const Findings f = is_data_file(o.file) ? validate_data_file(o) : validate_suite(o);
  const bool valid = f.problems.count() == 0;
  // In the terminal the problems are errors, on stderr; --out files are written either way.
  OutputOptions shown = o.output;
  if (!valid && o.output.format == "terminal") shown.quiet = true;
  emit_outputs(shown,
               {{"terminal", [&](bool) { return terminal(o.file, f); }},
                {"json", [&](bool) { return json(o.file, f); }}},
               false);
  if (!valid && o.output.format == "terminal") print_problems(o.file, f);
  return valid ? 0 : static_cast<int>(ExitCode::input_error);
}

const CommandRegistrar validate_command_registrar{CommandEntry{
    "validate", 10, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Check a suite, its datasets and recorded responses without running anything (and "
          "without API keys), or one JSONL file by itself. Every problem found is reported with "
          "its file, line and field: a file's bad lines, bars outside their scale, a slice key "
          "or a critical slice no case has, a dimension no case can be scored on, answers "
          "matching no case. Exit 0 when valid, 2 otherwise.");
      auto o = std::make_shared<ValidateOptions>();
      sub.add_option("file", o->file,
                     "The suite (suite.yaml), or a dataset or responses file (.jsonl) to check "
                     "by itself")
          ->required();
      sub.add_option("--responses", o->provider.responses,
                     "Also check this responses file (JSONL)");
      add_output_options(sub, o->output, "terminal or json (for editors and CI)");
      return [o] { return validate(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
