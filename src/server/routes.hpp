#pragma once
// What qualbar serve answers: the JSON API under /api/v1 (docs/api.md), health checks, the pages
// and the sign-in. Each route file adds its routes, each with the access it needs. Internal.

#include <memory>

#include "server/http.hpp"
#include "server/metrics.hpp"
#include "server/pages.hpp"

namespace qb::server {

// Every route, with the gate that signs people and tokens in (auth_routes.cpp).
Router make_router(const RouteContext& context);

// One function per route file.
void add_run_routes(Router& router, const RouteContext& context);
void add_case_routes(Router& router, const RouteContext& context);
void add_compare_routes(Router& router, const RouteContext& context);
void add_auth_routes(Router& router, const RouteContext& context);
void add_admin_routes(Router& router, const RouteContext& context);
void add_run_admin_routes(Router& router, const RouteContext& context);
void add_upload_routes(Router& router, const RouteContext& context);
// GET /metrics; every request's latency recorded in `requests` (metrics.hpp).
void add_metrics_routes(Router& router, const RouteContext& context,
                        const std::shared_ptr<RequestMetrics>& requests);
void add_production_routes(Router& router, const RouteContext& context);
void add_judge_check_routes(Router& router, const RouteContext& context);
void add_ingest_routes(Router& router, const RouteContext& context);
void add_review_routes(Router& router, const RouteContext& context);

// The gate every route but an open one passes: a session cookie or an API token, the role or
// scope the route needs, and for a state-changing request through a session, the same origin and
// the session's CSRF token.
Gate make_gate(const RouteContext& context);

}  // namespace qb::server
