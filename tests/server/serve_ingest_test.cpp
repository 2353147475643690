// Production records over HTTP: POST /api/v1/records (JSONL, the path `monitor ingest` takes)
// and POST /v1/traces (OTLP JSON spans), against the demo's store served for real.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "qualbar/store/store.hpp"
#include "serve_fixture.hpp"

namespace qb {
namespace QB_UNITY_ID {

using nlohmann::json;
using test::run_qualbar;

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ServeIngest : public test::ServedDemoSuite<ServeIngest> {
 protected:

  // A monitor of a copy of the demo's suite under another name, made as a user would (an ingest
  // of nothing); `salt`: the sampling salt (the demo suite's name samples as the demo does).
  static std::string new_monitor(const std::string& name) {
    std::string suite = read_text(demo_->dir().work() / "d/suite.yaml");
    const std::string from = "name: support-assistant-demo";
    suite.replace(suite.find(from), from.size(), "name: " + name);
    suite += "\nmonitor:\n  salt: support-assistant-demo\n";
    std::ofstream(demo_->dir().work() / ("d/" + name + ".yaml")) << suite;
    const auto r = run_qualbar("monitor ingest /dev/null --store s.db --suite d/" + name + ".yaml",
                               demo_->dir());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return "m-" + name;
  }

  static httplib::Result post(const std::string& path, const std::string& body,
                              const httplib::Headers& headers = {},
                              const std::string& scope = "records:write",
                              const char* type = "application/x-ndjson") {
    auto c = demo_->with_token(scope);
    c.set_read_timeout(std::chrono::seconds(30));
    return c.Post(path, headers, body, type);
  }

  static std::unique_ptr<Store> store() {
    return open_store((demo_->dir().work() / "s.db").string(), StoreAccess::existing);
  }

  // Records counted per week (the overall week cells' volume).
  static std::map<std::string, std::uint64_t> weekly_volume(const std::string& monitor) {
    std::map<std::string, std::uint64_t> out;
    for (const MonitorCellRow& c : store()->monitor().cells(monitor))
      if (c.slice.empty() && c.window.find("-W") != std::string::npos)
        out[c.window] = json::parse(c.data)["volume"].get<std::uint64_t>();
    return out;
  }
  static std::uint64_t total_volume(const std::string& monitor) {
    std::uint64_t n = 0;
    for (const auto& [week, v] : weekly_volume(monitor)) n += v;
    return n;
  }

  // Sends `head` on a connection of its own and returns the first part of the answer.
  static std::string exchange(const std::string& head) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(demo_->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string text;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        ::write(fd, head.data(), head.size()) == static_cast<ssize_t>(head.size())) {
      char reply[2048];
      const ssize_t n = ::read(fd, reply, sizeof reply);
      if (n > 0) text.assign(reply, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
  }

};

TEST_F(ServeIngest, RecordsOverHttpGiveTheAggregatesAndSampleOfMonitorIngest) {
  const std::string monitor = new_monitor("support-http");
  const std::string body = read_text(demo_->dir().work() / "d/production.jsonl");
  const auto r = post("/api/v1/records?suite=support-http", body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json answer = json::parse(r->body);
  EXPECT_EQ(answer["monitor"], monitor);
  EXPECT_EQ(answer["records"], 844);
  EXPECT_EQ(answer["duplicates"], 0);
  EXPECT_EQ(answer["quarantined"], 0);

  const auto s = store();
  const auto cli_cells = s->monitor().cells("m-support-assistant-demo");
  const auto http_cells = s->monitor().cells(monitor);
  ASSERT_EQ(cli_cells.size(), http_cells.size());
  for (std::size_t i = 0; i < cli_cells.size(); ++i) {
    EXPECT_EQ(http_cells[i].window, cli_cells[i].window);
    EXPECT_EQ(http_cells[i].slice, cli_cells[i].slice);
    EXPECT_EQ(http_cells[i].value, cli_cells[i].value);
    EXPECT_EQ(json::parse(http_cells[i].data), json::parse(cli_cells[i].data))
        << cli_cells[i].window << " " << cli_cells[i].slice << "=" << cli_cells[i].value;
  }
  const auto cli_sample = s->monitor().samples("m-support-assistant-demo");
  const auto http_sample = s->monitor().samples(monitor);
  ASSERT_EQ(cli_sample.size(), http_sample.size());
  ASSERT_GT(cli_sample.size(), 0U);
  for (std::size_t i = 0; i < cli_sample.size(); ++i) {
    EXPECT_EQ(http_sample[i].id, cli_sample[i].id);
    EXPECT_EQ(http_sample[i].topup, cli_sample[i].topup);
    EXPECT_EQ(http_sample[i].case_json, cli_sample[i].case_json);
    EXPECT_EQ(http_sample[i].response_json, cli_sample[i].response_json);
  }
  EXPECT_EQ(s->monitor().strata(monitor).size(),
            s->monitor().strata("m-support-assistant-demo").size());
}

TEST_F(ServeIngest, ARetriedPostWithTheSameIdempotencyKeyCountsOnce) {
  const std::string monitor = new_monitor("support-retry");
  const std::string body =
      R"({"id":"a-1","ts":"2026-11-02T10:00:00Z","category":"billing","output":"ok"})"
      "\n"
      R"({"id":"a-2","ts":"2026-11-02T11:00:00Z","category":"billing","output":"ok"})"
      "\n";
  const auto first =
      post("/api/v1/monitors/" + monitor + "/records", body, {{"Idempotency-Key", "batch-7"}});
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_FALSE(first->has_header("Idempotent-Replayed"));
  // The same records again under new ids: a retry answered from the first, not ingested.
  std::string changed = body;
  for (std::size_t at = 0; (at = changed.find("a-", at)) != std::string::npos; at += 2)
    changed[at] = 'b';
  const auto retry =
      post("/api/v1/monitors/" + monitor + "/records", changed, {{"Idempotency-Key", "batch-7"}});
  ASSERT_TRUE(retry);
  EXPECT_EQ(retry->status, 200);
  EXPECT_EQ(retry->body, first->body);
  EXPECT_EQ(retry->get_header_value("Idempotent-Replayed"), "true");
  EXPECT_EQ(total_volume(monitor), 2U);
  // Another key is another request.
  const auto other =
      post("/api/v1/monitors/" + monitor + "/records", changed, {{"Idempotency-Key", "batch-8"}});
  ASSERT_TRUE(other);
  EXPECT_EQ(json::parse(other->body)["records"], 2);
  EXPECT_EQ(total_volume(monitor), 4U);
}

TEST_F(ServeIngest, ARecordIdCountsOnceInItsWeek) {
  const std::string monitor = new_monitor("support-dedup");
  const std::string body = R"({"id":"d-1","ts":"2026-11-02T10:00:00Z","output":"ok"})"
                           "\n"  // week 45
                           R"({"id":"d-1","ts":"2026-11-05T10:00:00Z","output":"again"})"
                           "\n"  // week 45: a duplicate
                           R"({"id":"d-1","ts":"2026-11-10T10:00:00Z","output":"next week"})"
                           "\n"  // week 46
                           R"({"id":"d-2","ts":"2026-11-02T10:00:00Z","output":"ok"})"
                           "\n";
  const auto r = post("/api/v1/records?monitor=" + monitor, body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["records"], 3);
  EXPECT_EQ(json::parse(r->body)["duplicates"], 1);
  // Sent again in a later request: every record was counted already.
  const auto again = post("/api/v1/records?monitor=" + monitor, body);
  ASSERT_TRUE(again);
  EXPECT_EQ(json::parse(again->body)["records"], 0);
  EXPECT_EQ(json::parse(again->body)["duplicates"], 4);
  EXPECT_EQ(weekly_volume(monitor),
            (std::map<std::string, std::uint64_t>{{"2026-W45", 2}, {"2026-W46", 1}}));
}

// The store keeps the ids of the newest week and the one before: older weeks' ids are forgotten
// as records of a newer week come, so that they do not pile up for ever.
TEST_F(ServeIngest, RecordIdsOfWeeksBeforeTheDedupeWindowAreForgotten) {
  const std::string monitor = new_monitor("support-forget");
  const auto line = [](const std::string& id, const std::string& day) {
    return R"({"id":")" + id + R"(","ts":")" + day + R"(T10:00:00Z","output":"ok"})" + "\n";
  };
  const std::string week44 = line("f-1", "2020-10-26"), week45 = line("f-2", "2020-11-02"),
                    week46 = line("f-3", "2020-11-09");
  const auto answer = [&](const std::string& body) {
    const auto r = post("/api/v1/records?monitor=" + monitor, body);
    if (!r || r->status != 200) throw std::runtime_error("POST failed");
    return json::parse(r->body);
  };
  EXPECT_EQ(answer(week44 + week45)["records"], 2);
  // Both weeks in the window: sent again, both are duplicates.
  EXPECT_EQ(answer(week44 + week45)["duplicates"], 2);
  // A record of week 46 moves the window to weeks 45 and 46: week 44's ids are forgotten.
  EXPECT_EQ(answer(week46)["records"], 1);
  const json again = answer(week44 + week45 + week46);
  EXPECT_EQ(again["records"], 1);  // f-1, of week 44
  EXPECT_EQ(again["duplicates"], 2);
  EXPECT_EQ(weekly_volume(monitor), (std::map<std::string, std::uint64_t>{
                                        {"2020-W44", 2}, {"2020-W45", 1}, {"2020-W46", 1}}));
}

TEST_F(ServeIngest, MalformedLinesAreQuarantinedWithTheirLineNumbersAndGoodOnesKept) {
  const std::string monitor = new_monitor("support-bad");
  const std::string body = R"({"id":"q-1","ts":"2026-11-02T10:00:00Z","output":"ok"})"
                           "\n"
                           "{not json\n"
                           R"({"id":"q-3","ts":"2026-11-02T10:00:00Z","output":"ok"})"
                           "\n"
                           R"({"id":"q-4","output":"no time"})"
                           "\n"
                           R"({"id":"q-5","ts":"2026-11-02T10:00:00Z","output":"ok"})";
  const auto r = post("/api/v1/records?suite=support-bad", body);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const json a = json::parse(r->body);
  EXPECT_EQ(a["records"], 3);
  EXPECT_EQ(a["quarantined"], 2);
  ASSERT_EQ(a["bad_lines"].size(), 2U) << a;
  EXPECT_EQ(a["bad_lines"][0]["line"], 2);
  EXPECT_EQ(a["bad_lines"][1]["line"], 4);
  EXPECT_NE(a["bad_lines"][1]["error"].get<std::string>().find("'ts'"), std::string::npos) << a;
  EXPECT_EQ(total_volume(monitor), 3U);
  const std::string quarantine = read_text(demo_->dir().work() / "quarantine.jsonl");
  EXPECT_NE(quarantine.find(R"("line":4)"), std::string::npos) << quarantine;
  EXPECT_NE(quarantine.find("POST /api/v1/records from token for-records-write"), std::string::npos)
      << quarantine;  // /metrics counts what this server was sent for the suite, and what waits for the writer.
  auto reader = demo_->with_token("read");
  const auto metrics = reader.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("qualbar_ingest_records_received_total{suite=\"support-bad\"} 5\n"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("qualbar_ingest_records_quarantined_total{suite=\"support-bad\"} 2\n"),
            std::string::npos);
  EXPECT_NE(metrics->body.find("qualbar_ingest_queue_requests 0\n"), std::string::npos);
}

TEST_F(ServeIngest, OnlyATokenWithRecordsWriteMayPost) {
  const std::string line = R"({"id":"t-1","ts":"2026-11-02T10:00:00Z","output":"ok"})";
  const auto as_reader = post("/api/v1/records?suite=support-assistant-demo", line, {}, "read");
  ASSERT_TRUE(as_reader);
  EXPECT_EQ(as_reader->status, 403);
  EXPECT_NE(as_reader->body.find("lacks the 'records:write' scope"), std::string::npos)
      << as_reader->body;
  const auto traces = post("/v1/traces", "{}", {}, "runs:write", "application/json");
  ASSERT_TRUE(traces);
  EXPECT_EQ(traces->status, 403);
  auto anonymous = demo_->anonymous();
  const auto none = anonymous.Post("/api/v1/records", line, "application/x-ndjson");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
}

TEST_F(ServeIngest, UnknownMonitorsAndUnreadableBodiesAreRefusedByName) {
  const std::string line = R"({"id":"u-1","ts":"2026-11-02T10:00:00Z","output":"ok"})";
  const auto unknown = post("/api/v1/records?suite=nope", line);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  const auto protobuf =
      post("/v1/traces", "\x0a\x00", {}, "records:write", "application/x-protobuf");
  ASSERT_TRUE(protobuf);
  EXPECT_EQ(protobuf->status, 415);
  EXPECT_NE(protobuf->body.find("encoding: json"), std::string::npos) << protobuf->body;
  const auto gzip =
      post("/v1/traces", "x", {{"Content-Encoding", "gzip"}}, "records:write", "application/json");
  ASSERT_TRUE(gzip);
  EXPECT_EQ(gzip->status, 415);
  const auto not_otlp = post("/v1/traces?suite=support-assistant-demo", R"({"spans":[]})", {},
                             "records:write", "application/json");
  ASSERT_TRUE(not_otlp);
  EXPECT_EQ(not_otlp->status, 400);
}

// Records may be larger than any other request's body (1 MiB): up to --max-ingest-bytes (64 MiB).
TEST_F(ServeIngest, ARecordsBodyMayBeLargerThanOtherBodiesAndOverItsLimitIs413) {
  new_monitor("support-big");
  std::string body;
  for (int i = 0; body.size() < 2 * 1024 * 1024; ++i)
    body += R"({"id":"big-)" + std::to_string(i) + R"(","ts":"2026-11-02T10:00:00Z","output":")" +
            std::string(200, 'x') + "\"}\n";
  const auto big = post("/api/v1/records?suite=support-big", body);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 200) << big->body;
  // Another route keeps the 1 MiB limit; records over 64 MiB are refused too, both from the
  // Content-Length, before the body is read.
  const std::string elsewhere = exchange(
      "POST /api/v1/runs/latest/archive HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer " +
      demo_->token("runs:write") + "\r\nContent-Length: 2097152\r\n\r\n");
  EXPECT_EQ(elsewhere.substr(0, 12), "HTTP/1.1 413") << elsewhere;
  EXPECT_NE(elsewhere.find("over the limit of 1048576 bytes"), std::string::npos) << elsewhere;
  const std::string huge =
      exchange("POST /api/v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
               demo_->token("records:write") + "\r\nContent-Length: 70000000\r\n\r\n");
  EXPECT_EQ(huge.substr(0, 12), "HTTP/1.1 413") << huge;
  EXPECT_NE(huge.find("over the limit of 67108864 bytes"), std::string::npos) << huge;
}

TEST_F(ServeIngest, OtlpJsonSpansBecomeRecordsOfTheMonitorNamedByServiceName) {
  const std::string monitor = new_monitor("support-otlp");
  std::string spans =
      read_text(std::string(QB_SOURCE_DIR) + "/tests/monitor/data/otlp_genai_traces.json");
  const std::string from = R"({"stringValue":"support-assistant-demo"})";
  spans.replace(spans.find(from), from.size(), R"({"stringValue":"support-otlp"})");
  const auto r = post("/v1/traces", spans, {}, "records:write", "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body, "{}\n");
  EXPECT_EQ(total_volume(monitor), 3U);
  // A span sent again (an exporter's retry) is the same record: counted once.
  const auto again =
      post("/v1/traces?monitor=" + monitor, spans, {}, "records:write", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(total_volume(monitor), 3U);
}

}  // namespace QB_UNITY_ID
}  // namespace qb
