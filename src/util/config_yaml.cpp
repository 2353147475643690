// The one place qualbar reads YAML (yaml-cpp): a document becomes a ConfigNode tree with the line
// and column of every value. Nothing else includes yaml-cpp, so its headers cost one translation
// unit.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "qualbar/util/config.hpp"

namespace qb {
namespace {

// yaml-cpp accepts a quoted scalar that is never closed and swallows the rest of the file into
// it (a bar would vanish without a word): every quoted scalar must close before the text ends.
void check_closed(const YAML::Node& node, std::string_view text, const std::string& file) {
  const YAML::Mark m = node.Mark();
  if (m.pos < 0 || static_cast<std::size_t>(m.pos) >= text.size()) return;
  const char quote = text[static_cast<std::size_t>(m.pos)];
  if (quote != '"' && quote != '\'') return;
  for (std::size_t i = static_cast<std::size_t>(m.pos) + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
        ++i;  // '' is an escaped single quote
        continue;
      }
      return;
    }
  }
  throw InputError(Location{file, m.line + 1, m.column + 1, ""},
                   fmt::format("this quoted text is never closed: add the closing {}", quote));
}

ConfigNode convert(const YAML::Node& node, std::string_view text, const std::string& file) {
  const YAML::Mark m = node.Mark();
  const int line = m.line >= 0 ? m.line + 1 : 0;
  const int column = m.column >= 0 ? m.column + 1 : 0;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      std::vector<std::pair<ConfigNode, ConfigNode>> members;
      members.reserve(node.size());
      for (const auto& kv : node)
        members.emplace_back(convert(kv.first, text, file), convert(kv.second, text, file));
      return ConfigNode::map_at(std::move(members), line, column);
    }
    case YAML::NodeType::Sequence: {
      std::vector<ConfigNode> items;
      items.reserve(node.size());
      for (const auto& item : node) items.push_back(convert(item, text, file));
      return ConfigNode::sequence_at(std::move(items), line, column);
    }
    case YAML::NodeType::Scalar: {
      const bool quoted = node.Tag() == "!";
      if (quoted) check_closed(node, text, file);
      return ConfigNode::scalar_at(node.Scalar(), quoted, line, column);
    }
    case YAML::NodeType::Null:
      return ConfigNode::null_at(line, column);
    case YAML::NodeType::Undefined:
      break;
  }
  return {};
}

}  // namespace

ConfigNode ConfigReader::load(std::string_view text) const {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw InputError(Location{file_, e.mark.line + 1, e.mark.column + 1, ""},
                     fmt::format("this is not valid YAML: {}", e.msg));
  }
  return convert(root, text, file_);
}

}  // namespace qb
