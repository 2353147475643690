// A stand-in for a user's model program, for the command provider's tests: reads one JSON request
// per line and answers by the case id — "hang" never answers, "die" exits with status 4,
// "garbage" writes a line that is not JSON, "wrong-id" answers for another case, "slow" answers
// after 200 ms; anything else is echoed ("echo: <input>"). With the argument "dead" it exits at
// once.
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "dead") return 3;
  std::string line;
  while (std::getline(std::cin, line)) {
    const auto request = nlohmann::json::parse(line);
    const std::string id = request.at("id").get<std::string>();
    if (id == "hang") std::this_thread::sleep_for(std::chrono::hours(1));
    if (id == "die") return 4;
    if (id == "garbage") {
      std::cout << "this is not json" << std::endl;
      continue;
    }
    if (id == "slow") std::this_thread::sleep_for(std::chrono::milliseconds(200));
    nlohmann::json answer{{"id", id == "wrong-id" ? std::string("someone-else") : id},
                          {"output", "echo: " + request.at("input").get<std::string>()},
                          {"model", "fake-1"}};
    std::cout << answer.dump() << std::endl;
  }
  return 0;
}
