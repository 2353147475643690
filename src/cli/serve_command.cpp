// qualbar serve: the pages and the JSON API over a store.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/server/serve.hpp"
#include "qualbar/util/huge_pages.hpp"

namespace qb::cli {
namespace {

struct ServeCliOptions {
  std::string store;
  ServeOptions serve;
  std::size_t max_upload_mb = 256;
  std::size_t monitor_every = 300;
};

int serve_command(ServeCliOptions& o) {
  o.serve.store = resolve_store_path(o.store, "");
  if (o.max_upload_mb == 0 || o.max_upload_mb > 64 * 1024)
    throw InputError("--max-upload-mb: a size from 1 to 65536 (MiB)");
  o.serve.max_upload_bytes = o.max_upload_mb * 1024 * 1024;
  if (o.monitor_every > 7 * 24 * 3600)
    throw InputError("--monitor-every: at most a week (604800 seconds); 0 turns it off");
  o.serve.monitor_every_s = static_cast<std::uint32_t>(o.monitor_every);
  // The pages that read runs whole (a comparison, a review queue of pairs) take about two
  // kilobytes a case: a store of 32 MiB or more is served with huge pages, as `qualbar run`
  // reads a large dataset (before any thread starts).
  std::error_code ec;
  const std::uintmax_t bytes = std::filesystem::file_size(o.serve.store, ec);
  if (!ec) start_again_with_huge_pages_for(bytes);
  return serve(o.serve, [&](const std::string& address) {
    const std::string shown = o.serve.public_url.empty() ? address : o.serve.public_url;
    std::cout << fmt::format("qualbar serve: listening on {} (store {}). Open {}/ — Ctrl-C stops.\n",
                             address, o.serve.store, shown)
              << std::flush;
  });
}

const CommandRegistrar serve_command_registrar{CommandEntry{
    "serve", 45, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Serve the store's runs as pages and as a JSON API (docs/serve.md, docs/api.md) until "
          "Ctrl-C. Listens on this machine only (127.0.0.1) unless told otherwise: another address "
          "needs TLS (--tls-cert, --tls-key) or --insecure-http.");
      auto o = std::make_shared<ServeCliOptions>();
      add_store_option(sub, o->store);
      sub.add_option("--listen", o->serve.listen,
                     "HOST:PORT to listen on; port 0 picks a free one")
          ->default_val("127.0.0.1:8080");
      sub.add_option("--public-url", o->serve.public_url,
                     "The address people open, when a proxy serves it (links and the banner)");
      sub.add_option("--tls-cert", o->serve.tls_cert,
                     "Serve HTTPS with this PEM certificate chain (with --tls-key); other "
                     "machines may then reach it without --insecure-http");
      sub.add_option("--tls-key", o->serve.tls_key, "The PEM private key of --tls-cert");
      sub.add_flag("--insecure-http", o->serve.insecure_http,
                   "Listen on an address other machines can reach, without TLS (behind a "
                   "TLS-terminating proxy only)");
      sub.add_option("--threads", o->serve.threads, "Server threads (default: one per core)");
      sub.add_option("--max-upload-mb", o->max_upload_mb,
                     "The largest run bundle POST /api/v1/runs takes, in MiB")
          ->default_val(256);
      sub.add_option("--monitor-every", o->monitor_every,
                     "Evaluate every monitor this often (seconds) and when a week closes: "
                     "incidents recorded and posted to --webhook, one serve of several on a "
                     "store at a time; 0: never")
          ->default_val(300);
      sub.add_option("--webhook", o->serve.webhook,
                     "POST incident events (opened, updated, resolved) as JSON to this URL")
          ->envname("QUALBAR_WEBHOOK");
      sub.add_option("--max-ingest-bytes", o->serve.max_ingest_bytes,
                     "The largest body of production records (POST /api/v1/records, /v1/traces); "
                     "other requests stay at 1 MiB")
          ->default_val(std::to_string(o->serve.max_ingest_bytes));
      sub.add_option("--ingest-queue-bytes", o->serve.ingest_queue_bytes,
                     "Bodies of production records waiting for the store's writer, at most: a "
                     "request past it is answered 429 with Retry-After (one request is always "
                     "taken when none waits)")
          ->default_val(std::to_string(o->serve.ingest_queue_bytes));
      return [o] { return serve_command(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
