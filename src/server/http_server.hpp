#pragma once
// The HTTP/1.1 server under qualbar serve: Boost.Beast on Boost.Asio, one io_context run by a
// thread per core, every connection asynchronous (a keep-alive connection holds no thread while
// it waits). The only file that includes Beast. Internal.

#include <functional>
#include <string>

#include "qualbar/server/serve.hpp"
#include "server/http.hpp"

namespace qb::server {

// Listens on options.listen and answers every request with `router` until SIGINT or SIGTERM.
// `on_listening` gets "http://HOST:PORT" ("https://" with TLS) once the socket accepts
// connections. Throws InputError for a bad address, a non-loopback one without TLS or
// --insecure-http, or a certificate or key that cannot be used.
void run_http_server(const ServeOptions& options, const Router& router,
                     const std::function<void(const std::string&)>& on_listening);

}  // namespace qb::server
