#pragma once
// The people and machines who may use qualbar serve: users with a role, their one-time sign-in
// links and their sessions, API tokens with scopes, the sign-in attempts that rate limits count,
// and the audit log of every write. One concern of a Store (store/store.hpp), so that several
// serve processes on one store agree on who is signed in. Secrets are never stored: a link, a
// session or a token is kept as the SHA-256 of its secret (util/secret.hpp).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace qb {

struct User {
  std::string name;
  std::string role;  // admin, reviewer or viewer
  bool adjudicator = false;
  std::string created_at;
  std::string revoked_at;  // "" while the user may sign in
};

struct Session {
  std::string user;
  std::string role;
  std::string csrf;
  std::string expires_at;
};

struct ApiToken {
  std::string id;    // "t-" and 8 hex digits: how `tokens revoke` names it
  std::string name;  // what it is for ("ci", "ingest")
  std::vector<std::string> scopes;
  std::string created_by;
  std::string created_at;
  std::string revoked_at;
};

struct AuditEntry {
  std::string at;      // UTC, RFC 3339
  std::string who;     // a user, "token NAME", or "cli" for a command run on the store's machine
  std::string action;  // "users.add", "session.signin", "runs.delete", ...
  std::string target;  // what it acted on: a user, a token id, a run id
  std::string detail;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // InputError when a user of that name exists and is not revoked (a revoked one is replaced).
  virtual void add_user(const User& user) = 0;
  [[nodiscard]] virtual std::optional<User> user(const std::string& name) = 0;
  [[nodiscard]] virtual std::vector<User> users() = 0;
  // Revokes the user and ends their sessions and unused links; false when there is no such user.
  virtual bool revoke_user(const std::string& name, const std::string& at) = 0;

  virtual void add_signin_link(const std::string& secret_hash, const std::string& user,
                               const std::string& expires_at) = 0;
  // The user a link signs in, once: the link is used up. nullopt for an unknown, used or expired
  // link, or a revoked user.
  [[nodiscard]] virtual std::optional<std::string> use_signin_link(const std::string& secret_hash,
                                                                   const std::string& now) = 0;

  virtual void add_session(const std::string& id_hash, const std::string& user,
                           const std::string& csrf, const std::string& created_at,
                           const std::string& expires_at) = 0;
  // The session, while it has not expired, been ended, or its user revoked.
  [[nodiscard]] virtual std::optional<Session> session(const std::string& id_hash,
                                                       const std::string& now) = 0;
  virtual void end_session(const std::string& id_hash) = 0;

  virtual void add_token(const ApiToken& token, const std::string& secret_hash) = 0;
  // The token, while it is not revoked.
  [[nodiscard]] virtual std::optional<ApiToken> token(const std::string& secret_hash) = 0;
  [[nodiscard]] virtual std::vector<ApiToken> tokens() = 0;
  // false when there is no such token.
  virtual bool revoke_token(const std::string& id, const std::string& at) = 0;

  // Sign-in attempts that failed, by client address, for the rate limit; attempts from before
  // `forget_before` (out of every window) are dropped as a new one is kept.
  virtual void record_failed_signin(const std::string& client, const std::string& at,
                                    const std::string& forget_before) = 0;
  [[nodiscard]] virtual std::size_t failed_signins(const std::string& client,
                                                   const std::string& since) = 0;

  virtual void audit(const AuditEntry& entry) = 0;
  // The newest first.
  [[nodiscard]] virtual std::vector<AuditEntry> audit_log(std::size_t limit) = 0;
};

}  // namespace qb
