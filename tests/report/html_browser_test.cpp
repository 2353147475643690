// The HTML report in a real headless browser (Debian's chromium, installed by
// scripts/install-deps.sh): a run whose cases and outputs carry script, event-handler and
// javascript: injections is rendered, loaded, dumped and screenshotted. The test fails, not skips,
// without chromium: CI installs it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

#include "../cli/run_qualbar.hpp"

namespace qb {
namespace QB_UNITY_ID {

namespace fs = std::filesystem;
using test::TempDir;

std::optional<std::string> find_chromium() {
  if (const char* env = std::getenv("QB_CHROMIUM")) return std::string(env);
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    std::size_t start = 0;
    while (start <= dirs.size()) {
      const std::size_t end = std::min(dirs.find(':', start), dirs.size());
      const fs::path p = fs::path(dirs.substr(start, end - start)) / name;
      if (::access(p.c_str(), X_OK) == 0) return p.string();
      start = end + 1;
    }
  }
  return std::nullopt;
}

// Stands in for the network: chromium is told to send every request, loopback included, through
// this "proxy", which records each request line and answers none. A proxy sees requests for any
// host and scheme, unlike chromium's logs, whose wording changes between versions. Chromium also
// talks to its own services (updates, accounts, time), whatever the flags; those requests are told
// apart by host: a static page can only request a URL written in it, so a request counts as the
// page's when its host appears in the page's text (every hostile URL in the run does). A control
// page that does load a remote image proves the proxy is really in the path.
class CountingProxy {
 public:
  CountingProxy() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot open the counting proxy on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CountingProxy() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  [[nodiscard]] int port() const { return port_; }
  // The first line of every request seen since the last call.
  std::vector<std::string> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(requests_, {});
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string line = "(connection without a request line)";
      pollfd q{c, POLLIN, 0};
      char buf[1024];
      if (::poll(&q, 1, 1000) > 0) {
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n > 0)
          line = std::string(buf, static_cast<std::size_t>(n))
                     .substr(0, std::string(buf, n).find('\r'));
      }
      ::close(c);
      std::lock_guard lock(mutex_);
      requests_.push_back(line);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// Runs chromium headless on a file with the given extra flags; stdout is the result.
test::ProcessResult run_chromium(const std::string& chromium, const fs::path& page,
                                 const std::vector<std::string>& extra, const TempDir& dir,
                                 int proxy_port) {
  std::vector<std::string> args = {
      chromium,
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--user-data-dir=" + (dir.io() / "profile").string(),
      "--proxy-server=http://127.0.0.1:" + std::to_string(proxy_port),
      "--proxy-bypass-list=<-loopback>",  // loopback goes through the proxy too
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
      "--disable-domain-reliability",
      "--disable-client-side-phishing-detection",
      "--no-first-run",
      "--no-pings",
      "--metrics-recording-only",
      "--virtual-time-budget=2000",
      "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("file://" + page.string());
  const std::string out = (dir.io() / "chromium.out").string();
  const std::string err = (dir.io() / "chromium.err").string();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, STDOUT_FILENO);
    ::dup2(e, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  test::ProcessResult r;
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = test::read_text(out);
  r.err = test::read_text(err);
  return r;
}

// The host of a proxy request line: "CONNECT host:443 HTTP/1.1" or "GET http://host/p HTTP/1.1".
std::string request_host(const std::string& line) {
  const auto sp = line.find(' ');
  if (sp == std::string::npos) return line;
  std::string target = line.substr(sp + 1, line.find(' ', sp + 1) - sp - 1);
  if (const auto scheme = target.find("://"); scheme != std::string::npos)
    target = target.substr(scheme + 3);
  return target.substr(0, target.find_first_of(":/"));
}

// The requests among `lines` that the page at `page_text` could have made.
std::vector<std::string> page_requests(const std::vector<std::string>& lines,
                                       const std::string& page_text) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    const std::string host = request_host(l);
    if (!host.empty() && page_text.find(host) != std::string::npos) out.push_back(l);
  }
  return out;
}

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
};

// The start tags of serialised HTML. Chromium escapes '<' in text, so every '<' followed by a
// letter starts a tag; attribute values are quoted by the serialiser.
std::vector<Element> start_tags(const std::string& dom) {
  std::vector<Element> out;
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::size_t i = 0;
  while ((i = dom.find('<', i)) != std::string::npos) {
    ++i;
    if (i >= dom.size() || !std::isalpha(static_cast<unsigned char>(dom[i]))) continue;
    Element e;
    while (i < dom.size() && !std::isspace(static_cast<unsigned char>(dom[i])) && dom[i] != '>' &&
           dom[i] != '/')
      e.name += dom[i++];
    e.name = lower(e.name);
    while (i < dom.size() && dom[i] != '>') {
      if (std::isspace(static_cast<unsigned char>(dom[i])) || dom[i] == '/') {
        ++i;
        continue;
      }
      std::string name, value;
      while (i < dom.size() && dom[i] != '=' && dom[i] != '>' &&
             !std::isspace(static_cast<unsigned char>(dom[i])))
        name += dom[i++];
      if (i < dom.size() && dom[i] == '=') {
        ++i;
        const char q = dom[i];
        if (q == '"' || q == '\'') {
          const std::size_t end = dom.find(q, i + 1);
          value = dom.substr(i + 1, end - i - 1);
          i = end + 1;
        } else {
          while (i < dom.size() && dom[i] != '>' &&
                 !std::isspace(static_cast<unsigned char>(dom[i])))
            value += dom[i++];
        }
      }
      e.attributes.emplace_back(lower(name), value);
    }
    out.push_back(std::move(e));
  }
  return out;
}

// Each would-be injection, if it ran, writes a marker built by concatenation ('PW'+'NED'), so the
// marker appears in the page only when the script executed, never as escaped source text.
// Two hostile outputs, each short enough to survive the report's 300-byte output excerpt.
const char* kHostileOutputs[] = {
    "see https://docs.example.test/page "
    "<img src=\\\"http://canary.qualbar.invalid/pixel.png\\\"> "
    "<link rel=stylesheet href=\\\"https://canary.qualbar.invalid/s.css\\\"> "
    "<script>document.body.setAttribute('data-pwned','SCRIPT'+'RAN')</script>",
    "\\\"><img src=x onerror=\\\"document.body.setAttribute('data-pwned','IMG'+'FIRED')\\\"> "
    "<a href=\\\"javascript:document.title='JS'+'LINK'\\\">click</a> javascript:alert(1) "
    "& 'quotes' \\\"double\\\""};

void write_hostile_run(const TempDir& dir) {
  std::ofstream(dir.work() / "suite.yaml")
      << "schema_version: 1\nname: hostile\ndatasets: cases.jsonl\n"
         "system: {provider: replay, responses: responses.jsonl}\n"
         "dimensions:\n  correct: {scorer: contains, args: {value: safe}}\n"
         "  routing: {scorer: label-match}\n  latency: {scorer: latency}\n"
         "slices: [category]\nbars:\n  correct: {min: 0.9}\n";
  std::ofstream cases(dir.work() / "cases.jsonl");
  std::ofstream responses(dir.work() / "responses.jsonl");
  for (int i = 0; i < 6; ++i) {
    const std::string id = i == 0 ? "\\\"><img src=x onerror=\\\"document.title='ID'+'FIRED'\\\">"
                                  : "case-" + std::to_string(i);
    const std::string category =
        i % 2 ? "<script>document.body.setAttribute('data-pwned','CAT'+'RAN')</script>" : "plain";
    const std::string label = i % 3 ? "<b onmouseover=alert(1)>x</b>" : "ok";
    cases << "{\"id\":\"" << id << "\",\"input\":\"q\",\"category\":\"" << category
          << "\",\"expected_label\":\"" << label << "\"}\n";
    responses << "{\"id\":\"" << id << "\",\"output\":\""
              << (i == 5 ? "safe" : kHostileOutputs[i % 2])
              << "\",\"label\":\"javascript:alert(1)\",\"latency_ms\":" << 100 * (i + 1) << "}\n";
  }
}

TEST(HtmlBrowser, HostileStringsStayTextAndThePageLoadsNothing) {
  const auto chromium = find_chromium();
  ASSERT_TRUE(chromium.has_value())
      << "chromium not found on PATH (or QB_CHROMIUM): the HTML report's browser test needs it. "
         "Install it with scripts/install-deps.sh (Debian: apt-get install chromium).";
  TempDir dir("qualbar-html-browser");
  write_hostile_run(dir);
  const auto run = test::run_qualbar("run suite.yaml -q --out html=report.html", dir);
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const fs::path page = dir.work() / "report.html";
  CountingProxy proxy;

  // Control: a page that fetches a remote image must reach the proxy, else the check below
  // would pass vacuously.
  const fs::path control = dir.work() / "control.html";
  std::ofstream(control) << "<!DOCTYPE html><img src=\"http://canary.qualbar.invalid/c.png\">";
  run_chromium(*chromium, control, {"--dump-dom"}, dir, proxy.port());
  ASSERT_FALSE(page_requests(proxy.take(), test::read_text(control)).empty())
      << "the control page's request did not reach the proxy";
  ASSERT_NE(test::read_text(page).find("canary.qualbar.invalid"), std::string::npos)
      << "the report holds the hostile URLs (escaped), so requests for them would count";

  const auto dump = run_chromium(*chromium, page, {"--dump-dom"}, dir, proxy.port());
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  const std::string& dom = dump.out;
  ASSERT_NE(dom.find("id=\"case-table\""), std::string::npos) << dom.substr(0, 2000);

  const auto tags = start_tags(dom);
  const auto scripts =
      std::count_if(tags.begin(), tags.end(), [](const Element& e) { return e.name == "script"; });
  EXPECT_EQ(scripts, 1) << "only the page's own case search";
  for (const auto& e : tags) {
    EXPECT_NE(e.name, "img");
    EXPECT_NE(e.name, "link");
    for (const auto& [name, value] : e.attributes) {
      EXPECT_FALSE(name.rfind("on", 0) == 0) << "<" << e.name << " " << name << "=" << value;
      EXPECT_NE(name, "data-pwned");
      if (name == "href" || name == "src") {
        std::string v = value;
        v.erase(0, v.find_first_not_of(" \t\n"));
        for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_TRUE(v.rfind("#", 0) == 0 || v.rfind("https://", 0) == 0 ||
                    v.rfind("http://", 0) == 0)
            << "<" << e.name << " " << name << "=" << value;
      }
    }
  }
  for (const char* marker : {"SCRIPTRAN", "IMGFIRED", "IDFIRED", "CATRAN", "JSLINK"})
    EXPECT_EQ(dom.find(marker), std::string::npos) << marker << " was set by an injected script";
  // The hostile strings are there, as text.
  EXPECT_NE(dom.find("&lt;script&gt;document.body.setAttribute("), std::string::npos);
  EXPECT_NE(dom.find("\"&gt;&lt;img src=x onerror="), std::string::npos);
  EXPECT_NE(dom.find("href=\"https://docs.example.test/page\""), std::string::npos);
  // The page's own script ran: its hash in the Content-Security-Policy matches it.
  EXPECT_NE(dom.find("data-search=\"ready\""), std::string::npos)
      << "the case search was blocked: update kScriptHash in src/report/html_format.cpp";

  const fs::path png = dir.io() / "report.png";
  const auto shot =
      run_chromium(*chromium, page, {"--screenshot=" + png.string(), "--window-size=1280,2000"},
                   dir, proxy.port());
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  const std::string image = test::read_text(png);
  ASSERT_GT(image.size(), 20'000U) << "an empty or blank screenshot";
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  const auto be32 = [&](std::size_t at) {
    return (static_cast<unsigned>(static_cast<unsigned char>(image[at])) << 24) |
           (static_cast<unsigned>(static_cast<unsigned char>(image[at + 1])) << 16) |
           (static_cast<unsigned>(static_cast<unsigned char>(image[at + 2])) << 8) |
           static_cast<unsigned>(static_cast<unsigned char>(image[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280U);  // IHDR width
  EXPECT_EQ(be32(20), 2000U);  // IHDR height

  const auto requests = page_requests(proxy.take(), test::read_text(page));
  EXPECT_TRUE(requests.empty()) << "the report made a request: " << requests.front();
}

}  // namespace QB_UNITY_ID
}  // namespace qb
