#pragma once
// Datasets (cases JSONL) and responses JSONL, parsed into native types at the edge.
// Accepts a UTF-8 BOM and CRLF line endings; skips blank lines; anything else that is wrong is
// an InputError naming file:line and the field.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/core/case.hpp"
#include "qualbar/core/limits.hpp"
#include "qualbar/core/problems.hpp"
#include "qualbar/core/response.hpp"

namespace qb {

struct Dataset {
  std::vector<Case> cases;
  // Each case's JSON line as read (stored with the run): views into `sources`, which keep the
  // text of every file parsed alive, unmoved, without a second copy.
  std::vector<std::string_view> raw_lines;
  std::vector<std::shared_ptr<const void>> sources;
  std::string hash;  // content hash of every file, in order
  std::vector<std::string> files;  // the files read, as named (Case::source_file)
};

// Parses a dataset from text; `file` names it in messages. Throws InputError. The cases' `assert`
// lists are parsed, not compiled: bind_cases (bind/bind.hpp) compiles them.
void parse_cases(std::string_view text, const std::string& file, Dataset& into,
                 const Limits& limits = {});
// The same from lines the caller keeps (a stored run's): raw_lines stays empty, and no copy of
// the text outlives the parse.
void parse_case_lines(std::span<const std::string> lines, const std::string& file, Dataset& into,
                      const Limits& limits = {});
// Loads dataset files in order; ids must be unique across all of them. Without `keep_lines`
// (a run that is not stored) the files' text is released after parsing and raw_lines is empty.
// With `problems`, every bad line (and duplicate id) is recorded there instead of thrown, and
// the cases that parsed are returned.
Dataset load_dataset(const std::vector<std::string>& paths, bool keep_lines = true,
                     const Limits& limits = {}, Problems* problems = nullptr);

// Takes the pages of the dataset's file text (`sources`) up to the end of `line` (one of its
// raw_lines) out of the process's resident memory: a stored run's lines once they are written.
// The text stays readable (a mapped file's pages are mapped again when read).
void release_lines_through(std::span<const std::shared_ptr<const void>> sources,
                           std::string_view line);

std::vector<Response> parse_responses(std::string_view text, const std::string& file,
                                      const Limits& limits = {});
std::vector<Response> load_responses(const std::string& path, const Limits& limits = {});

// A responses file with each response's line, duplicate ids not checked: for a caller that pairs
// the responses with cases and checks duplicates as it pairs them (the replay provider).
struct ResponseLines {
  std::vector<Response> responses;
  std::vector<int> lines;
};
ResponseLines load_response_lines(const std::string& path, const Limits& limits = {},
                                  Problems* problems = nullptr);

// One response as a JSON line with the contract's field names (no trailing newline).
std::string response_to_json(const Response& r);
void append_response_json(std::string& out, const Response& r);

// Reads a whole file; throws InputError naming the path when it cannot.
std::string read_file(const std::string& path);

}  // namespace qb
