#include "server/http_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
#include <vector>

#include <fmt/format.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "qualbar/core/error.hpp"
#include "qualbar/util/text.hpp"
#include "server/body_buffers.hpp"

namespace qb::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Sent with every response: no sniffing, no framing, no referrer, nothing cached (pages hold
// private data), and a policy that allows nothing unless the page says more.
constexpr const char* kDefaultPolicy =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

// A request's body as a string, appended to as it is read. Beast's string_body resizes the
// string before each copy, writing every byte twice (zeros, then the body); this one copies once,
// into a buffer taken from body_buffers.hpp when the Content-Length says it is large.
struct RequestBody {
  using value_type = std::string;
  class reader {
   public:
    template <bool isRequest, class Fields>
    explicit reader(http::header<isRequest, Fields>& /*head*/, value_type& body) : body_(body) {}
    void init(const boost::optional<std::uint64_t>& length, beast::error_code& ec) {
      // The length is within the body limit: the parser refused a larger one before.
      if (length && body_.capacity() < *length) body_ = take_body_buffer(*length);
      ec = {};
    }
    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, beast::error_code& ec) {
      std::size_t n = 0;
      for (const auto b : beast::buffers_range_ref(buffers)) {
        body_.append(static_cast<const char*>(b.data()), b.size());
        n += b.size();
      }
      ec = {};
      return n;
    }
    void finish(beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};
using RequestParser = http::request_parser<RequestBody>;

Request to_request(http::request<RequestBody>& in) {
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
  r.body = std::move(in.body());
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

// One connection, over plain TCP (beast::tcp_stream) or TLS (TlsStream): the TLS handshake first,
// then requests read and answered in turn until the client or the idle timeout closes it.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... StreamArgs>
  Session(const Router& router, const ServeOptions& options, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...), router_(router), options_(options) {}

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::begin, this->shared_from_this()));
  }

 private:
  void begin() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_s));
      stream_.async_handshake(
          net::ssl::stream_base::server,
          beast::bind_front_handler(&Session::on_handshake, this->shared_from_this()));
    } else {
      read();
    }
  }

  // A failed handshake (plain HTTP to the TLS port, a client that distrusts the certificate)
  // has no one to answer: the connection is dropped.
  void on_handshake(beast::error_code ec) {
    if (!ec) read();
  }

  // The head first: the body limit depends on the target (production records and an uploaded
  // run bundle may be larger than any other body), and a body over it is refused before it is
  // sent.
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
    parser_->body_limit(
        std::max({options_.max_body_bytes, options_.max_ingest_bytes, options_.max_upload_bytes}));
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_s));
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&Session::on_header, this->shared_from_this()));
  }

  std::size_t body_limit() const {
    const auto& head = parser_->get();
    const std::string_view target(head.target().data(), head.target().size());
    if (ingest_target(target)) return options_.max_ingest_bytes;
    const bool upload = head.method() == http::verb::post &&
                        target.substr(0, target.find('?')) == "/api/v1/runs";
    return upload ? options_.max_upload_bytes : options_.max_body_bytes;
  }

  static constexpr std::size_t kBodyReadBytes = 256 * 1024;

  void on_header(beast::error_code ec, std::size_t n) {
    if (ec) return on_read(ec, n);
    const std::size_t limit = body_limit();
    if (const auto length = parser_->content_length(); length && *length > limit)
      return on_read(http::error::body_limit, n);
    parser_->body_limit(limit);
    // Beast reads as much as the buffer has room for: a buffer left at the head's size reads a
    // large body a few hundred bytes at a time.
    buffer_.reserve(kBodyReadBytes);
    // A client that asks first (curl does for a body over 1 MiB) is told to go on; otherwise it
    // waits a second before it sends the body.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, parser_->get().version());
      return http::async_write(stream_, *continue_,
                               beast::bind_front_handler(&Session::on_continue, this->shared_from_this()));
    }
    read_body();
  }

  void on_continue(beast::error_code ec, std::size_t) {
    if (ec) return close();
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::on_read, this->shared_from_this()));
  }

  static bool ended(const beast::error_code& ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof)
      return true;
    if constexpr (kTls) return ec == net::ssl::error::stream_truncated;
    return false;
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ended(ec)) return close();
    if (ec == http::error::body_limit) {
      return fail(413, fmt::format("the request body is over the limit of {} bytes", body_limit()));
    }
    if (ec == http::error::header_limit)
      return fail(431, "the request's headers are over the limit");
    if (ec) return fail(400, "the request is not valid HTTP/1.1");
    http::request<RequestBody> req = parser_->release();
    Response response;
    try {
      Request request = to_request(req);
      beast::error_code ec_peer;
      const tcp::endpoint peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec_peer);
      if (!ec_peer) request.peer = peer.address().to_string();
      response = router_.handle(std::move(request));
    } catch (const HttpError& e) {
      response = Response::error(e.status(), e.what());
    }
    const bool head = req.method() == http::verb::head;
    if (response.deferred)
      return defer(std::move(response.deferred), req.version(), req.keep_alive());
    if (response.stream)
      return write_stream(std::move(response), req.version(), req.keep_alive(), head);
    write(to_beast(response, req.version(), req.keep_alive(), head));
  }

  // The handler answers later, from another thread: the answer is written on this session's
  // strand once it comes.
  void defer(std::function<void(std::function<void(Response)>)> deferred, unsigned version,
             bool keep_alive) {
    auto self = this->shared_from_this();
    deferred([self, version, keep_alive](Response r) {
      net::post(self->stream_.get_executor(), [self, version, keep_alive, r = std::move(r)]() {
        self->write(to_beast(r, version, keep_alive, false));
      });
    });
  }

  // Answers with an error and closes: what follows a malformed request cannot be trusted.
  void fail(int status, const std::string& message) {
    keep_alive_ = false;
    write(to_beast(Response::error(status, message), 11, false, false));
  }

  void write(http::response<http::string_body>&& response) {
    response_ = std::move(response);
    keep_alive_ = keep_alive_ && response_.keep_alive();
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_s));
    http::async_write(stream_, response_,
                      beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
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
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_s));
    http::async_write_header(
        stream_, *serializer_,
        beast::bind_front_handler(&Session::next_chunk, this->shared_from_this()));
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
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(options_.idle_timeout_s));
    auto again = beast::bind_front_handler(&Session::next_chunk, this->shared_from_this());
    if (!chunk_.empty())
      return net::async_write(stream_, http::make_chunk(net::buffer(chunk_)), std::move(again));
    if (more) {  // an empty part: ask again without writing (an empty chunk would end the body)
      return net::post(stream_.get_executor(), [again = std::move(again)]() mutable {
        again(beast::error_code{}, std::size_t{0});
      });
    }
    if (head_only_) return on_write({}, 0);  // HEAD: the head alone
    net::async_write(stream_, http::make_chunk_last(),
                     beast::bind_front_handler(&Session::on_write, this->shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    if (ec) return close();
    if (!keep_alive_) return close();
    read();
  }

  void close() {
    if constexpr (kTls) {
      // TLS says goodbye first (close_notify); a client that is gone times out.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown(
          beast::bind_front_handler(&Session::on_shutdown, this->shared_from_this()));
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  void on_shutdown(beast::error_code) {}  // the socket closes with the session

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::optional<http::response<http::empty_body>> continue_;  // "100 Continue", while it is sent
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
           const ServeOptions& options, net::ssl::context* tls)
      : io_(io), acceptor_(acceptor), router_(router), options_(options), tls_(tls) {}

  void accept() {
    acceptor_.async_accept(
        net::make_strand(io_),
        beast::bind_front_handler(&Listener::on_accept, this->shared_from_this()));
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;  // stopping
    if (!ec && tls_ != nullptr)
      std::make_shared<Session<TlsStream>>(router_, options_, std::move(socket), *tls_)->start();
    else if (!ec)
      std::make_shared<Session<beast::tcp_stream>>(router_, options_, std::move(socket))->start();
    accept();
  }

  net::io_context& io_;
  tcp::acceptor& acceptor_;
  const Router& router_;
  const ServeOptions& options_;
  net::ssl::context* tls_;  // null: plain HTTP
};

// The TLS context of --tls-cert and --tls-key (TLS 1.2 and later); an InputError naming the file
// and what is wrong with it.
std::unique_ptr<net::ssl::context> tls_context(const ServeOptions& options) {
  if (options.tls_cert.empty() && options.tls_key.empty()) return nullptr;
  if (options.tls_cert.empty() || options.tls_key.empty())
    throw InputError(fmt::format("{} needs {} too: the certificate and its private key go together",
                                 options.tls_cert.empty() ? "--tls-key" : "--tls-cert",
                                 options.tls_cert.empty() ? "--tls-cert" : "--tls-key"));
  auto context = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  context->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                       net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                       net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  const auto check = [](const char* flag, const std::string& path, const beast::error_code& ec,
                        const char* what) {
    if (!std::ifstream(path))
      throw InputError(fmt::format("{} {}: cannot be read (no such file, or no permission)", flag,
                                   display_text(path)));
    if (ec)
      throw InputError(
          fmt::format("{} {}: not a {}: {}", flag, display_text(path), what, ec.message()));
  };
  beast::error_code ec;
  context->use_certificate_chain_file(options.tls_cert, ec);
  check("--tls-cert", options.tls_cert, ec, "PEM certificate chain");
  context->use_private_key_file(options.tls_key, net::ssl::context::pem, ec);
  check("--tls-key", options.tls_key, ec, "PEM private key of the certificate");
  return context;
}

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
  const std::unique_ptr<net::ssl::context> tls = tls_context(options);
  if (!endpoint.address().is_loopback() && !options.insecure_http && !tls) {
    throw InputError(fmt::format(
        "--listen {}: only this machine can reach a loopback address; any other address would "
        "send sign-in links, sessions and grades in clear text. Serve HTTPS with --tls-cert and "
        "--tls-key, or put a TLS-terminating proxy in front and pass --insecure-http",
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
    throw RunError(
        fmt::format("cannot listen on {}: {}", display_text(options.listen), ec.message()));
  }
  std::make_shared<Listener>(io, acceptor, router, options, tls.get())->accept();
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    acceptor.close();
    io.stop();
  });
  const tcp::endpoint bound = acceptor.local_endpoint();
  const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                   : bound.address().to_string();
  on_listening(fmt::format("{}://{}:{}", tls ? "https" : "http", host, bound.port()));
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}

}  // namespace qb::server
