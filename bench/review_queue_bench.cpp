// qualbar_review_queue_bench: reviewers grading a review queue on a running qualbar serve, as
// fast as they can, each in a thread of its own with its own session: every round trip is the
// next item (GET /api/v1/review/queues/Q/next) and its grade (POST .../items/POS). Prints the
// round trips' p50, p95 and p99 and how many grades a second were stored
// (bench/review/run.sh, docs/benchmarks.md "Review queues").
//   qualbar_review_queue_bench PORT QUEUE DIMENSION LINKS_FILE SECONDS [THINK_MS]
// LINKS_FILE: one sign-in link a line (from `qualbar users add`), one reviewer each. THINK_MS: a
// reviewer reads each item for a time drawn evenly from 0 to twice this before grading it (0: no
// pause, every reviewer as fast as the server answers).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

struct Reviewer {
  std::string cookie, csrf;
  std::vector<double> round_trips_ms;
  std::size_t refused = 0;
};

// Signs in with a one-time link as a browser does; the session cookie and its CSRF token.
bool sign_in(int port, const std::string& link, Reviewer& r) {
  const std::string secret = link.substr(link.rfind('/') + 1);
  httplib::Client c("127.0.0.1", port);
  const auto page = c.Get("/signin/" + secret);
  const auto res = c.Post("/signin", "secret=" + secret, "application/x-www-form-urlencoded");
  if (!page || !res || res->status != 303) return false;
  const std::string set = res->get_header_value("Set-Cookie");
  r.cookie = set.substr(0, set.find(';'));
  c.set_default_headers({{"Cookie", r.cookie}});
  const auto me = c.Get("/api/v1/me");
  if (!me || me->status != 200) return false;
  r.csrf = nlohmann::json::parse(me->body)["csrf"];
  return true;
}

void grade_until(int port, const std::string& queue, const std::string& dimension, Reviewer& r,
                 Clock::time_point end, int think_ms, std::atomic<std::size_t>& stored) {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> think(0, 2 * think_ms);
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);  // a head and a body sent apart must not wait for a delayed ACK
  c.set_default_headers({{"Cookie", r.cookie}, {"X-CSRF-Token", r.csrf}});
  const std::string base = "/api/v1/review/queues/" + queue;
  std::size_t n = 0;
  while (Clock::now() < end) {
    const auto start = Clock::now();
    const auto next = c.Get(base + "/next");
    if (!next || next->status != 200) {
      ++r.refused;
      continue;
    }
    const auto item = nlohmann::json::parse(next->body)["item"];
    if (item.is_null()) break;
    const auto answered = Clock::now();
    if (think_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(think(rng)));
    const auto graded = Clock::now();
    // A pair is graded by place (first, second or tie), an answer by a number on its scale.
    static const char* const kPicks[] = {"\"first\"", "\"second\"", "\"tie\""};
    ++n;
    const std::string grade = item.value("pairwise", false) ? kPicks[n % 3]
                                                            : std::to_string(n % 3 == 0 ? 0 : 1);
    const std::string body = "{\"grades\":{\"" + dimension + "\":" + grade + "}}";
    const auto res = c.Post(base + "/items/" + std::to_string(item["pos"].get<long long>()), body,
                            "application/json");
    if (!res || res->status != 200) {
      ++r.refused;
      continue;
    }
    // The two requests' times, without the reading in between.
    r.round_trips_ms.push_back(
        std::chrono::duration<double, std::milli>(answered - start + (Clock::now() - graded))
            .count());
    ++stored;
  }
}

double quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6 && argc != 7) {
    std::fprintf(stderr, "usage: %s PORT QUEUE DIMENSION LINKS_FILE SECONDS [THINK_MS]\n",
                 argv[0]);
    return 2;
  }
  const int port = std::stoi(argv[1]);
  const std::string queue = argv[2], dimension = argv[3];
  const int seconds = std::stoi(argv[5]);
  const int think_ms = argc == 7 ? std::stoi(argv[6]) : 0;
  std::vector<Reviewer> reviewers;
  std::ifstream links(argv[4]);
  for (std::string link; std::getline(links, link);) {
    if (link.empty()) continue;
    Reviewer r;
    if (!sign_in(port, link, r)) {
      std::fprintf(stderr, "cannot sign in with %s\n", link.c_str());
      return 1;
    }
    reviewers.push_back(std::move(r));
  }
  std::atomic<std::size_t> stored{0};
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (auto& r : reviewers)
    threads.emplace_back(
        [&, p = &r] { grade_until(port, queue, dimension, *p, end, think_ms, stored); });
  for (auto& t : threads) t.join();
  std::vector<double> all;
  std::size_t refused = 0;
  for (auto& r : reviewers) {
    all.insert(all.end(), r.round_trips_ms.begin(), r.round_trips_ms.end());
    refused += r.refused;
  }
  std::printf("%zu reviewers at once for %d s, reading each item %d ms on average: %zu grades "
              "stored (%.0f a second), %zu refused\n",
              reviewers.size(), seconds, think_ms, stored.load(),
              static_cast<double>(stored.load()) / seconds, refused);
  std::printf("next item + grade, round trip: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n",
              quantile(all, 0.50), quantile(all, 0.95), quantile(all, 0.99));
  return 0;
}
