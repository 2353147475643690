#pragma once
// What qualbar serve answers: the JSON API under /api/v1 (docs/api.md), health checks, and the
// pages. Internal.

#include <string>

#include "server/http.hpp"

namespace qb::server {

// Every route, reading the store at `store_path` (one connection per server thread).
Router make_router(const std::string& store_path);

}  // namespace qb::server
