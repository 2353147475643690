// The accounts of the SQLite store: users, sign-in links, sessions, API tokens, failed sign-ins
// and the audit log (store/account_store.hpp).
#include <fmt/format.h>

#include "qualbar/core/error.hpp"
#include "store/sqlite_stores.hpp"

namespace qb::detail {
namespace {

std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

std::vector<std::string> split_scopes(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t end = std::min(s.find(' ', at), s.size());
    if (end > at) out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

User read_user(const Statement& s) {
  return User{s.text(0), s.text(1), s.integer(2) != 0, s.text(3), s.text(4)};
}

ApiToken read_token(const Statement& s) {
  return ApiToken{s.text(0), s.text(1), split_scopes(s.text(2)), s.text(3), s.text(4), s.text(5)};
}

constexpr const char* kUserColumns = "name, role, adjudicator, created_at, revoked_at";
constexpr const char* kTokenColumns = "id, name, scopes, created_by, created_at, revoked_at";

}  // namespace

void SqliteAccountStore::add_user(const User& user) {
  SqliteConnection::Transaction tx(c_);
  if (const auto existing = this->user(user.name); existing && existing->revoked_at.empty()) {
    throw InputError(fmt::format("there is already a user named '{}' (role {}); `qualbar users "
                                 "link {}` gives them a new sign-in link",
                                 user.name, existing->role, user.name));
  }
  Statement s(c_,
              "INSERT INTO users (name, role, adjudicator, created_at, revoked_at) "
              "VALUES (?,?,?,?,'') ON CONFLICT (name) DO UPDATE SET role = excluded.role, "
              "adjudicator = excluded.adjudicator, created_at = excluded.created_at, "
              "revoked_at = ''");
  s.bind(1, user.name).bind(2, user.role).bind(3, std::int64_t{user.adjudicator ? 1 : 0});
  s.bind(4, user.created_at);
  s.run();
  tx.commit();
}

std::optional<User> SqliteAccountStore::user(const std::string& name) {
  Statement s(c_, fmt::format("SELECT {} FROM users WHERE name = ?", kUserColumns).c_str());
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return read_user(s);
}

std::vector<User> SqliteAccountStore::users() {
  Statement s(c_, fmt::format("SELECT {} FROM users ORDER BY name", kUserColumns).c_str());
  std::vector<User> out;
  while (s.step()) out.push_back(read_user(s));
  return out;
}

bool SqliteAccountStore::revoke_user(const std::string& name, const std::string& at) {
  SqliteConnection::Transaction tx(c_);
  Statement u(c_, "UPDATE users SET revoked_at = ? WHERE name = ? AND revoked_at = ''");
  u.bind(1, at).bind(2, name);
  u.run();
  const bool changed = c_.changes() > 0;
  Statement s(c_, "DELETE FROM sessions WHERE user = ?");
  s.bind(1, name);
  s.run();
  Statement l(c_, "DELETE FROM signin_links WHERE user = ? AND used_at = ''");
  l.bind(1, name);
  l.run();
  tx.commit();
  return changed;
}

void SqliteAccountStore::add_signin_link(const std::string& secret_hash, const std::string& user,
                                         const std::string& expires_at) {
  Statement s(c_, "INSERT INTO signin_links (hash, user, expires_at) VALUES (?,?,?)");
  s.bind(1, secret_hash).bind(2, user).bind(3, expires_at);
  s.run();
}

std::optional<std::string> SqliteAccountStore::use_signin_link(const std::string& secret_hash,
                                                               const std::string& now) {
  SqliteConnection::Transaction tx(c_);
  // Used up in the same statement that finds it: two processes cannot both sign in with it.
  Statement s(c_,
              "UPDATE signin_links SET used_at = ?1 WHERE hash = ?2 AND used_at = '' AND "
              "expires_at > ?1 AND user IN (SELECT name FROM users WHERE revoked_at = '') "
              "RETURNING user");
  s.bind(1, now).bind(2, secret_hash);
  std::optional<std::string> user;
  if (s.step()) user = s.text(0);
  s.reset();
  tx.commit();
  return user;
}

void SqliteAccountStore::add_session(const std::string& id_hash, const std::string& user,
                                     const std::string& csrf, const std::string& created_at,
                                     const std::string& expires_at) {
  SqliteConnection::Transaction tx(c_);
  // Expired sessions go as new ones come, so the table holds the live ones and a few more.
  Statement gc(c_, "DELETE FROM sessions WHERE expires_at <= ?");
  gc.bind(1, created_at);
  gc.run();
  Statement s(c_,
              "INSERT INTO sessions (hash, user, csrf, created_at, expires_at) VALUES (?,?,?,?,?)");
  s.bind(1, id_hash).bind(2, user).bind(3, csrf).bind(4, created_at).bind(5, expires_at);
  s.run();
  tx.commit();
}

std::optional<Session> SqliteAccountStore::session(const std::string& id_hash,
                                                   const std::string& now) {
  Statement s(c_,
              "SELECT s.user, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON "
              "u.name = s.user WHERE s.hash = ? AND s.expires_at > ? AND u.revoked_at = ''");
  s.bind(1, id_hash).bind(2, now);
  if (!s.step()) return std::nullopt;
  return Session{s.text(0), s.text(1), s.text(2), s.text(3)};
}

void SqliteAccountStore::end_session(const std::string& id_hash) {
  Statement s(c_, "DELETE FROM sessions WHERE hash = ?");
  s.bind(1, id_hash);
  s.run();
}

void SqliteAccountStore::add_token(const ApiToken& token, const std::string& secret_hash) {
  Statement s(c_,
              "INSERT INTO api_tokens (id, hash, name, scopes, created_by, created_at) "
              "VALUES (?,?,?,?,?,?)");
  s.bind(1, token.id).bind(2, secret_hash).bind(3, token.name).bind(4, join_scopes(token.scopes));
  s.bind(5, token.created_by).bind(6, token.created_at);
  s.run();
}

std::optional<ApiToken> SqliteAccountStore::token(const std::string& secret_hash) {
  Statement s(c_, fmt::format("SELECT {} FROM api_tokens WHERE hash = ? AND revoked_at = ''",
                              kTokenColumns)
                      .c_str());
  s.bind(1, secret_hash);
  if (!s.step()) return std::nullopt;
  return read_token(s);
}

std::vector<ApiToken> SqliteAccountStore::tokens() {
  Statement s(c_,
              fmt::format("SELECT {} FROM api_tokens ORDER BY created_at, id", kTokenColumns)
                  .c_str());
  std::vector<ApiToken> out;
  while (s.step()) out.push_back(read_token(s));
  return out;
}

bool SqliteAccountStore::revoke_token(const std::string& id, const std::string& at) {
  Statement s(c_, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''");
  s.bind(1, at).bind(2, id);
  s.run();
  return c_.changes() > 0;
}

void SqliteAccountStore::record_failed_signin(const std::string& client, const std::string& at,
                                              const std::string& forget_before) {
  SqliteConnection::Transaction tx(c_);
  Statement old(c_, "DELETE FROM failed_signins WHERE at < ?");
  old.bind(1, forget_before);
  old.run();
  Statement s(c_, "INSERT INTO failed_signins (client, at) VALUES (?,?)");
  s.bind(1, client).bind(2, at);
  s.run();
  tx.commit();
}

std::size_t SqliteAccountStore::failed_signins(const std::string& client,
                                               const std::string& since) {
  Statement s(c_, "SELECT count(*) FROM failed_signins WHERE client = ? AND at >= ?");
  s.bind(1, client).bind(2, since);
  return s.step() ? static_cast<std::size_t>(s.integer(0)) : 0;
}

void SqliteAccountStore::audit(const AuditEntry& e) {
  Statement s(c_, "INSERT INTO audit_log (at, who, action, target, detail) VALUES (?,?,?,?,?)");
  s.bind(1, e.at).bind(2, e.who).bind(3, e.action).bind(4, e.target).bind(5, e.detail);
  s.run();
}

std::vector<AuditEntry> SqliteAccountStore::audit_log(std::size_t limit) {
  Statement s(c_,
              "SELECT at, who, action, target, detail FROM audit_log ORDER BY rowid DESC LIMIT ?");
  s.bind(1, static_cast<std::int64_t>(limit));
  std::vector<AuditEntry> out;
  while (s.step()) out.push_back(AuditEntry{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  return out;
}

}  // namespace qb::detail
