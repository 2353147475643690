#include "report/terminal_table.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "qualbar/util/text.hpp"

namespace qb::term {

std::string Style::wrap(const char* code, std::string_view s) const {
  return color ? fmt::format("\033[{}m{}\033[0m", code, s) : std::string(s);
}

std::size_t width(std::string_view s) { return visible_width(s); }

std::string wrapped(std::string_view text, std::size_t max_width, std::string_view first,
                    std::string_view rest) {
  const std::size_t indent = std::max(width(first), width(rest));
  const std::size_t room =
      max_width == 0 ? 0 : std::max<std::size_t>(max_width - std::min(max_width, indent), 20);
  std::string out;
  const std::vector<std::string> lines = wrap_words(text, room);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    out += i == 0 ? first : rest;
    out += lines[i];
    out += '\n';
  }
  return out;
}

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

std::size_t Table::natural_width() const {
  std::vector<std::size_t> w(header_.size(), 0);
  for (std::size_t i = 0; i < header_.size(); ++i) w[i] = width(header_[i]);
  for (const auto& r : rows_)
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  return std::accumulate(w.begin(), w.end(), 2 * (w.size() - 1));
}

namespace {
// Calls f(word) for each space-separated word of a cell.
template <typename F>
void for_each_word(std::string_view s, F&& f) {
  while (!s.empty()) {
    const std::size_t space = std::min(s.find(' '), s.size());
    f(s.substr(0, space));
    s.remove_prefix(std::min(s.size(), space + 1));
  }
}

// The words of a cell that `cols` columns would cut in the middle rather than where they break.
std::size_t badly_cut(std::string_view s, std::size_t cols) {
  std::size_t bad = 0;
  for_each_word(s, [&](std::string_view word) {
    if (width(word) <= cols) return;
    const auto pieces = cut_word(word, cols);
    for (std::size_t k = 0; k + 1 < pieces.size(); ++k)
      bad += pieces[k].empty() || !breaks_after(pieces[k].back()) ? 1 : 0;
  });
  return bad;
}

// The longest word of a cell, in columns.
std::size_t longest_word(std::string_view s) {
  std::size_t best = 0;
  for_each_word(s, [&](std::string_view word) { best = std::max(best, width(word)); });
  return best;
}
}  // namespace

void Table::print(std::ostream& out, const Style& st, std::string_view indent,
                  std::size_t max_width) const {
  if (max_width == 0) max_width = st.width;
  const std::size_t n = header_.size();
  std::vector<std::size_t> w(n, 0), floor(n, 0);
  for (std::size_t i = 0; i < n; ++i) w[i] = floor[i] = width(header_[i]);
  for (const auto& r : rows_) {
    for (std::size_t i = 0; i < r.size() && i < n; ++i) {
      w[i] = std::max(w[i], width(r[i]));
      floor[i] = std::max(floor[i], std::min<std::size_t>(longest_word(r[i]), 24));
    }
  }
  // Narrowed one column at a time until the table fits: each time the column whose narrowing
  // adds the fewest wrapped lines, words kept whole while that can fit; then, if the longest words
  // alone are too wide, the widest column, its words cut.
  // Too wide: one space between columns instead of two, then narrowing.
  const std::size_t gap =
      max_width > 0 && std::accumulate(w.begin(), w.end(), width(indent) + 2 * (n - 1)) > max_width
          ? 1
          : 2;
  const auto total = [&] {
    return std::accumulate(w.begin(), w.end(), width(indent) + gap * (n - 1));
  };
  // The table's height in lines, were column `col` `cols` wide; a word cut where it does not
  // break by itself (in a number, in the middle of a name) counts as many lines as the table has.
  const auto height_at = [&](std::size_t col, std::size_t cols) {
    std::size_t lines = 0;
    for (const auto& r : rows_) {
      std::size_t tallest = 1;
      for (std::size_t i = 0; i < r.size() && i < n; ++i) {
        const std::size_t at = i == col ? cols : w[i];
        tallest = std::max(tallest, wrap_words(r[i], at).size());
        if (i == col) lines += badly_cut(r[i], at) * (rows_.size() + 1);
      }
      lines += tallest;
    }
    return lines;
  };
  // Each step narrows the column, by as many columns as is best, that adds the fewest lines per
  // column saved (a saving beyond what is still needed is worth nothing): looking further than one
  // column at a time lets an interval wrap once where a slice name would otherwise be cut.
  bool words_whole = true;
  while (max_width > 0 && total() > max_width) {
    const std::size_t over = total() - max_width;
    const std::size_t now = height_at(n, 0);
    std::size_t pick = n, cut = 0;
    double best = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t lowest = words_whole ? floor[i] : std::min<std::size_t>(w[i], 4);
      for (std::size_t k = 1; k <= over + 8 && w[i] > lowest + k - 1; ++k) {
        const double ratio = static_cast<double>(height_at(i, w[i] - k) - now) /
                             static_cast<double>(std::min(k, over));
        if (pick == n || ratio < best || (ratio == best && w[i] > w[pick])) {
          pick = i, cut = k, best = ratio;
        }
      }
    }
    if (pick == n) {
      if (!words_whole) break;  // nothing left to narrow
      words_whole = false;      // the longest words alone are too wide: they are cut
      continue;
    }
    w[pick] -= cut;
  }
  const auto row = [&](const std::vector<std::string>& r, bool header) {
    std::vector<std::vector<std::string>> cells(r.size());
    std::size_t height = 1;
    for (std::size_t i = 0; i < r.size(); ++i) {
      cells[i] = i < n && max_width > 0 ? wrap_words(r[i], w[i]) : std::vector<std::string>{r[i]};
      // A no-break space keeps words together while wrapping; the terminal gets a plain space.
      for (auto& part : cells[i]) {
        for (std::size_t at = part.find("\u00a0"); at != std::string::npos;
             at = part.find("\u00a0", at + 1))
          part.replace(at, 2, " ");
      }
      height = std::max(height, cells[i].size());
    }
    std::string s;
    for (std::size_t line = 0; line < height; ++line) {
      std::string text(indent);
      for (std::size_t i = 0; i < cells.size(); ++i) {
        const std::string& part = line < cells[i].size() ? cells[i][line] : std::string();
        text += part;
        if (i + 1 < cells.size() && i < n)
          text.append(w[i] - std::min(w[i], width(part)) + gap, ' ');
      }
      while (!text.empty() && text.back() == ' ') text.pop_back();
      s += (header ? st.bold(text) : text) + '\n';
    }
    return s;
  };
  out << row(header_, true);
  for (const auto& r : rows_) out << row(r, false);
}

}  // namespace qb::term
