#pragma once
// The people and machines of qualbar serve, as `qualbar users` and `qualbar tokens` and the admin
// page manage them (docs/serve.md, "People and tokens"). Every change is written to the store's
// audit log with who made it.

#include <string>
#include <vector>

#include "qualbar/store/account_store.hpp"

namespace qb {

class Store;

// The roles, and what each may open: admin everything; viewer runs, comparisons, production and
// judge checks; reviewer the review pages only (the review stays blind).
inline const std::vector<std::string> kRoles = {"admin", "reviewer", "viewer"};
// An API token's scopes: read (what a viewer reads), runs:write (upload runs), records:write
// (send production records).
inline const std::vector<std::string> kTokenScopes = {"read", "runs:write", "records:write"};

inline constexpr int kSigninLinkHours = 24;      // how long a sign-in link may wait to be used
inline constexpr int kSessionHours = 7 * 24;     // how long a session lasts after sign-in

struct SigninLink {
  std::string url;  // BASE/signin/SECRET: the secret is shown once and stored only as its hash
  std::string expires_at;
};

// Adds a user and returns their first sign-in link. InputError for a bad name or role, or a name
// taken by a user who is not revoked.
SigninLink add_user(Store& store, const User& user, const std::string& base_url,
                    const std::string& by);
// A new one-time sign-in link for an existing user (after their session ended).
SigninLink new_signin_link(Store& store, const std::string& name, const std::string& base_url,
                           const std::string& by);
// Revokes a user: their sessions end and their unused links stop working. InputError when there
// is no such user.
void revoke_user(Store& store, const std::string& name, const std::string& by);

struct NewToken {
  ApiToken token;
  std::string secret;  // "qbt_" and 43 characters: shown once, stored only as its hash
};
// InputError for an unknown scope or an empty name.
NewToken add_token(Store& store, const std::string& name, const std::vector<std::string>& scopes,
                   const std::string& by);
void revoke_token(Store& store, const std::string& id, const std::string& by);

// Writes one audit entry now.
void audit(Store& store, const std::string& who, const std::string& action,
           const std::string& target, const std::string& detail = "");

// RFC 3339 UTC `seconds` from now (negative: in the past).
std::string rfc3339_from_now(long long seconds);

}  // namespace qb
