// qualbar init: write a starter suite for one situation (a profile from data/profiles/).
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "qualbar/core/error.hpp"
#include "qualbar/util/embedded.hpp"
#include "qualbar/util/files.hpp"

namespace qb::cli {
namespace {

namespace fs = std::filesystem;

struct Profile {
  std::string_view name;
  std::string_view summary;  // one line of --help
  bool judged;               // has dimensions graded by a judge model (needs an API key)
};

// The situations of the product's table, in its order. Each has a folder data/profiles/<name>/.
constexpr Profile kProfiles[] = {
    {"rag", "answers from retrieved documents: faithfulness, citations, context recall", false},
    {"support", "customer support assistant: helpfulness and tone (judge), refusals", true},
    {"codegen", "code generation: output shape, security patterns, behavioural checks", false},
    {"decision", "scoring and recommendations: calibration, cost of mistakes, fairness", false},
    {"voice", "voice and conversational: latency and time to first token, accuracy, refusals",
     false},
    {"compliance", "compliance-sensitive: faithfulness, refusal out of scope, safety", false},
    {"multilingual", "several languages: right language, no code-switching, per-language slices",
     false},
    {"classification", "high-volume classification: per-class metrics, fairness", false},
    {"generative", "generative content: faithfulness, completeness (judge), facts", true},
    {"migration", "migrating models: behavioural checks per known failure mode", false},
    {"prelaunch", "pre-launch feature: safety, behavioural tests, refusal rate", false},
    {"continuous", "continuous improvement: per-category metrics, critical slices", false},
};

const Profile* find_profile(std::string_view name) {
  for (const auto& p : kProfiles)
    if (p.name == name) return &p;
  return nullptr;
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const auto& p : kProfiles) names.emplace_back(p.name);
  return names;
}

struct InitOptions {
  std::string profile;
  std::string dir = ".";
};

int init(const InitOptions& o) {
  const Profile* profile = find_profile(o.profile);
  if (profile == nullptr) detail::throw_unknown_name("profile", o.profile, profile_names());

  const std::string prefix = fmt::format("profiles/{}/", profile->name);
  std::vector<EmbeddedFile> files;
  for (const auto& f : data_files())
    if (f.path.starts_with(prefix)) files.push_back({f.path.substr(prefix.size()), f.content});
  if (files.empty())
    throw RunError(
        fmt::format("profile '{}' has no files in this build (data/{})", profile->name, prefix));

  // Nothing is written unless every file can be: a user's suite is never overwritten.
  const fs::path dir(o.dir);
  for (const auto& f : files) {
    const fs::path target = dir / f.path;
    if (fs::exists(target))
      throw InputError(fmt::format(
          "{} already exists; init never overwrites a file. Choose another folder with --dir, "
          "or move the file away.",
          target.string()));
  }
  for (const auto& f : files) write_file_atomic((dir / f.path).string(), f.content);

  const std::string suite = (dir / "suite.yaml").lexically_normal().string();
  std::cout << fmt::format("Wrote the '{}' starter suite ({}):\n", profile->name, profile->summary);
  for (const auto& f : files)
    std::cout << "  " << (dir / f.path).lexically_normal().string() << '\n';
  std::cout << "\nThe cases and recorded responses are a tiny example: replace them with your own "
               "and review every bar before the first real run.\n";
  if (profile->judged)
    std::cout << "Some dimensions are graded by a judge model: export OPENAI_API_KEY (or set "
                 "judge.api_key_env) before validate and run; run calls the judge.\n";
  std::cout << fmt::format(
      "\nNext:\n"
      "  qualbar validate {}        check the suite and its data\n"
      "  qualbar run {} --no-store  run it on the recorded responses\n",
      suite, suite);
  // A profile with an example production log shows the monitor's loop on it.
  const fs::path log = dir / "production.jsonl";
  if (fs::exists(log)) {
    std::cout << fmt::format(
        "  qualbar monitor ingest {} --suite {}   production records in\n"
        "  qualbar monitor status --suite {}      the weeks to grade, and any drift\n",
        log.lexically_normal().string(), suite, suite);
  }
  std::cout << "Docs: docs/profiles.md (this profile), docs/suite.md (every field)"
            << (fs::exists(log) ? ", docs/monitor.md (production).\n" : ".\n");
  return 0;
}

std::string profiles_help() {
  std::string text = "The situation to start from:";
  for (const auto& p : kProfiles) text += fmt::format("\n  {:<16}{}", p.name, p.summary);
  return text;
}

const CommandRegistrar init_command_registrar{CommandEntry{
    "init", 3, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Write a starter suite for one situation: suite.yaml with commented bars, a tiny "
          "example dataset and recorded responses, ready for validate and run. Never overwrites "
          "a file (exit 2).");
      auto o = std::make_shared<InitOptions>();
      sub.add_option("--profile", o->profile, profiles_help())->required();
      sub.add_option("--dir", o->dir, "Where to write the files (created when missing)")
          ->default_val(".");
      return [o] { return init(*o); };
    }}};

}  // namespace
}  // namespace qb::cli
