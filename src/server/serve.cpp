#include "qualbar/server/serve.hpp"

#include <filesystem>
#include <memory>

#include "qualbar/store/store.hpp"
#include "server/http_server.hpp"
#include "server/ingest_service.hpp"
#include "server/monitor_timer.hpp"
#include "server/routes.hpp"

namespace qb {

int serve(const ServeOptions& options,
          const std::function<void(const std::string& address)>& on_listening) {
  // The store must exist and open before the first request: a typo is an error now, not a 500.
  (void)open_store(options.store, StoreAccess::existing);
  // Bad records go where `monitor ingest` puts them by default: next to the store.
  const std::string quarantine =
      (std::filesystem::path(options.store).parent_path() / "quarantine.jsonl").string();
  auto ingest = std::make_shared<server::IngestService>(options.store, options.ingest_queue_bytes,
                                                        quarantine);
  const server::Router router = server::make_router(
      server::RouteContext{options.store, !options.tls_cert.empty(), options.public_url, ingest});
  std::unique_ptr<server::MonitorTimer> monitors;
  server::run_http_server(options, router, [&](const std::string& address) {
    if (options.monitor_every_s > 0)
      monitors = std::make_unique<server::MonitorTimer>(options.store, options.monitor_every_s,
                                                        options.webhook);
    on_listening(address);
  });
  monitors.reset();  // stops it: the last evaluation finishes, the lease is given up
  return 0;
}

}  // namespace qb
