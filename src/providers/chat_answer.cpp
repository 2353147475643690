#include "providers/chat_answer.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "qualbar/util/text.hpp"

namespace qb::detail {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::size_t kExcerptBytes = 200;
// Kept whole while a "streamed" answer has no event yet: a server ignoring "stream": true answers
// with one JSON body, which is then read as such.
constexpr std::size_t kRawCap = 8u << 20;
constexpr std::size_t kRawHead = 512;
constexpr std::size_t kMaxToolCalls = 256;

std::optional<std::string_view> string_field(object o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v)) return std::nullopt;
  return v;
}

std::optional<double> number_field(object o, std::string_view key) {
  double v = 0;
  if (o[key].get(v)) return std::nullopt;
  return v;
}

bool has_non_null(object o, std::string_view key) {
  element e;
  return !o[key].get(e) && !e.is_null();
}

std::optional<Usage> usage_of(object o) {
  object u;
  if (o["usage"].get(u)) return std::nullopt;
  Usage usage;
  usage.input_tokens = static_cast<std::int64_t>(number_field(u, "prompt_tokens").value_or(0));
  usage.output_tokens = static_cast<std::int64_t>(number_field(u, "completion_tokens").value_or(0));
  return usage;
}

// Adds choice.logprobs.content[].logprob to the sum.
void add_logprobs(object choice, double& sum, std::int64_t& tokens) {
  array content;
  if (choice["logprobs"]["content"].get(content)) return;
  for (element token : content) {
    double lp = 0;
    if (!token["logprob"].get(lp)) {
      sum += lp;
      ++tokens;
    }
  }
}

// The error object's message, or the raw text it came in.
std::string message_of(element error, std::string_view raw) {
  std::string_view text;
  if (!error.get(text) && !text.empty()) return raw_excerpt(text);
  if (!error["message"].get(text) && !text.empty()) return raw_excerpt(text);
  return raw_excerpt(raw);
}

}  // namespace

std::string raw_excerpt(std::string_view text) {
  if (text.empty()) return "(empty)";
  std::string out = excerpt(text, kExcerptBytes);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return out;
}

void parse_chat_completion(std::string& body, simdjson::dom::parser& parser, ChatResult& out) {
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  element root;
  object answer;
  if (parser.parse(body).get(root)) {
    out.error = "the answer is not valid JSON: " + raw_excerpt(body);
    return;
  }
  if (root.get(answer)) {
    out.error = "the answer is not a JSON object: " + raw_excerpt(body);
    return;
  }
  element error;
  if (!answer["error"].get(error) && !error.is_null()) {
    out.error = "the endpoint answered with an error: " + message_of(error, body);
    return;
  }
  array choices;
  object choice;
  object message;
  if (answer["choices"].get(choices) || choices.size() == 0) {
    out.error = "the answer has no choices: " + raw_excerpt(body);
    return;
  }
  if ((*choices.begin()).get(choice) || choice["message"].get(message)) {
    out.error = "the answer's first choice has no message: " + raw_excerpt(body);
    return;
  }
  array tool_calls;
  const bool has_tools = !message["tool_calls"].get(tool_calls) && tool_calls.size() > 0;
  auto content = string_field(message, "content");
  if (!content && has_non_null(message, "content")) {
    out.error = "the answer's message content is not a string: " + raw_excerpt(body);
    return;
  }
  if (!content && !has_tools) content = string_field(message, "refusal");
  if (!content && !has_tools) {
    out.error = "the answer's message has neither content nor tool calls: " + raw_excerpt(body);
    return;
  }
  if (content) out.content.assign(*content);
  if (has_tools) out.tool_calls_json = simdjson::minify(tool_calls);
  out.finish_reason = std::string(string_field(choice, "finish_reason").value_or(""));
  out.model = std::string(string_field(answer, "model").value_or(""));
  out.usage = usage_of(answer);
  add_logprobs(choice, out.logprob_sum, out.logprob_tokens);
}

std::string error_message_of(std::string& body, simdjson::dom::parser& parser) {
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  object answer;
  element error;
  std::string_view message;
  if (parser.parse(body).get(answer)) return raw_excerpt(body);
  if (!answer["error"].get(error) && !error.is_null()) return message_of(error, body);
  if (!answer["message"].get(message) && !message.empty()) return raw_excerpt(message);
  return raw_excerpt(body);
}

// ---- ChatStream ---------------------------------------------------------------------------------

void ChatStream::reset(const Redactor* redact) {
  redact_ = redact;
  pending_.clear();
  data_.clear();
  raw_.clear();
  bytes_ = 0;
  events_ = 0;
  done_ = false;
  error_.reset();
  content_.clear();
  tool_calls_.clear();
  finish_reason_.clear();
  model_.clear();
  usage_.reset();
  logprob_sum_ = 0;
  logprob_tokens_ = 0;
}

void ChatStream::feed(std::string_view bytes, simdjson::dom::parser& parser) {
  bytes_ += bytes.size();
  if (events_ == 0 && raw_.size() < kRawCap) raw_.append(bytes.substr(0, kRawCap - raw_.size()));
  if (done_ || error_) return;
  // A line split across two writes waits in pending_; whole lines are read in place.
  if (!pending_.empty()) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      pending_.append(bytes);
      return;
    }
    pending_.append(bytes.substr(0, nl));
    on_line(pending_, parser);
    pending_.clear();
    bytes.remove_prefix(nl + 1);
  }
  while (!done_ && !error_) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      pending_.assign(bytes);
      break;
    }
    on_line(bytes.substr(0, nl), parser);
    bytes.remove_prefix(nl + 1);
  }
}

void ChatStream::on_line(std::string_view line, simdjson::dom::parser& parser) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // A secret cannot span lines: each line is redacted whole before it is read.
  std::string redacted;
  if (redact_ != nullptr && !redact_->empty()) {
    redacted.assign(line);
    redact_->apply(redacted);
    line = redacted;
  }
  if (line.empty()) {
    if (!data_.empty()) on_event(parser);
    return;
  }
  if (line.front() == ':') return;  // a comment, e.g. a keep-alive ping
  const auto colon = line.find(':');
  if (line.substr(0, colon) != "data") return;  // event:, id:, retry: say nothing we use
  std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (!data_.empty()) data_ += '\n';
  data_.append(value);
}

void ChatStream::on_event(simdjson::dom::parser& parser) {
  if (++events_ == 1 && raw_.size() > kRawHead) {
    if (redact_ != nullptr) redact_->apply(raw_);  // before the head is cut from it
    raw_.resize(kRawHead);
  }
  if (data_ == "[DONE]") {
    done_ = true;
    data_.clear();
    return;
  }
  data_.reserve(data_.size() + simdjson::SIMDJSON_PADDING);
  element root;
  object chunk;
  if (parser.parse(data_).get(root) || root.get(chunk)) {
    fail("a server-sent event is not a JSON object: " + raw_excerpt(data_));
    return;
  }
  element error;
  if (!chunk["error"].get(error) && !error.is_null()) {
    fail("the answer stream reported an error: " + message_of(error, data_));
    return;
  }
  if (model_.empty()) model_ = std::string(string_field(chunk, "model").value_or(""));
  if (auto usage = usage_of(chunk)) usage_ = usage;
  array choices;
  object choice;
  if (!chunk["choices"].get(choices) && choices.size() > 0 && !(*choices.begin()).get(choice)) {
    object delta;
    if (!choice["delta"].get(delta)) {
      if (auto text = string_field(delta, "content")) content_.append(*text);
      array calls;
      if (!delta["tool_calls"].get(calls)) {
        double position = 0;
        for (element call : calls) {
          object c;
          const double at = position++;
          if (call.get(c)) continue;
          const double index = number_field(c, "index").value_or(at);
          if (index < 0 || index >= kMaxToolCalls) continue;
          ToolCall& acc = tool_call_at(static_cast<std::size_t>(index));
          if (auto id = string_field(c, "id"); id && !id->empty()) acc.id.assign(*id);
          if (auto type = string_field(c, "type"); type && !type->empty()) acc.type.assign(*type);
          object function;
          if (!c["function"].get(function)) {
            if (auto name = string_field(function, "name")) acc.name.append(*name);
            if (auto args = string_field(function, "arguments")) acc.arguments.append(*args);
          }
        }
      }
    }
    if (auto reason = string_field(choice, "finish_reason"); reason && !reason->empty())
      finish_reason_.assign(*reason);
    add_logprobs(choice, logprob_sum_, logprob_tokens_);
  }
  data_.clear();
}

ChatStream::ToolCall& ChatStream::tool_call_at(std::size_t index) {
  if (tool_calls_.size() <= index) tool_calls_.resize(index + 1);
  return tool_calls_[index];
}

void ChatStream::fail(std::string message) {
  if (!error_) error_ = std::move(message);
}

std::string ChatStream::excerpt_so_far() {
  if (redact_ != nullptr) {  // the content may hold a secret split across events
    redact_->apply(content_);
    redact_->apply(raw_);
  }
  if (!content_.empty()) return "content so far: \"" + raw_excerpt(content_) + "\"";
  return raw_excerpt(raw_);
}

void ChatStream::finish(simdjson::dom::parser& parser, ChatResult& out) {
  if (!done_ && !error_) {
    // The last event may lack its blank line before the connection closed.
    if (!pending_.empty()) {
      std::string last = std::move(pending_);
      pending_.clear();
      on_line(last, parser);
    }
    if (!data_.empty()) on_event(parser);
  }
  if (events_ == 0 && !error_) {
    if (redact_ != nullptr) redact_->apply(raw_);
    const auto first = raw_.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && raw_[first] == '{') {
      parse_chat_completion(raw_, parser, out);
      return;
    }
  }
  if (error_) {
    out.error = *error_;
  } else if (!done_) {
    out.error = fmt::format("the answer stream stopped before [DONE] after {} bytes: {}", bytes_,
                            excerpt_so_far());
  } else if (finish_reason_.empty()) {
    out.error = "the answer stream ended without a finish_reason: " + excerpt_so_far();
  }
  if (out.error) return;

  out.content = std::move(content_);
  if (!tool_calls_.empty()) {
    auto calls = nlohmann::json::array();
    for (const auto& call : tool_calls_) {
      calls.push_back({{"id", call.id},
                       {"type", call.type.empty() ? "function" : call.type},
                       {"function", {{"name", call.name}, {"arguments", call.arguments}}}});
    }
    out.tool_calls_json = calls.dump();
  }
  out.finish_reason = std::move(finish_reason_);
  out.model = std::move(model_);
  out.usage = usage_;
  out.logprob_sum = logprob_sum_;
  out.logprob_tokens = logprob_tokens_;
}

}  // namespace qb::detail
