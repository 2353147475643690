// qualbar serve over HTTPS: --tls-cert and --tls-key with a self-signed certificate made by the
// openssl command, fetched with curl (which checks the certificate), a session cookie marked
// Secure, an address other machines reach allowed with TLS, and certificate files that cannot be
// used refused with exit 2.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "../cli/run_qualbar.hpp"

namespace qb {
namespace QB_UNITY_ID {

using test::run_qualbar;
using test::TempDir;

// What `command` (run by the shell in `dir`) writes to standard output.
std::string shell_output(const TempDir& dir, const std::string& command) {
  const std::string line = "cd '" + dir.work().string() + "' && " + command;
  FILE* p = ::popen(line.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ::pclose(p);
  return out;
}

bool have(const char* program) {
  return std::system((std::string("command -v ") + program + " > /dev/null 2>&1").c_str()) == 0;
}

// The port a started server prints in its banner ("https://127.0.0.1:PORT"), 0 if none.
int port_of(const test::RunningQualbar& server, const std::string& prefix) {
  for (int i = 0; i < 400; ++i) {
    const std::string out = server.out_so_far();
    const auto at = out.find(prefix);
    if (at != std::string::npos) return std::stoi(out.substr(at + prefix.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return 0;
}

class ServeTls : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("openssl") || !have("curl"))
      GTEST_SKIP() << "needs the openssl and curl commands (scripts/install-deps.sh test)";
    ASSERT_EQ(run_qualbar("demo --dir d --store s.db", dir_).exit_code, 0);
    shell_output(dir_,
                 "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
                 "-addext subjectAltName=IP:127.0.0.1 -keyout key.pem -out cert.pem 2>/dev/null");
    ASSERT_TRUE(std::filesystem::exists(dir_.work() / "cert.pem"));
  }
  TempDir dir_{"qualbar-serve-tls"};
};

TEST_F(ServeTls, ServesHttpsAndItsSessionCookieIsSecure) {
  const auto users = run_qualbar("users add ada --role viewer --store s.db", dir_);
  ASSERT_EQ(users.exit_code, 0) << users.err;
  const auto at = users.out.find("/signin/");
  ASSERT_NE(at, std::string::npos) << users.out;
  const std::string secret = users.out.substr(at + 8, users.out.find('\n', at) - at - 8);

  auto server = test::start_qualbar({"serve", "--store", "s.db", "--listen", "127.0.0.1:0",
                                     "--tls-cert", "cert.pem", "--tls-key", "key.pem"},
                                    dir_);
  const int port = port_of(*server, "https://127.0.0.1:");
  ASSERT_NE(port, 0) << server->out_so_far() << server->err_so_far();
  const std::string base = "https://127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(shell_output(dir_, "curl -s --cacert cert.pem " + base + "/healthz"),
            "{\"status\":\"ok\"}\n");
  // Plain HTTP to the TLS port gets no answer.
  EXPECT_EQ(shell_output(dir_, "curl -s --max-time 5 http://127.0.0.1:" + std::to_string(port) +
                                   "/healthz"),
            "");
  const std::string signin = shell_output(
      dir_, "curl -s -i --cacert cert.pem --data secret=" + secret + " " + base + "/signin");
  const auto cookie = signin.find("Set-Cookie: qualbar_session=");
  ASSERT_NE(cookie, std::string::npos) << signin;
  const std::string line = signin.substr(cookie, signin.find('\n', cookie) - cookie);
  EXPECT_NE(line.find("; Secure"), std::string::npos) << line;
  EXPECT_NE(line.find("HttpOnly"), std::string::npos) << line;
  server->signal(SIGTERM);
  EXPECT_EQ(server->wait().exit_code, 0);
}

TEST_F(ServeTls, WithTlsAnAddressOtherMachinesReachIsAllowed) {
  auto server = test::start_qualbar({"serve", "--store", "s.db", "--listen", "0.0.0.0:0",
                                     "--tls-cert", "cert.pem", "--tls-key", "key.pem"},
                                    dir_);
  EXPECT_NE(port_of(*server, "https://0.0.0.0:"), 0) << server->err_so_far();
  server->signal(SIGTERM);
  const auto r = server->wait();
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(ServeTls, ACertificateOrKeyThatCannotBeUsedIsRefused) {
  std::ofstream(dir_.work() / "junk.pem") << "not a certificate\n";
  const struct {
    const char* args;
    const char* message;
  } cases[] = {
      {"--tls-cert missing.pem --tls-key key.pem",
       "--tls-cert missing.pem: cannot be read (no such file, or no permission)"},
      {"--tls-cert junk.pem --tls-key key.pem", "--tls-cert junk.pem: not a PEM certificate chain: "},
      {"--tls-cert cert.pem --tls-key junk.pem",
       "--tls-key junk.pem: not a PEM private key of the certificate: "},
      {"--tls-cert cert.pem", "--tls-cert needs --tls-key too"},
  };
  for (const auto& c : cases) {
    const auto r = run_qualbar(
        std::string("serve --store s.db --listen 127.0.0.1:0 ") + c.args, dir_);
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << c.args << "\n" << r.err;
  }
}

}  // namespace QB_UNITY_ID
}  // namespace qb
