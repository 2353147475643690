// qualbar_ingest_client_bench: production records (or OTLP spans) sent to a running qualbar serve
// as a log shipper sends them: a few connections kept alive, each posting the next body as soon as
// the last is answered; a 429 is sent again after its Retry-After. Every file is read into memory
// first, so the client costs little more than the sending (bench/serve/ingest.sh, docs/benchmarks.md
// "Production records over HTTP").
//   qualbar_ingest_client_bench PORT TOKEN PATH CONTENT_TYPE CONNECTIONS FILE...
// Prints the bodies' bytes, the elapsed time from the first request to the last answer, and how
// many requests were answered 429 and sent again. Exit 1 when any answer is neither 200 nor 429.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

namespace {

using Clock = std::chrono::steady_clock;

std::string read_whole(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s PORT TOKEN PATH CONTENT_TYPE CONNECTIONS FILE...\n", argv[0]);
    return 2;
  }
  const int port = std::stoi(argv[1]);
  const std::string token = argv[2], path = argv[3], type = argv[4];
  const int connections = std::stoi(argv[5]);
  std::vector<std::string> bodies;
  std::size_t bytes = 0;
  for (int i = 6; i < argc; ++i) {
    bodies.push_back(read_whole(argv[i]));
    bytes += bodies.back().size();
  }
  std::atomic<std::size_t> next{0}, retried{0}, failed{0};
  std::mutex print;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int k = 0; k < connections; ++k) {
    threads.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      c.set_read_timeout(std::chrono::seconds(120));
      c.set_default_headers({{"Authorization", "Bearer " + token}});
      for (std::size_t i = next++; i < bodies.size(); i = next++) {
        for (;;) {
          const auto res = c.Post(path, bodies[i], type);
          if (res && res->status == 429) {
            ++retried;
            std::this_thread::sleep_for(std::chrono::seconds(
                std::max(1, std::atoi(res->get_header_value("Retry-After").c_str()))));
            continue;
          }
          if (!res || res->status != 200) {
            ++failed;
            const std::lock_guard lock(print);
            std::fprintf(stderr, "body %zu: %s\n", i,
                         res ? (std::to_string(res->status) + " " + res->body).c_str()
                             : httplib::to_string(res.error()).c_str());
          }
          break;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%zu bodies, %zu bytes in %.2f s over %d connections; %zu sent again after a 429\n",
              bodies.size(), bytes, seconds, connections, retried.load());
  return failed.load() == 0 ? 0 : 1;
}
