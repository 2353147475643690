#pragma once
// YAML → JSON for scorer arguments: quoted scalars stay text; plain ones become numbers,
// booleans or null where they read as such.

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

namespace qb {
nlohmann::json yaml_to_json(const YAML::Node& node);
}
