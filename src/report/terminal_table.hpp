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
  std::size_t width = 0;  // terminal columns tables fit (0: no limit)
  [[nodiscard]] std::string red(std::string_view s) const { return wrap("31;1", s); }
  [[nodiscard]] std::string green(std::string_view s) const { return wrap("32;1", s); }
  [[nodiscard]] std::string yellow(std::string_view s) const { return wrap("33", s); }
  [[nodiscard]] std::string bold(std::string_view s) const { return wrap("1", s); }
  [[nodiscard]] std::string dim(std::string_view s) const { return wrap("2", s); }
  [[nodiscard]] std::string wrap(const char* code, std::string_view s) const;
};

// Display width in terminal columns: one per code point (enough for the labels printed here),
// colour escapes not counted.
std::size_t width(std::string_view s);

// `text` on lines of at most `max_width` columns (0: no limit): the first after `first`, the
// others after `rest` (a hanging indent), each ending in a line feed.
std::string wrapped(std::string_view text, std::size_t max_width, std::string_view first,
                    std::string_view rest);

// Text from data on one terminal line: display_text (no control or bidirectional character
// reaches the terminal), with line feeds and tabs as spaces.
std::string one_line(std::string_view s);

// Columns sized to their content, each line after `indent`; the header in bold. Every cell but the
// last is made one_line(); the last is printed as is, so it may carry colour (it must hold no
// text from data). Given a `max_width` (terminal columns; 0: no limit) the table fits it: the
// columns with the most words are narrowed and their cells wrapped onto more lines, never below
// their longest word where that fits. A no-break space (U+00A0) in a cell keeps its words on one
// line and is printed as a plain space.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row);
  // Columns on one line each, two spaces apart: the width print() needs to narrow nothing.
  [[nodiscard]] std::size_t natural_width() const;
  // max_width 0: the Style's width.
  void print(std::ostream& out, const Style& st, std::string_view indent = "",
             std::size_t max_width = 0) const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace qb::term
