#pragma once
// Reading fields of a user's YAML file with errors that name the place: file:line:column: field.
// The suite parser and every plugin with settings of its own (providers) read through this, so
// every message has the same shape and unknown keys get the same "Did you mean" suggestion.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "qualbar/core/error.hpp"

namespace qb {

class YamlReader {
 public:
  YamlReader(std::string file, std::filesystem::path dir)
      : file_(std::move(file)), dir_(std::move(dir)) {}

  [[nodiscard]] Location at(const YAML::Node& node, const std::string& field) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& field,
                         const std::string& message) const;

  // Rejects keys outside `known` (suggesting the closest) and keys that appear twice.
  void check_keys(const YAML::Node& map, const std::string& where,
                  const std::vector<std::string>& known) const;
  void check_unique_keys(const YAML::Node& map, const std::string& where) const;

  [[nodiscard]] std::string string(const YAML::Node& node, const std::string& field) const;
  [[nodiscard]] double number(const YAML::Node& node, const std::string& field) const;
  // A number > 0 (a count, a rate, a duration).
  [[nodiscard]] double positive(const YAML::Node& node, const std::string& field) const;
  // A whole number >= `min`.
  [[nodiscard]] long long integer(const YAML::Node& node, const std::string& field,
                                  long long min) const;
  [[nodiscard]] bool boolean(const YAML::Node& node, const std::string& field) const;
  // A share strictly between 0 and 1; a percentage gets a hint.
  [[nodiscard]] double fraction(const YAML::Node& node, const std::string& field) const;
  // A path, relative to the file's folder unless absolute.
  [[nodiscard]] std::string resolve(const std::string& path) const;

  // Parses YAML text; a syntax error is an InputError at its line and column in file().
  [[nodiscard]] YAML::Node load(std::string_view text) const;

  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string file_;
  std::filesystem::path dir_;
};

}  // namespace qb
