#pragma once
// CSV for spreadsheets (RFC 4180, on libcsv): reviewers' files, and the server's export of a
// run's cases. Internal.

#include <string>
#include <string_view>
#include <vector>

namespace qb::review {

// Rows to CSV text: a UTF-8 byte-order mark (so spreadsheets read the text as UTF-8), every field
// quoted, CRLF line ends. Every field that a spreadsheet would run as a formula (it starts with =,
// +, -, @, tab or CR: OWASP's list) gets a leading apostrophe, whatever its column.
std::string write_csv(const std::vector<std::vector<std::string>>& rows);
// The same rows without the byte-order mark: the rows after the first of a file written in parts.
std::string write_csv_rows(const std::vector<std::vector<std::string>>& rows);

// A field as it was before write_csv defused it: the apostrophe before a formula character goes.
// For the columns a reviewer writes back (note, reference).
std::string undefuse(std::string field);

struct CsvRecord {
  int line = 0;  // where the record starts in the file, 1-based
  std::vector<std::string> fields;
};

// Parses CSV text (a byte-order mark is skipped). A malformed file is an InputError naming
// file:line.
std::vector<CsvRecord> read_csv(std::string_view text, const std::string& file);

}  // namespace qb::review
