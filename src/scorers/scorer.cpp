#include "qualbar/scorers/scorer.hpp"

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace qb {

struct Args::Impl {
  nlohmann::json object = nlohmann::json::object();
  mutable std::set<std::string> used;
};

Args::Args(std::string json_object) : impl_(std::make_unique<Impl>()) {
  if (!json_object.empty()) {
    try {
      impl_->object = nlohmann::json::parse(json_object);
    } catch (const nlohmann::json::parse_error& e) {
      throw ArgError("args", fmt::format("are not valid JSON: {}", e.what()));
    }
  }
  if (!impl_->object.is_object()) throw ArgError("args", "expected a map of arguments");
}

Args::~Args() = default;

bool Args::has(const std::string& key) const { return impl_->object.contains(key); }

namespace {
std::string type_name(const nlohmann::json& v) {
  if (v.is_string()) return "a string";
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "true/false";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a map";
  return "null";
}
}  // namespace

std::optional<std::string> Args::string(const std::string& key) {
  impl_->used.insert(key);
  auto it = impl_->object.find(key);
  if (it == impl_->object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string())
    throw ArgError(key, fmt::format("expected a string, got {}", type_name(*it)));
  return it->get<std::string>();
}

std::optional<double> Args::number(const std::string& key) {
  impl_->used.insert(key);
  auto it = impl_->object.find(key);
  if (it == impl_->object.end() || it->is_null()) return std::nullopt;
  if (!it->is_number())
    throw ArgError(key, fmt::format("expected a number, got {}", type_name(*it)));
  return it->get<double>();
}

std::optional<bool> Args::boolean(const std::string& key) {
  impl_->used.insert(key);
  auto it = impl_->object.find(key);
  if (it == impl_->object.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean())
    throw ArgError(key, fmt::format("expected true or false, got {}", type_name(*it)));
  return it->get<bool>();
}

std::optional<std::vector<std::string>> Args::strings(const std::string& key) {
  impl_->used.insert(key);
  auto it = impl_->object.find(key);
  if (it == impl_->object.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return std::vector<std::string>{it->get<std::string>()};
  if (!it->is_array())
    throw ArgError(key,
                   fmt::format("expected a string or a list of strings, got {}", type_name(*it)));
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string())
      throw ArgError(key, fmt::format("expected a list of strings, found {}", type_name(v)));
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::optional<std::string> Args::json(const std::string& key) {
  impl_->used.insert(key);
  auto it = impl_->object.find(key);
  if (it == impl_->object.end()) return std::nullopt;
  return it->dump();
}

void Args::explain_misspelling(const std::string& field) const {
  for (const auto& [key, _] : impl_->object.items()) {
    if (impl_->used.count(key) || detail::closest_name(key, {field}).empty()) continue;
    throw ArgError(key, fmt::format("unknown argument '{}'. Did you mean '{}'?", key, field));
  }
}

void Args::finish() const {
  std::vector<std::string> known(impl_->used.begin(), impl_->used.end());
  for (const auto& [key, _] : impl_->object.items()) {
    if (impl_->used.count(key)) continue;
    std::string message = fmt::format("unknown argument '{}'", key);
    if (auto guess = detail::closest_name(key, known); !guess.empty()) {
      message += fmt::format(". Did you mean '{}'?", guess);
    } else if (!known.empty()) {
      message += fmt::format(". This scorer takes: {}", fmt::join(known, ", "));
    } else {
      message += ". This scorer takes no arguments";
    }
    throw ArgError(key, message);
  }
}

Registry<ScorerEntry>& scorer_registry() {
  static Registry<ScorerEntry> registry("scorer");
  return registry;
}

std::unique_ptr<Scorer> construct(const ScorerEntry& entry, Args& args) {
  std::unique_ptr<Scorer> scorer;
  try {
    scorer = entry.make(args);
  } catch (const ArgError& e) {
    // "pattern is required" is less helpful than "unknown argument 'patern'. Did you mean ...".
    args.explain_misspelling(e.field());
    throw;
  }
  args.finish();
  return scorer;
}

std::unique_ptr<Scorer> make_scorer(const std::string& name, const std::string& args_json) {
  const ScorerEntry& entry = scorer_entry(name);
  Args args(args_json);
  return construct(entry, args);
}

}  // namespace qb
