// qualbar push: a run bundle sent to a qualbar serve (POST /api/v1/runs), for a CI job.
#include <curl/curl.h>

#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/io/dataset.hpp"
#include "qualbar/store/run_bundle.hpp"
#include "qualbar/util/text.hpp"
#include "qualbar/version.hpp"

namespace qb::cli {
namespace {

struct PushOptions {
  std::string bundle;
  std::string to;
  std::string token;
  double timeout_s = 300;
};

std::size_t keep_answer(char* data, std::size_t size, std::size_t n, void* into) {
  static_cast<std::string*>(into)->append(data, size * n);
  return size * n;
}

// The server's sentence from an error answer ({"error": {"message": ...}}), else its first line.
std::string server_says(const std::string& answer) {
  const auto j = nlohmann::json::parse(answer, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].value("message", "") != "")
    return j["error"]["message"].get<std::string>();
  return display_text(answer.substr(0, std::min(answer.find('\n'), std::size_t{200})));
}

// What a status means for the one who pushed, and what to do.
std::string push_failure(long status, const std::string& url, const std::string& answer) {
  const std::string says = server_says(answer);
  switch (status) {
    case 401:
      return fmt::format(
          "{} refused the token (401: {}): check --token or $QUALBAR_TOKEN; an "
          "admin makes one with `qualbar tokens add NAME --scope runs:write`",
          url, says);
    case 403:
      return fmt::format("{} refused the push (403: {}): the token needs the runs:write scope", url,
                         says);
    case 409:
      return fmt::format("{} has a different run with this id (409: {})", url, says);
    case 413:
      return fmt::format(
          "{} refused the bundle as too big (413: {}): start the server with a "
          "larger --max-upload-mb, or push it with --out bundle-hashes",
          url, says);
    case 400:
      return fmt::format("{} refused the bundle (400: {})", url, says);
    case 404:
      return fmt::format("{} has no run upload (404): is it a qualbar serve of this version?", url);
    default:
      return fmt::format("{} answered {}: {}", url, status, says);
  }
}

int push(const PushOptions& o) {
  if (o.to.empty())
    throw InputError("--to: the address of qualbar serve, e.g. --to https://qualbar.example.com");
  const std::string& token = o.token;
  if (token.empty())
    throw InputError(
        "no API token: pass --token or set $QUALBAR_TOKEN (a token with the "
        "runs:write scope: `qualbar tokens add ci --scope runs:write`)");
  const std::string body = read_file(o.bundle);
  // Checked here first: a bad bundle is named with its file and line before anything is sent.
  const RunBundle b = read_run_bundle(body, o.bundle);
  std::string base = o.to;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + "/api/v1/runs";
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    throw RunError("cannot initialise libcurl (curl_global_init failed)");
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw RunError("cannot start the HTTP client");
  const std::string auth = "Authorization: Bearer " + token;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/x-ndjson");
  headers = curl_slist_append(headers, "Expect:");  // send at once; the server answers after
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);
  std::string answer;
  char error[CURL_ERROR_SIZE] = {};
  CURL* e = curl.get();
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &keep_answer);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "qualbar/" QB_VERSION);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_s * 1000));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  const CURLcode rc = curl_easy_perform(e);
  if (rc != CURLE_OK) {
    throw RunError(
        fmt::format("cannot reach {}: {}", url, error[0] != '\0' ? error : curl_easy_strerror(rc)));
  }
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  const std::string& id = b.run.info.id;
  if (status == 201 || status == 200) {
    std::cout << fmt::format("{} run {} ({} cases, {}) at {}/runs/{}\n",
                             status == 201 ? "Pushed" : "Already there:", id, b.run.info.n_cases,
                             b.run.info.passed ? "PASS" : "FAIL", base, id);
    return 0;
  }
  const std::string why = push_failure(status, url, answer);
  if (status >= 500) throw RunError(why);
  throw InputError(why);
}

const CommandRegistrar push_command_registrar{CommandEntry{
    "push", 42, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Send a run bundle (`qualbar run --out bundle=FILE`) to a qualbar serve, which stores "
          "the run as if it had run there: for a CI job. Needs an API token with the runs:write "
          "scope. Exit 0 when it is stored (or was already), 2 when the bundle or the token is "
          "refused, 3 when the server cannot be reached or fails.");
      auto o = std::make_shared<PushOptions>();
      sub.add_option("bundle", o->bundle, "The run bundle file")->required();
      sub.add_option("--to", o->to,
                     "The address of qualbar serve, e.g. https://qualbar.example.com")
          ->required();
      sub.add_option("--token", o->token,
                     "An API token with the runs:write scope (default: $QUALBAR_TOKEN; never "
                     "printed)")
          ->envname("QUALBAR_TOKEN");
      sub.add_option("--timeout", o->timeout_s, "Seconds to wait for the upload and the answer")
          ->default_val(300);
      return [o] { return push(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
