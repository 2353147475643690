#include "report/terminal_table.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "qualbar/util/text.hpp"

namespace qb::term {

std::string Style::wrap(const char* code, std::string_view s) const {
  return color ? fmt::format("\033[{}m{}\033[0m", code, s) : std::string(s);
}

std::size_t width(std::string_view s) { return code_points(s); }

std::string one_line(std::string_view s) {
  std::string out = display_text(s);
  for (char& c : out)
    if (c == '\n' || c == '\t') c = ' ';
  return out;
}

void Table::add(std::vector<std::string> row) {
  for (std::size_t i = 0; i + 1 < row.size(); ++i) row[i] = one_line(row[i]);
  rows_.push_back(std::move(row));
}

void Table::print(std::ostream& out, const Style& st, std::string_view indent) const {
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t i = 0; i < header_.size(); ++i) w[i] = width(header_[i]);
  for (const auto& r : rows_)
    for (std::size_t i = 0; i + 1 < r.size() && i < w.size(); ++i)
      w[i] = std::max(w[i], width(r[i]));
  const auto line = [&](const std::vector<std::string>& r) {
    std::string s(indent);
    for (std::size_t i = 0; i < r.size(); ++i) {
      s += r[i];
      if (i + 1 < r.size() && i < w.size()) s.append(w[i] - std::min(w[i], width(r[i])) + 2, ' ');
    }
    return s;
  };
  out << st.bold(line(header_)) << '\n';
  for (const auto& r : rows_) out << line(r) << '\n';
}

}  // namespace qb::term
