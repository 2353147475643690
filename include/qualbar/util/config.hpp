#pragma once
// A configuration document (suite.yaml, a data pack) as plain data with the place of every value,
// and the reader that checks its fields with errors naming file:line:column: field. YAML is read in
// one place (src/util/config_yaml.cpp); everything else — the suite's parser, the binder, each
// plugin with settings of its own — reads ConfigNodes, so no yaml-cpp type crosses a header.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "qualbar/core/error.hpp"

namespace qb {

class ConfigNode {
 public:
  enum class Kind { undefined, null, scalar, sequence, map };

  ConfigNode() = default;

  // Absent (a missing key): false. Everything else, null included: true.
  explicit operator bool() const { return kind_ != Kind::undefined; }
  [[nodiscard]] Kind kind() const { return kind_; }
  [[nodiscard]] bool is_null() const { return kind_ == Kind::null; }
  [[nodiscard]] bool is_scalar() const { return kind_ == Kind::scalar; }
  [[nodiscard]] bool is_sequence() const { return kind_ == Kind::sequence; }
  [[nodiscard]] bool is_map() const { return kind_ == Kind::map; }

  // A scalar's text as written ("" for others); quoted() when it was written in quotes (then it
  // is always text, never a number or a boolean).
  [[nodiscard]] const std::string& scalar() const { return text_; }
  [[nodiscard]] bool quoted() const { return quoted_; }

  // A map's value for `key`; an undefined node when there is none (or this is not a map).
  [[nodiscard]] const ConfigNode& operator[](std::string_view key) const;
  [[nodiscard]] const std::vector<ConfigNode>& items() const { return items_; }  // a sequence's
  [[nodiscard]] const std::vector<std::pair<ConfigNode, ConfigNode>>& members() const {
    return members_;  // a map's (key, value) pairs, in the order written
  }
  [[nodiscard]] std::size_t size() const {
    return kind_ == Kind::map ? members_.size() : items_.size();
  }

  // Where the value starts in the text: 1-based line and column (0 when unknown), byte offset.
  [[nodiscard]] int line() const { return line_; }
  [[nodiscard]] int column() const { return column_; }

  // Builders, for the YAML reader and for tests.
  static ConfigNode null_at(int line, int column);
  static ConfigNode scalar_at(std::string text, bool quoted, int line, int column);
  static ConfigNode sequence_at(std::vector<ConfigNode> items, int line, int column);
  static ConfigNode map_at(std::vector<std::pair<ConfigNode, ConfigNode>> members, int line,
                           int column);

 private:
  Kind kind_ = Kind::undefined;
  std::string text_;
  bool quoted_ = false;
  std::vector<ConfigNode> items_;
  std::vector<std::pair<ConfigNode, ConfigNode>> members_;
  int line_ = 0;
  int column_ = 0;
};

// A plain scalar's value as YAML reads it: a number (decimal, scientific, .inf, .nan) or a boolean
// (true/yes/on, false/no/off, in their usual cases); nullopt otherwise.
std::optional<double> number_of(const ConfigNode& node);
std::optional<bool> bool_of(const ConfigNode& node);

// The node as JSON text: quoted scalars stay text; plain ones become numbers, booleans or null
// where they read as such (scorer arguments, request parameters).
std::string config_json(const ConfigNode& node);

// Reading the fields of a user's configuration file, with errors that name the place:
// file:line:column: field. Every message has the same shape, and unknown keys get the same "Did
// you mean" suggestion, wherever they are read.
class ConfigReader {
 public:
  ConfigReader(std::string file, std::filesystem::path dir)
      : file_(std::move(file)), dir_(std::move(dir)) {}

  [[nodiscard]] Location at(const ConfigNode& node, const std::string& field) const;
  [[noreturn]] void fail(const ConfigNode& node, const std::string& field,
                         const std::string& message) const;

  // Rejects keys outside `known` (suggesting the closest) and keys that appear twice.
  void check_keys(const ConfigNode& map, const std::string& where,
                  const std::vector<std::string>& known) const;
  void check_unique_keys(const ConfigNode& map, const std::string& where) const;

  [[nodiscard]] std::string string(const ConfigNode& node, const std::string& field) const;
  [[nodiscard]] double number(const ConfigNode& node, const std::string& field) const;
  // A number > 0 (a count, a rate, a duration).
  [[nodiscard]] double positive(const ConfigNode& node, const std::string& field) const;
  // A whole number >= `min`.
  [[nodiscard]] long long integer(const ConfigNode& node, const std::string& field,
                                  long long min) const;
  [[nodiscard]] bool boolean(const ConfigNode& node, const std::string& field) const;
  // A share strictly between 0 and 1; a percentage gets a hint.
  [[nodiscard]] double fraction(const ConfigNode& node, const std::string& field) const;
  // A path, relative to the file's folder unless absolute.
  [[nodiscard]] std::string resolve(const std::string& path) const;

  // Parses YAML text (src/util/config_yaml.cpp); a syntax error, or a quoted text never closed,
  // is an InputError at its line and column in file().
  [[nodiscard]] ConfigNode load(std::string_view text) const;

  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string file_;
  std::filesystem::path dir_;
};

}  // namespace qb
