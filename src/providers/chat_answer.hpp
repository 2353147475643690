#pragma once
// Reading a chat-completions answer into a ChatResult: a whole JSON body, or a server-sent event
// stream fed as its bytes arrive. Either fills the answer's fields or sets `error` with a short
// raw excerpt — never half of each. Internal to src/providers (used by chat_client.cpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "qualbar/providers/chat_client.hpp"

namespace qb::detail {

// A short excerpt of raw text for an error message, on one line.
std::string raw_excerpt(std::string_view text);

// Parses a non-streaming answer into `out`. `body` may be grown (simdjson's padding) but its text
// is unchanged. The parser is reused across answers.
void parse_chat_completion(std::string& body, simdjson::dom::parser& parser, ChatResult& out);

// The message of an error answer: error.message of an OpenAI-style body, else an excerpt of it.
std::string error_message_of(std::string& body, simdjson::dom::parser& parser);

// An answer streamed as server-sent events ("data: {chunk}" lines, events separated by a blank
// line, "data: [DONE]" last), assembled incrementally. Reusable through reset().
class ChatStream {
 public:
  // Starts a new stream; `redact` (it must outlive the stream) hides secrets in what is read.
  void reset(const Redactor* redact = nullptr);

  // The next bytes of the stream, in any split.
  void feed(std::string_view bytes, simdjson::dom::parser& parser);

  // A non-empty content delta has arrived (for the time to first token).
  [[nodiscard]] bool saw_content() const { return !content_.empty(); }
  [[nodiscard]] std::size_t bytes() const { return bytes_; }

  // The stream is over (the connection closed normally): moves the answer into `out`, or sets its
  // error when the stream was cut short, reported an error or never finished its choice.
  void finish(simdjson::dom::parser& parser, ChatResult& out);

  // What arrived so far, for an error message: the content, else the raw beginning (redacted
  // whole before the excerpt is cut).
  [[nodiscard]] std::string excerpt_so_far();

 private:
  struct ToolCall {
    std::string id;
    std::string type;
    std::string name;
    std::string arguments;
  };

  void on_line(std::string_view line, simdjson::dom::parser& parser);
  void on_event(simdjson::dom::parser& parser);
  ToolCall& tool_call_at(std::size_t index);
  void fail(std::string message);

  const Redactor* redact_ = nullptr;
  std::string pending_;  // bytes after the last complete line
  std::string data_;     // the current event's data lines, joined by '\n'
  std::string raw_;      // the raw stream while no event has arrived (a server ignoring "stream")
  std::size_t bytes_ = 0;
  std::size_t events_ = 0;
  bool done_ = false;
  std::optional<std::string> error_;

  std::string content_;
  std::vector<ToolCall> tool_calls_;
  std::string finish_reason_;
  std::string model_;
  std::optional<Usage> usage_;
  double logprob_sum_ = 0;
  std::int64_t logprob_tokens_ = 0;
};

}  // namespace qb::detail
