#include "review/csv.hpp"

#include <csv.h>

#include <exception>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"

namespace qb::review {

namespace {
bool formula_start(std::string_view field) {
  return !field.empty() && std::string_view("=+-@\t\r").find(field[0]) != std::string_view::npos;
}
}  // namespace

std::string write_csv(const std::vector<std::vector<std::string>>& rows) {
  return "\xEF\xBB\xBF" + write_csv_rows(rows);
}

std::string write_csv_rows(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  std::string buf;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::string field = row[c];
      if (formula_start(field)) field.insert(field.begin(), '\'');
      buf.resize(2 * field.size() + 2);
      const std::size_t n = csv_write(buf.data(), buf.size(), field.data(), field.size());
      if (c > 0) out += ',';
      out.append(buf.data(), n);
    }
    out += "\r\n";
  }
  return out;
}

std::string undefuse(std::string field) {
  if (field.size() > 1 && field[0] == '\'' && formula_start(std::string_view(field).substr(1)))
    field.erase(0, 1);
  return field;
}

namespace {

struct ParseState {
  std::vector<CsvRecord> records;
  CsvRecord current;
  int line = 1;  // of the chunk being fed
  bool in_record = false;
  std::exception_ptr failed;  // thrown in a callback: kept, rethrown once libcsv has returned
};

// libcsv is C: an exception must not unwind through it.
template <class F>
void guarded(ParseState* st, F&& f) {
  if (st->failed) return;
  try {
    f();
  } catch (...) {
    st->failed = std::current_exception();
  }
}

void on_field(void* s, std::size_t len, void* data) {
  auto* st = static_cast<ParseState*>(data);
  guarded(st, [&] {
    if (!st->in_record) {
      st->current.line = st->line;
      st->in_record = true;
    }
    st->current.fields.emplace_back(static_cast<const char*>(s), s ? len : 0);
  });
}

void on_record(int /*terminator*/, void* data) {
  auto* st = static_cast<ParseState*>(data);
  guarded(st, [&] {
    if (!st->in_record) st->current.line = st->line;  // an empty record
    st->records.push_back(std::move(st->current));
    st->current = {};
    st->in_record = false;
  });
}

}  // namespace

std::vector<CsvRecord> read_csv(std::string_view text, const std::string& file) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  csv_parser p{};
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
    throw RunError("cannot start the CSV parser: out of memory");
  ParseState st;
  // Fed a line at a time, so each record knows the line it starts on.
  std::size_t pos = 0;
  const auto fail = [&](int line) {
    const std::string why = csv_strerror(csv_error(&p));
    csv_free(&p);
    throw InputError(fmt::format("{}:{}: not valid CSV ({}); a field with a comma, quote or line "
                                 "break must be in double quotes, with quotes inside doubled",
                                 file, line, why));
  };
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string_view::npos ? text.size() : end + 1;
    if (csv_parse(&p, text.data() + pos, end - pos, on_field, on_record, &st) != end - pos)
      fail(st.in_record ? st.current.line : st.line);
    if (st.failed) {
      csv_free(&p);
      std::rethrow_exception(st.failed);
    }
    ++st.line;
    pos = end;
  }
  if (csv_fini(&p, on_field, on_record, &st) != 0) fail(st.in_record ? st.current.line : st.line);
  csv_free(&p);
  if (st.failed) std::rethrow_exception(st.failed);
  // Blank lines come through as records with no fields.
  std::erase_if(st.records, [](const CsvRecord& r) { return r.fields.empty(); });
  return st.records;
}

}  // namespace qb::review
