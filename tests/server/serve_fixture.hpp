#pragma once
// A real `qualbar serve` process on a store holding the demo's two runs, the two reviewers' grades
// of the second and the monitor of the demo's production log (the README tour's steps 1 to 6),
// with one person of each role signed in (through a one-time link, as a browser would) and an API
// token of each scope. Tests ask it with a real HTTP client.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "../cli/run_qualbar.hpp"

namespace qb::test {

class ServedDemo {
 public:
  // `serve_args`: flags added to the serve command (a small --ingest-queue-bytes).
  explicit ServedDemo(const std::vector<std::string>& serve_args = {})
      : dir_("qualbar-served-demo") {
    const auto demo = run_qualbar("demo --dir d --store s.db", dir_);
    if (demo.exit_code != 0) throw std::runtime_error("qualbar demo failed: " + demo.err);
    for (const char* step :
         {"review import --run latest --store s.db d/grades/reviewer-1.jsonl d/grades/reviewer-2.csv",
          "monitor ingest d/production.jsonl --suite d/suite.yaml --store s.db"}) {
      const auto r = run_qualbar(step, dir_);
      if (r.exit_code != 0) throw std::runtime_error(std::string(step) + " failed: " + r.err);
    }
    for (const char* role : {"admin", "viewer", "reviewer"}) {
      links_[role] = add_user(std::string(role) + "-1", role);
    }
    for (const std::string scope : {"read", "runs:write", "records:write"}) {
      std::string name = "for-" + scope;
      std::replace(name.begin(), name.end(), ':', '-');
      const auto t = run_qualbar(
          std::vector<std::string>{"tokens", "add", name, "--scope", scope, "--store", "s.db"},
          dir_);
      tokens_[scope] = line_starting(t.out, "  qbt_").substr(2);
    }
    // The monitor is evaluated when a test says so (serve_monitor_test.cpp starts its own).
    std::vector<std::string> serve = {"serve",       "--store",         "s.db", "--listen",
                                      "127.0.0.1:0", "--monitor-every", "0"};
    serve.insert(serve.end(), serve_args.begin(), serve_args.end());
    server_ = start_qualbar(serve, dir_);
    for (int i = 0; i < 400 && port_ == 0; ++i) {
      const std::string out = server_->out_so_far();
      const auto at = out.find("http://127.0.0.1:");
      if (at != std::string::npos) port_ = std::stoi(out.substr(at + 17));
      else std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    if (port_ == 0) throw std::runtime_error("qualbar serve did not start: " + server_->err_so_far());
    for (const auto& [role, link] : links_) cookies_[role] = sign_in(link);
  }
  ~ServedDemo() {
    server_->signal(SIGTERM);
    const auto r = server_->wait();
    EXPECT_EQ(r.exit_code, 0) << r.err;  // SIGTERM: a clean stop
  }

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] const TempDir& dir() const { return dir_; }
  [[nodiscard]] std::string server_err() const { return server_->err_so_far(); }

  // A client with nothing: no session, no token.
  [[nodiscard]] httplib::Client anonymous() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_keep_alive(true);
    return c;
  }
  // A client with the session of the signed-in person of `role` (admin, viewer, reviewer).
  [[nodiscard]] httplib::Client as(const std::string& role) const {
    httplib::Client c = anonymous();
    c.set_default_headers({{"Cookie", "qualbar_session=" + cookies_.at(role)}});
    return c;
  }
  // A client sending the API token of `scope` (read, runs:write, records:write).
  [[nodiscard]] httplib::Client with_token(const std::string& scope) const {
    httplib::Client c = anonymous();
    c.set_default_headers({{"Authorization", "Bearer " + tokens_.at(scope)}});
    return c;
  }
  [[nodiscard]] const std::string& cookie(const std::string& role) const { return cookies_.at(role); }
  [[nodiscard]] const std::string& token(const std::string& scope) const { return tokens_.at(scope); }
  // The CSRF token of the role's session, as its pages carry it.
  [[nodiscard]] std::string csrf(const std::string& role) const {
    auto c = as(role);
    const auto r = c.Get("/api/v1/me");
    if (!r || r->status != 200) throw std::runtime_error("GET /api/v1/me failed");
    return nlohmann::json::parse(r->body)["csrf"];
  }

  // Adds a user with `qualbar users add` and returns their sign-in link.
  std::string add_user(const std::string& name, const std::string& role) {
    const auto r = run_qualbar(
        std::vector<std::string>{"users", "add", name, "--role", role, "--store", "s.db"}, dir_);
    if (r.exit_code != 0) throw std::runtime_error("users add failed: " + r.err);
    return line_starting(r.out, "  http").substr(2);
  }

  // Signs in with a link as a browser does (the link's page, then its form's post); the session
  // cookie's value, or "" when the sign-in was refused.
  [[nodiscard]] std::string sign_in(const std::string& link) const {
    const std::string secret = link.substr(link.rfind('/') + 1);
    auto c = anonymous();
    const auto page = c.Get("/signin/" + secret);
    if (!page || page->status != 200) return "";
    const auto r = c.Post("/signin", "secret=" + secret, "application/x-www-form-urlencoded");
    if (!r || r->status != 303) return "";
    const std::string cookie = r->get_header_value("Set-Cookie");
    const auto eq = cookie.find('='), semi = cookie.find(';');
    return cookie.substr(eq + 1, semi - eq - 1);
  }

 private:
  static std::string line_starting(const std::string& text, const std::string& prefix) {
    const auto at = text.find(prefix);
    if (at == std::string::npos) throw std::runtime_error("no line starting '" + prefix + "' in:\n" + text);
    return text.substr(at, text.find('\n', at) - at);
  }

  TempDir dir_;
  std::unique_ptr<RunningQualbar> server_;
  int port_ = 0;
  std::map<std::string, std::string> links_, cookies_, tokens_;
};

// A test suite whose tests share one served demo, started before its first test and stopped
// after its last: `class Serve : public test::ServedDemoSuite<Serve> { ... };` (the parameter
// gives each suite a server of its own).
template <class Suite>
class ServedDemoSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { demo_ = new ServedDemo(); }
  static void TearDownTestSuite() {
    delete demo_;
    demo_ = nullptr;
  }
  static inline ServedDemo* demo_ = nullptr;
};

}  // namespace qb::test
