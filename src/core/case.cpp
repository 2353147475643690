// A case's input as one text (core/case.hpp).

#include "qualbar/core/case.hpp"

namespace qb {

std::string input_text(const Case& c) {
  const CaseDetails& d = c.details();
  if (d.messages.empty()) return c.input;
  std::string out;
  for (const Message& m : d.messages) out += m.role + ": " + m.content + "\n";
  return out;
}

}  // namespace qb
