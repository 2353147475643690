#pragma once
// What every terminal rendering shares (the run report, the judge check, the monitor status):
// colour that is only there when wanted, and tables whose columns fit their content. Internal.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace qb::term {

struct Style {
  bool color = false;
  [[nodiscard]] std::string red(std::string_view s) const { return wrap("31;1", s); }
  [[nodiscard]] std::string green(std::string_view s) const { return wrap("32;1", s); }
  [[nodiscard]] std::string yellow(std::string_view s) const { return wrap("33", s); }
  [[nodiscard]] std::string bold(std::string_view s) const { return wrap("1", s); }
  [[nodiscard]] std::string dim(std::string_view s) const { return wrap("2", s); }
  [[nodiscard]] std::string wrap(const char* code, std::string_view s) const;
};

// Display width in terminal columns: one per code point (enough for the labels printed here).
std::size_t width(std::string_view s);

// Text from data on one terminal line: display_text (no control or bidirectional character
// reaches the terminal), with line feeds and tabs as spaces.
std::string one_line(std::string_view s);

// Columns sized to their content, each line after `indent`; the header in bold. Every cell but the
// last is made one_line(); the last is printed as is, so it may carry colour (it must hold no
// text from data).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row);
  void print(std::ostream& out, const Style& st, std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace qb::term
