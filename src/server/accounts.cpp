#include "qualbar/server/accounts.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "qualbar/store/store.hpp"
#include "qualbar/util/files.hpp"
#include "qualbar/util/secret.hpp"
#include "qualbar/util/text.hpp"

namespace qb {
namespace {

void check_name(const std::string& name, const char* what) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
                  });
  if (!ok) {
    throw InputError(fmt::format("{} '{}': use 1 to 64 letters, digits and . _ - @", what,
                                 display_text(name)));
  }
}

std::string trimmed_base(const std::string& base_url) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

SigninLink make_link(Store& store, const std::string& name, const std::string& base_url) {
  const std::string secret = random_secret();
  SigninLink link{trimmed_base(base_url) + "/signin/" + secret,
                  rfc3339_from_now(static_cast<long long>(kSigninLinkHours) * 3600)};
  store.accounts().add_signin_link(sha256_hex(secret), name, link.expires_at);
  return link;
}

}  // namespace

std::string rfc3339_from_now(long long seconds) {
  using namespace std::chrono;
  const auto t = system_clock::to_time_t(system_clock::now() + std::chrono::seconds(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void audit(Store& store, const std::string& who, const std::string& action,
           const std::string& target, const std::string& detail) {
  store.accounts().audit(AuditEntry{now_rfc3339(), who, action, target, detail});
}

SigninLink add_user(Store& store, const User& user, const std::string& base_url,
                    const std::string& by) {
  check_name(user.name, "user name");
  if (std::find(kRoles.begin(), kRoles.end(), user.role) == kRoles.end()) {
    throw InputError(fmt::format("role '{}': expected admin, reviewer or viewer",
                                 display_text(user.role)));
  }
  if (user.adjudicator && user.role != "reviewer") {
    throw InputError("--adjudicator is for reviewers: admins adjudicate already");
  }
  const auto unit = store.begin();
  User u = user;
  u.created_at = now_rfc3339();
  store.accounts().add_user(u);
  SigninLink link = make_link(store, u.name, base_url);
  audit(store, by, "users.add", u.name,
        fmt::format("role {}{}", u.role, u.adjudicator ? ", adjudicator" : ""));
  unit->commit();
  return link;
}

SigninLink new_signin_link(Store& store, const std::string& name, const std::string& base_url,
                           const std::string& by) {
  const auto unit = store.begin();
  const auto u = store.accounts().user(name);
  if (!u || !u->revoked_at.empty()) {
    throw InputError(fmt::format("no user named '{}' may sign in{}: `qualbar users list` shows "
                                 "who may",
                                 display_text(name), u ? " (revoked)" : ""));
  }
  SigninLink link = make_link(store, name, base_url);
  audit(store, by, "users.link", name);
  unit->commit();
  return link;
}

void revoke_user(Store& store, const std::string& name, const std::string& by) {
  const auto unit = store.begin();
  if (!store.accounts().revoke_user(name, now_rfc3339())) {
    throw InputError(fmt::format("no user named '{}' to revoke: `qualbar users list` shows who "
                                 "may sign in",
                                 display_text(name)));
  }
  audit(store, by, "users.revoke", name);
  unit->commit();
}

NewToken add_token(Store& store, const std::string& name, const std::vector<std::string>& scopes,
                   const std::string& by) {
  check_name(name, "token name");
  if (scopes.empty()) throw InputError("a token needs a scope: --scope read, runs:write or records:write");
  for (const auto& s : scopes) {
    if (std::find(kTokenScopes.begin(), kTokenScopes.end(), s) == kTokenScopes.end()) {
      throw InputError(fmt::format("scope '{}': expected read, runs:write or records:write",
                                   display_text(s)));
    }
  }
  NewToken out;
  out.secret = "qbt_" + random_secret();
  out.token.id = "t-" + sha256_hex(out.secret).substr(0, 8);
  out.token.name = name;
  out.token.scopes = scopes;
  std::sort(out.token.scopes.begin(), out.token.scopes.end());
  out.token.scopes.erase(std::unique(out.token.scopes.begin(), out.token.scopes.end()),
                         out.token.scopes.end());
  out.token.created_by = by;
  out.token.created_at = now_rfc3339();
  const auto unit = store.begin();
  store.accounts().add_token(out.token, sha256_hex(out.secret));
  std::string listed;
  for (const auto& s : out.token.scopes) listed += (listed.empty() ? "" : " ") + s;
  audit(store, by, "tokens.add", out.token.id, fmt::format("{} ({})", name, listed));
  unit->commit();
  return out;
}

void revoke_token(Store& store, const std::string& id, const std::string& by) {
  const auto unit = store.begin();
  if (!store.accounts().revoke_token(id, now_rfc3339())) {
    throw InputError(fmt::format("no token '{}' to revoke: `qualbar tokens list` shows them",
                                 display_text(id)));
  }
  audit(store, by, "tokens.revoke", id);
  unit->commit();
}

}  // namespace qb
