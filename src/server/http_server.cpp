#include "server/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"

namespace qb::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Sent with every response: no sniffing, no framing, no referrer, nothing cached (pages hold
// private data), and a policy that allows nothing unless the page says more.
constexpr const char* kDefaultPolicy =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

Request to_request(const http::request<http::string_body>& in) {
  Request r;
  r.method = std::string(in.method_string());
  const std::string_view target(in.target().data(), in.target().size());
  const std::size_t q = target.find('?');
  const auto path = url_decode(target.substr(0, q), false);
  if (!path || path->empty() || path->front() != '/')
    throw HttpError(400, "the request's path is not a valid URL path");
  r.path = *path;
  if (q != std::string_view::npos) {
    auto query = parse_query(target.substr(q + 1));
    if (!query) throw HttpError(400, "the request's query string is malformed");
    r.query = std::move(*query);
  }
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    r.headers[name] = std::string(field.value());
  }
  r.body = in.body();
  return r;
}

// The status and headers of `r`, with the security headers every response carries.
template <class Body>
void set_head(http::response<Body>& out, const Response& r, bool keep_alive) {
  out.set(http::field::server, "qualbar");
  out.set(http::field::content_type, r.content_type);
  out.set(http::field::cache_control, "no-store");
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "no-referrer");
  out.set("X-Frame-Options", "DENY");
  bool policy = false;
  for (const auto& [name, value] : r.headers) {
    out.set(name, value);
    policy = policy || name == "Content-Security-Policy";
  }
  if (!policy) out.set("Content-Security-Policy", kDefaultPolicy);
  out.keep_alive(keep_alive);
}

http::response<http::string_body> to_beast(const Response& r, unsigned version, bool keep_alive,
                                           bool head) {
  http::response<http::string_body> out{static_cast<http::status>(r.status), version};
  set_head(out, r, keep_alive);
  out.body() = r.body;
  out.prepare_payload();
  if (head) out.body().clear();  // the length stays the GET's
  return out;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, const Router& router, const ServeOptions& options)
      : stream_(std::move(socket)), router_(router), options_(options) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::read, shared_from_this()));
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(options_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof) {
      return close();
    }
    if (ec == http::error::body_limit) {
      return fail(413, fmt::format("the request body is over the limit of {} bytes",
                                   options_.max_body_bytes));
    }
    if (ec == http::error::header_limit)
      return fail(431, "the request's headers are over the limit");
    if (ec) return fail(400, "the request is not valid HTTP/1.1");
    const http::request<http::string_body> req = parser_->release();
    Response response;
    try {
      Request request = to_request(req);
      beast::error_code ec_peer;
      const tcp::endpoint peer = stream_.socket().remote_endpoint(ec_peer);
      if (!ec_peer) request.peer = peer.address().to_string();
      response = router_.handle(std::move(request));
    } catch (const HttpError& e) {
      response = Response::error(e.status(), e.what());
    }
    const bool head = req.method() == http::verb::head;
    if (response.stream)
      return write_stream(std::move(response), req.version(), req.keep_alive(), head);
    write(to_beast(response, req.version(), req.keep_alive(), head));
  }

  // Answers with an error and closes: what follows a malformed request cannot be trusted.
  void fail(int status, const std::string& message) {
    keep_alive_ = false;
    write(to_beast(Response::error(status, message), 11, false, false));
  }

  void write(http::response<http::string_body>&& response) {
    response_ = std::move(response);
    keep_alive_ = keep_alive_ && response_.keep_alive();
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_s));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  // A streamed answer: the head, then each part the producer gives as a chunk, then the last
  // (empty) chunk. A producer that throws ends the connection without the last chunk, so the
  // client sees the answer cut short rather than complete.
  void write_stream(Response&& response, unsigned version, bool keep_alive, bool head) {
    stream_head_.emplace(static_cast<http::status>(response.status), version);
    set_head(*stream_head_, response, keep_alive);
    stream_head_->chunked(true);
    keep_alive_ = keep_alive_ && keep_alive;
    head_only_ = head;
    producer_ = head ? nullptr : std::move(response.stream);
    serializer_.emplace(*stream_head_);
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_s));
    http::async_write_header(stream_, *serializer_,
                             beast::bind_front_handler(&Session::next_chunk, shared_from_this()));
  }

  void next_chunk(beast::error_code ec, std::size_t) {
    if (ec) return close();
    chunk_.clear();
    bool more = false;
    if (producer_) {
      try {
        more = producer_(chunk_);
      } catch (const std::exception& e) {
        std::cerr << fmt::format("qualbar serve: a streamed answer stopped: {}\n", e.what());
        producer_ = nullptr;
        keep_alive_ = false;
        return close();
      }
    }
    if (!more) producer_ = nullptr;
    stream_.expires_after(std::chrono::seconds(options_.idle_timeout_s));
    auto again = beast::bind_front_handler(&Session::next_chunk, shared_from_this());
    if (!chunk_.empty())
      return net::async_write(stream_, http::make_chunk(net::buffer(chunk_)), std::move(again));
    if (more) {  // an empty part: ask again without writing (an empty chunk would end the body)
      return net::post(stream_.get_executor(), [again = std::move(again)]() mutable {
        again(beast::error_code{}, std::size_t{0});
      });
    }
    if (head_only_) return on_write({}, 0);  // HEAD: the head alone
    net::async_write(stream_, http::make_chunk_last(),
                     beast::bind_front_handler(&Session::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!keep_alive_) return close();
    read();
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  // A streamed answer's head, its writer, the producer of its parts and the part being written.
  std::optional<http::response<http::empty_body>> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> serializer_;
  std::function<bool(std::string&)> producer_;
  std::string chunk_;
  bool head_only_ = false;
  const Router& router_;
  const ServeOptions& options_;
  bool keep_alive_ = true;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, tcp::acceptor& acceptor, const Router& router,
           const ServeOptions& options)
      : io_(io), acceptor_(acceptor), router_(router), options_(options) {}

  void accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // stopping
    if (!ec) std::make_shared<Session>(std::move(socket), router_, options_)->start();
    accept();
  }

  net::io_context& io_;
  tcp::acceptor& acceptor_;
  const Router& router_;
  const ServeOptions& options_;
};

// "host:port" → an endpoint; the host an IP address or localhost.
tcp::endpoint parse_listen(const std::string& listen) {
  const std::size_t colon = listen.rfind(':');
  const auto bad = [&](const std::string& why) {
    return InputError(fmt::format("--listen '{}': {}", display_text(listen), why));
  };
  if (colon == std::string::npos) throw bad("expected HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  unsigned long number = 0;
  try {
    std::size_t used = 0;
    number = std::stoul(port, &used);
    if (used != port.size() || number > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw bad("the port must be a number from 0 to 65535 (0: any free port)");
  }
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) throw bad("the host must be an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost");
  return {address, static_cast<unsigned short>(number)};
}

}  // namespace

void run_http_server(const ServeOptions& options, const Router& router,
                     const std::function<void(const std::string&)>& on_listening) {
  const tcp::endpoint endpoint = parse_listen(options.listen);
  if (!endpoint.address().is_loopback() && !options.insecure_http) {
    throw InputError(fmt::format(
        "--listen {}: only this machine can reach a loopback address; any other address would "
        "send sign-in links, sessions and grades in clear text. Put a TLS-terminating proxy in "
        "front and pass --insecure-http to listen on it anyway",
        display_text(options.listen)));
  }
  const std::size_t threads =
      options.threads > 0 ? options.threads : std::max(1U, std::thread::hardware_concurrency());
  net::io_context io(static_cast<int>(threads));
  tcp::acceptor acceptor(io);
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    throw RunError(fmt::format("cannot listen on {}: {}", display_text(options.listen),
                               ec.message()));
  }
  std::make_shared<Listener>(io, acceptor, router, options)->accept();
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    acceptor.close();
    io.stop();
  });
  const tcp::endpoint bound = acceptor.local_endpoint();
  const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                   : bound.address().to_string();
  on_listening(fmt::format("http://{}:{}", host, bound.port()));
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}

}  // namespace qb::server
