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

// Columns sized to their content, each line after `indent`; the header in bold. The last column
// is printed as is, so it may carry colour.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& out, const Style& st, std::string_view indent = "") const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace qb::term
