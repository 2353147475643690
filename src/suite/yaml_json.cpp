#include "qualbar/suite/yaml_json.hpp"

#include <charconv>

namespace qb {

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted: always text
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

}  // namespace qb
