// is-json and json-schema: the output is JSON, and valid against a JSON Schema (valijson).
#define VALIJSON_USE_EXCEPTIONS 1
#include <fmt/format.h>
#include <nlohmann/json.hpp>
// valijson's inlined string code trips g++ 12's false-positive -Wrestrict / -Wmaybe-uninitialized.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#pragma GCC diagnostic pop

#include "qualbar/scorers/scorer.hpp"

namespace qb {
namespace {

std::optional<nlohmann::json> parse_output(const std::string& output, std::string& why) {
  try {
    return nlohmann::json::parse(output);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto pos = what.find("parse error"); pos != std::string::npos) what = what.substr(pos);
    why = "not JSON: " + what;
    return std::nullopt;
  }
}

class IsJson final : public Scorer {
 public:
  explicit IsJson(Args&) {}
  Score score(const Case&, const Response& r) const override {
    std::string why;
    return parse_output(r.output, why) ? Score::pass() : Score::fail(why);
  }
};

class JsonSchema final : public Scorer {
 public:
  explicit JsonSchema(Args& a) {
    const auto text = a.json("schema");
    if (!text)
      throw ArgError("schema",
                     "is required: a JSON Schema (draft 7, 6, or 4 when its $schema says so) the "
                     "output must satisfy");
    schema_json_ = nlohmann::json::parse(*text);
    if (!schema_json_.is_object()) throw ArgError("schema", "expected a JSON Schema object");
    // Draft 4 where the schema says so ($schema), else draft 7 (which also reads draft 6).
    const std::string dialect = schema_json_.value("$schema", "");
    const auto version = dialect.find("draft-04") != std::string::npos
                             ? valijson::SchemaParser::kDraft4
                             : valijson::SchemaParser::kDraft7;
    try {
      valijson::SchemaParser parser(version);
      valijson::adapters::NlohmannJsonAdapter adapter(schema_json_);
      parser.populateSchema(adapter, schema_);
    } catch (const std::exception& e) {
      throw ArgError("schema", fmt::format("is not a JSON Schema qualbar can use: {}", e.what()));
    }
  }

  Score score(const Case&, const Response& r) const override {
    std::string why;
    const auto doc = parse_output(r.output, why);
    if (!doc) return Score::fail(why);
    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(*doc);
    if (validator.validate(schema_, target, &results)) return Score::pass();
    // valijson records a child's error before its parent's: the first is the most specific.
    valijson::ValidationResults::Error error;
    if (!results.popError(error)) return Score::fail("schema violation");
    std::string path;
    for (const auto& part : error.context) path += part;
    return Score::fail(fmt::format("{}: {}", path, error.description));
  }

 private:
  nlohmann::json schema_json_;
  valijson::Schema schema_;
};

}  // namespace

QB_REGISTER_SCORER("is-json", (ScorerInfo{.summary = "The output parses as JSON."}),
                   [](Args& a) { return std::make_unique<IsJson>(a); });
QB_REGISTER_SCORER("json-schema",
                   (ScorerInfo{.summary = "The output is JSON valid against `schema` (JSON Schema "
                                          "draft 7/6; draft 4 by its $schema).",
                               .primary_arg = "schema"}),
                   [](Args& a) { return std::make_unique<JsonSchema>(a); });

}  // namespace qb
