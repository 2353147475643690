// qualbar users and qualbar tokens: who may sign in to qualbar serve, and the API tokens of
// machines (docs/serve.md, "People and tokens").
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "qualbar/server/accounts.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/text.hpp"

namespace qb::cli {
namespace {

struct UsersOptions {
  std::string store;
  std::string name;
  std::string role;
  bool adjudicator = false;
  std::string url;
  std::vector<std::string> scopes;
  bool json = false;
};

// Who made a change from the command line: the account on the store's machine.
std::string cli_actor() { return "cli:" + user_name(); }

std::string base_url(const UsersOptions& o) {
  if (!o.url.empty()) return o.url;
  if (const char* v = std::getenv("QUALBAR_URL"); v != nullptr && *v != '\0') return v;
  return "http://127.0.0.1:8080";
}

std::unique_ptr<Store> store_of(const UsersOptions& o, StoreAccess access) {
  return open_store(resolve_store_path(o.store, ""), access);
}

void print_link(const std::string& name, const SigninLink& link) {
  std::cout << fmt::format(
      "Sign-in link for {} (works once, until {}):\n  {}\nSend it to them privately: whoever "
      "opens it first is signed in as {}.\n",
      display_text(name), link.expires_at, link.url, display_text(name));
}

int users_add(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::create);
  const SigninLink link =
      add_user(*store, User{o.name, o.role, o.adjudicator, "", ""}, base_url(o), cli_actor());
  std::cout << fmt::format("Added {} as {}{}.\n", display_text(o.name), o.role,
                           o.adjudicator ? " (adjudicator)" : "");
  print_link(o.name, link);
  return 0;
}

int users_link(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::existing);
  print_link(o.name, new_signin_link(*store, o.name, base_url(o), cli_actor()));
  return 0;
}

int users_revoke(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::existing);
  revoke_user(*store, o.name, cli_actor());
  std::cout << fmt::format(
      "Revoked {}: their sessions have ended and their links no longer work.\n",
      display_text(o.name));
  return 0;
}

int users_list(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::existing);
  const auto users = store->accounts().users();
  if (o.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const User& u : users) {
      out.push_back({{"name", u.name},
                     {"role", u.role},
                     {"adjudicator", u.adjudicator},
                     {"created_at", u.created_at},
                     {"revoked_at", u.revoked_at}});
    }
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  if (users.empty()) {
    std::cout << "No one may sign in yet: qualbar users add NAME --role admin\n";
    return 0;
  }
  std::cout << fmt::format("{:<24}{:<22}{:<18}{}\n", "NAME", "ROLE", "ADDED (UTC)", "SIGN-IN");
  for (const User& u : users) {
    std::cout << fmt::format(
        "{:<24}{:<22}{:<18}{}\n", display_text(u.name),
        u.role + (u.adjudicator ? ", adjudicator" : ""), u.created_at.substr(0, 16),
        u.revoked_at.empty() ? "allowed" : "revoked " + u.revoked_at.substr(0, 10));
  }
  return 0;
}

int tokens_add(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::create);
  const NewToken t = add_token(*store, o.name, o.scopes, cli_actor());
  std::string scopes;
  for (const auto& s : t.token.scopes) scopes += (scopes.empty() ? "" : ", ") + s;
  std::cout << fmt::format(
      "Token {} ({}; {}):\n  {}\nIt is shown this once: keep it as a secret (an environment "
      "variable of the CI job) and send it as `Authorization: Bearer TOKEN`. Revoke it with "
      "`qualbar tokens revoke {}`.\n",
      t.token.id, display_text(t.token.name), scopes, t.secret, t.token.id);
  return 0;
}

int tokens_list(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::existing);
  const auto tokens = store->accounts().tokens();
  if (tokens.empty()) {
    std::cout << "No API tokens: qualbar tokens add NAME --scope read\n";
    return 0;
  }
  std::cout << fmt::format("{:<12}{:<20}{:<30}{:<18}{}\n", "ID", "NAME", "SCOPES", "MADE (UTC)",
                           "STATE");
  for (const ApiToken& t : tokens) {
    std::string scopes;
    for (const auto& s : t.scopes) scopes += (scopes.empty() ? "" : " ") + s;
    std::cout << fmt::format("{:<12}{:<20}{:<30}{:<18}{}\n", t.id, display_text(t.name), scopes,
                             t.created_at.substr(0, 16),
                             t.revoked_at.empty() ? "active" : "revoked");
  }
  return 0;
}

int tokens_revoke(const UsersOptions& o) {
  const auto store = store_of(o, StoreAccess::existing);
  revoke_token(*store, o.name, cli_actor());
  std::cout << fmt::format("Revoked {}: requests with it are refused from now on.\n",
                           display_text(o.name));
  return 0;
}

const CommandRegistrar users_command_registrar{CommandEntry{
    "users", 46, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "Who may sign in to `qualbar serve`, and as what: admin (everything), viewer (runs, "
          "comparisons, production, judge checks) or reviewer (the review pages only: grading "
          "stays blind). There are no passwords: `add` and `link` print a one-time sign-in link.");
      sub.require_subcommand(1);
      auto o = std::make_shared<UsersOptions>();
      const auto with_name = [&](const char* name, const char* help) {
        Command* c = sub.add_subcommand(name, help);
        c->add_option("name", o->name, "The person's name (letters, digits, . _ - @)")->required();
        add_store_option(*c, o->store);
        return c;
      };
      const auto with_url = [&](Command* c) {
        c->add_option("--url", o->url,
                      "The address people open qualbar serve at, for the link (default "
                      "$QUALBAR_URL, else http://127.0.0.1:8080)");
      };
      Command* add = with_name("add", "Add a person with a role and print their sign-in link");
      add->add_option("--role", o->role, "admin, reviewer or viewer")->required()->allowed(kRoles);
      add->add_flag("--adjudicator", o->adjudicator,
                    "A reviewer who may also settle disagreements between reviewers");
      with_url(add);
      Command* link = with_name("link", "Print a new one-time sign-in link for a person");
      with_url(link);
      Command* revoke = with_name("revoke", "Stop a person signing in: their sessions end at once");
      Command* list = sub.add_subcommand("list", "List who may sign in, and who was revoked");
      list->add_flag("--json", o->json, "Print the list as JSON");
      add_store_option(*list, o->store);
      return [o, add, link, revoke, list]() -> int {
        if (add->parsed()) return users_add(*o);
        if (link->parsed()) return users_link(*o);
        if (revoke->parsed()) return users_revoke(*o);
        if (list->parsed()) return users_list(*o);
        return 2;
      };
    }}};

const CommandRegistrar tokens_command_registrar{CommandEntry{
    "tokens", 47, [](Command& sub, const Globals&) -> std::function<int()> {
      sub.description(
          "API tokens for machines (a CI job, a production service) to call `qualbar serve`'s "
          "API, each with scopes: read, runs:write, records:write. A token is printed once and "
          "stored only as its hash.");
      sub.require_subcommand(1);
      auto o = std::make_shared<UsersOptions>();
      Command* add = sub.add_subcommand("add", "Make a token and print it once");
      add->add_option("name", o->name, "What the token is for, e.g. ci or ingest")->required();
      add->add_option("--scope", o->scopes, "read, runs:write or records:write (repeatable)")
          ->required()
          ->allowed(kTokenScopes);
      add_store_option(*add, o->store);
      Command* revoke = sub.add_subcommand("revoke", "Revoke a token at once");
      revoke->add_option("id", o->name, "The token's id (t-…), from `qualbar tokens list`")
          ->required();
      add_store_option(*revoke, o->store);
      Command* list = sub.add_subcommand("list", "List the tokens (never their secrets)");
      add_store_option(*list, o->store);
      return [o, add, revoke, list]() -> int {
        if (add->parsed()) return tokens_add(*o);
        if (revoke->parsed()) return tokens_revoke(*o);
        if (list->parsed()) return tokens_list(*o);
        return 2;
      };
    }}};

}  // namespace
}  // namespace qb::cli
