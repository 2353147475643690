#pragma once
// Reading a judge's reply: the scorers that ask the judge (scorers/judge.hpp) parse its JSON here.

#include <string_view>

#include <nlohmann/json.hpp>

namespace qb {

// The JSON object in a judge's reply (a code fence or a sentence around it is tolerated); a
// discarded or non-object value when there is none: the caller reports it, never guesses.
nlohmann::json judge_json(std::string_view reply);

}  // namespace qb
