#pragma once
// qualbar serve: the team's pages and the JSON API, served from a store (docs/serve.md,
// docs/api.md). One process; HTTP/1.1 with keep-alive on an event loop per core.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace qb {

struct ServeOptions {
  std::string store;                    // the store's path or URL
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string public_url;               // the address people open (links); default http://listen
  bool insecure_http = false;           // allow a non-loopback address without TLS
  std::string tls_cert;                 // PEM certificate chain: serve HTTPS
  std::string tls_key;                  // PEM private key of tls_cert
  std::size_t threads = 0;              // event-loop threads (0: one per core)
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_upload_bytes = 256 * 1024 * 1024;  // a run bundle (POST /api/v1/runs)
  // A body of production records (POST /api/v1/records, /v1/traces) may be this large.
  std::size_t max_ingest_bytes = 64 * 1024 * 1024;
  // Bodies of records waiting for the store's writer, at most; more is answered 429.
  std::size_t ingest_queue_bytes = 256 * 1024 * 1024;
  std::uint32_t idle_timeout_s = 30;  // a connection with nothing to read or write is closed
  // Every monitor evaluated (incidents recorded, the webhook told) this often, in seconds, and
  // when a week closes; 0: never (`qualbar monitor status` does it).
  std::uint32_t monitor_every_s = 300;
  std::string webhook;  // where incident events are posted ("": nowhere)
};

// Serves until SIGINT or SIGTERM, then returns 0. `on_listening` is called once with the address
// it listens on ("http://127.0.0.1:8080", "https://…" with TLS). Throws InputError for a bad
// address, a non-loopback one without TLS or --insecure-http, or a TLS certificate or key that
// cannot be read or used (naming the file and why); RunError when it cannot listen or open the
// store.
int serve(const ServeOptions& options,
          const std::function<void(const std::string& address)>& on_listening);

}  // namespace qb
