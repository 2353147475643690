#include "server/routes.hpp"

#include <nlohmann/json.hpp>

#include "qualbar/store/store.hpp"

namespace qb::server {

Router make_router(const RouteContext& context) {
  Router router;
  router.set_gate(make_gate(context));
  router.add("GET", "/healthz", Access::open, [](const Request&) {
    return Response::json(dump({{"status", "ok"}}));
  });
  const std::string store_path = context.store_path;
  router.add("GET", "/readyz", Access::open, [store_path](const Request&) {
    try {
      (void)thread_store(store_path).runs().list_runs(1);
    } catch (const std::exception&) {
      return Response::error(503, "the store cannot be read");
    }
    return Response::json(dump({{"status", "ready"}}));
  });
  add_auth_routes(router, context);
  add_admin_routes(router, context);
  add_run_routes(router, context);
  add_run_admin_routes(router, context);
  add_upload_routes(router, context);
  add_case_routes(router, context);
  add_compare_routes(router, context);
  add_production_routes(router, context);
  add_judge_check_routes(router, context);
  add_metrics_routes(router, context, std::make_shared<RequestMetrics>());
  add_ingest_routes(router, context);
  add_review_routes(router, context);
  return router;
}

}  // namespace qb::server
