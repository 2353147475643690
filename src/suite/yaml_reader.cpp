#include "qualbar/suite/yaml_reader.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "qualbar/core/registry.hpp"

namespace qb {

Location YamlReader::at(const YAML::Node& node, const std::string& field) const {
  const YAML::Mark m = node.Mark();
  return Location{file_, m.line >= 0 ? m.line + 1 : 0, m.column >= 0 ? m.column + 1 : 0, field};
}

void YamlReader::fail(const YAML::Node& node, const std::string& field,
                      const std::string& message) const {
  throw InputError(at(node, field), message);
}

void YamlReader::check_keys(const YAML::Node& map, const std::string& where,
                            const std::vector<std::string>& known) const {
  std::map<std::string, int> seen;  // a second `bars:` would otherwise be ignored silently
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (auto [it, inserted] = seen.try_emplace(key, kv.first.Mark().line + 1); !inserted) {
      fail(kv.first, where.empty() ? key : where + "." + key,
           fmt::format("appears twice (first at line {}); keep one", it->second));
    }
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = fmt::format("unknown field '{}'", key);
    if (auto guess = detail::closest_name(key, known); !guess.empty()) {
      message += fmt::format(". Did you mean '{}'?", guess);
    } else {
      message += fmt::format(". Known fields here: {}", fmt::join(known, ", "));
    }
    fail(kv.first, where.empty() ? key : where + "." + key, message);
  }
}

void YamlReader::check_unique_keys(const YAML::Node& map, const std::string& where) const {
  std::vector<std::string> any;
  for (const auto& kv : map) any.push_back(kv.first.as<std::string>());
  check_keys(map, where, any);
}

std::string YamlReader::string(const YAML::Node& node, const std::string& field) const {
  if (!node.IsScalar()) fail(node, field, "expected a text value");
  return node.as<std::string>();
}

double YamlReader::number(const YAML::Node& node, const std::string& field) const {
  if (node.IsScalar()) {
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
    }
  }
  fail(node, field,
       fmt::format("expected a number, got '{}'",
                   node.IsScalar() ? node.as<std::string>() : "a list or map"));
}

double YamlReader::positive(const YAML::Node& node, const std::string& field) const {
  const double v = number(node, field);
  if (!(v > 0.0) || !std::isfinite(v))
    fail(node, field, fmt::format("must be more than 0, got {}", v));
  return v;
}

long long YamlReader::integer(const YAML::Node& node, const std::string& field,
                              long long min) const {
  const double v = number(node, field);
  if (v != std::floor(v) || !std::isfinite(v))
    fail(node, field, fmt::format("expected a whole number, got {}", v));
  if (v < static_cast<double>(min)) fail(node, field, fmt::format("must be at least {}", min));
  return static_cast<long long>(v);
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& field) const {
  if (node.IsScalar()) {
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
    }
  }
  fail(node, field, "expected true or false");
}

double YamlReader::fraction(const YAML::Node& node, const std::string& field) const {
  const double v = number(node, field);
  if (!(v > 0.0 && v < 1.0)) {
    const std::string hint =
        v > 1.0 && v < 100.0
            ? fmt::format(" (a share, not a percentage: did you mean {}?)", v / 100.0)
            : "";
    fail(node, field, fmt::format("must be between 0 and 1 (exclusive), got {}{}", v, hint));
  }
  return v;
}

YAML::Node YamlReader::load(std::string_view text) const {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw InputError(Location{file_, e.mark.line + 1, e.mark.column + 1, ""},
                     fmt::format("this is not valid YAML: {}", e.msg));
  }
}

std::string YamlReader::resolve(const std::string& path) const {
  const std::filesystem::path p(path);
  return (p.is_absolute() ? p : dir_ / p).lexically_normal().string();
}

}  // namespace qb
