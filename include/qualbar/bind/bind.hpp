#pragma once
// Binding: a parsed suite (suite/suite.hpp) and a parsed dataset (io/dataset.hpp) checked against
// this build's registries — every scorer exists and takes its arguments, a threshold suits its
// scorer, each bar suits its dimension's kind, the system's fields are its provider's, the judge's
// are chat settings, every case's `assert` list is compiled — with the same file:line:column:
// field errors a user sees for any other mistake. Parse first (no registry), then bind: the
// layers below the scorers never need to know them.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "qualbar/io/dataset.hpp"
#include "qualbar/suite/suite.hpp"

namespace qb {

// Binds `suite` in place: each dimension's aggregation and whether it asks the judge, the
// default `useful` list, the bars' hash. Throws InputError at the place of the first problem.
void bind_suite(Suite& suite);

// parse_suite, then bind_suite: a suite ready to run, from its text.
Suite read_suite(std::string_view yaml_text, const std::string& file,
                 const std::filesystem::path& dir);

// read_suite of a file, and the files it names exist (a stored run's suite is read with
// read_suite: its files need not exist any more).
Suite load_suite(const std::string& path);

// Compiles every case's `assert` list: each check's scorer is built once, a bad one is an
// InputError at its file, line and field (with `problems`, recorded there instead).
void bind_cases(Dataset& dataset, Problems* problems = nullptr);

// load_dataset, then bind_cases.
Dataset load_cases(const std::vector<std::string>& paths, bool keep_lines, const Limits& limits,
                   Problems* problems = nullptr);

}  // namespace qb
