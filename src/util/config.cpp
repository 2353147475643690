#include "qualbar/util/config.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/core/registry.hpp"

namespace qb {

// ---- ConfigNode ---------------------------------------------------------------------------------

const ConfigNode& ConfigNode::operator[](std::string_view key) const {
  static const ConfigNode undefined;
  if (kind_ != Kind::map) return undefined;
  for (const auto& [k, v] : members_)
    if (k.text_ == key) return v;
  return undefined;
}

ConfigNode ConfigNode::null_at(int line, int column) {
  ConfigNode n;
  n.kind_ = Kind::null;
  n.line_ = line;
  n.column_ = column;
  return n;
}

ConfigNode ConfigNode::scalar_at(std::string text, bool quoted, int line, int column) {
  ConfigNode n = null_at(line, column);
  n.kind_ = Kind::scalar;
  n.text_ = std::move(text);
  n.quoted_ = quoted;
  return n;
}

ConfigNode ConfigNode::sequence_at(std::vector<ConfigNode> items, int line, int column) {
  ConfigNode n = null_at(line, column);
  n.kind_ = Kind::sequence;
  n.items_ = std::move(items);
  return n;
}

ConfigNode ConfigNode::map_at(std::vector<std::pair<ConfigNode, ConfigNode>> members, int line,
                              int column) {
  ConfigNode n = null_at(line, column);
  n.kind_ = Kind::map;
  n.members_ = std::move(members);
  return n;
}

namespace {

// A plain scalar as YAML reads a number: decimal or scientific, an optional sign, .inf, .nan.
bool yaml_number(std::string_view text, double& out) {
  std::string_view t = text;
  const bool minus = t.starts_with('-');
  if (minus || t.starts_with('+')) t.remove_prefix(1);
  for (const std::string_view inf : {".inf", ".Inf", ".INF"}) {
    if (t == inf) {
      out = minus ? -std::numeric_limits<double>::infinity()
                  : std::numeric_limits<double>::infinity();
      return true;
    }
  }
  if (text == ".nan" || text == ".NaN" || text == ".NAN") {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (t.empty() || t.starts_with('+') || t.starts_with('-')) return false;
  double v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || end != t.data() + t.size()) return false;
  out = minus ? -v : v;
  return true;
}

nlohmann::json to_json(const ConfigNode& node) {
  switch (node.kind()) {
    case ConfigNode::Kind::map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [k, v] : node.members()) out[k.scalar()] = to_json(v);
      return out;
    }
    case ConfigNode::Kind::sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node.items()) out.push_back(to_json(item));
      return out;
    }
    case ConfigNode::Kind::scalar: {
      const std::string& text = node.scalar();
      if (node.quoted()) return text;  // quoted: always text
      if (text == "true" || text == "True" || text == "yes") return true;
      if (text == "false" || text == "False" || text == "no") return false;
      if (text == "null" || text == "~") return nullptr;
      long long i = 0;
      if (auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
          ec == std::errc() && p == text.data() + text.size()) {
        return i;
      }
      double d = 0;
      if (auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
          ec == std::errc() && p == text.data() + text.size()) {
        return d;
      }
      return text;
    }
    default:
      return nullptr;
  }
}

}  // namespace

std::string config_json(const ConfigNode& node) { return to_json(node).dump(); }

std::optional<double> number_of(const ConfigNode& node) {
  double v = 0;
  if (node.is_scalar() && yaml_number(node.scalar(), v)) return v;
  return std::nullopt;
}

std::optional<bool> bool_of(const ConfigNode& node) {
  if (!node.is_scalar()) return std::nullopt;
  // YAML 1.1's words, as yaml-cpp reads them.
  static const std::vector<std::string_view> yes = {"y",   "Y",    "yes", "Yes", "YES", "true",
                                                    "True", "TRUE", "on",  "On",  "ON"};
  static const std::vector<std::string_view> no = {"n",     "N",     "no",  "No",  "NO", "false",
                                                   "False", "FALSE", "off", "Off", "OFF"};
  const std::string& t = node.scalar();
  if (std::find(yes.begin(), yes.end(), t) != yes.end()) return true;
  if (std::find(no.begin(), no.end(), t) != no.end()) return false;
  return std::nullopt;
}

// ---- ConfigReader -------------------------------------------------------------------------------

Location ConfigReader::at(const ConfigNode& node, const std::string& field) const {
  return Location{file_, node.line(), node.column(), field};
}

void ConfigReader::fail(const ConfigNode& node, const std::string& field,
                        const std::string& message) const {
  throw InputError(at(node, field), message);
}

void ConfigReader::check_keys(const ConfigNode& map, const std::string& where,
                              const std::vector<std::string>& known) const {
  std::map<std::string, int> seen;  // a second `bars:` would otherwise be ignored silently
  for (const auto& [k, v] : map.members()) {
    const std::string& key = k.scalar();
    if (auto [it, inserted] = seen.try_emplace(key, k.line()); !inserted) {
      fail(k, where.empty() ? key : where + "." + key,
           fmt::format("appears twice (first at line {}); keep one", it->second));
    }
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string message = fmt::format("unknown field '{}'", key);
    if (auto guess = detail::closest_name(key, known); !guess.empty()) {
      message += fmt::format(". Did you mean '{}'?", guess);
    } else {
      message += fmt::format(". Known fields here: {}", fmt::join(known, ", "));
    }
    fail(k, where.empty() ? key : where + "." + key, message);
  }
}

void ConfigReader::check_unique_keys(const ConfigNode& map, const std::string& where) const {
  std::vector<std::string> any;
  for (const auto& [k, v] : map.members()) any.push_back(k.scalar());
  check_keys(map, where, any);
}

std::string ConfigReader::string(const ConfigNode& node, const std::string& field) const {
  if (!node.is_scalar()) fail(node, field, "expected a text value");
  return node.scalar();
}

double ConfigReader::number(const ConfigNode& node, const std::string& field) const {
  if (const auto v = number_of(node)) return *v;
  fail(node, field,
       fmt::format("expected a number, got '{}'",
                   node.is_scalar() ? node.scalar() : "a list or map"));
}

double ConfigReader::positive(const ConfigNode& node, const std::string& field) const {
  const double v = number(node, field);
  if (!(v > 0.0) || !std::isfinite(v))
    fail(node, field, fmt::format("must be more than 0, got {}", v));
  return v;
}

long long ConfigReader::integer(const ConfigNode& node, const std::string& field,
                                long long min) const {
  const double v = number(node, field);
  if (v != std::floor(v) || !std::isfinite(v))
    fail(node, field, fmt::format("expected a whole number, got {}", v));
  if (v < static_cast<double>(min)) fail(node, field, fmt::format("must be at least {}", min));
  return static_cast<long long>(v);
}

bool ConfigReader::boolean(const ConfigNode& node, const std::string& field) const {
  if (const auto v = bool_of(node)) return *v;
  fail(node, field, "expected true or false");
}

double ConfigReader::fraction(const ConfigNode& node, const std::string& field) const {
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

std::string ConfigReader::resolve(const std::string& path) const {
  const std::filesystem::path p(path);
  return (p.is_absolute() ? p : dir_ / p).lexically_normal().string();
}

}  // namespace qb
