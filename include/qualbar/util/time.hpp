#pragma once
// Times as the product's files write them: RFC 3339, and the UTC day and ISO week they fall in.

#include <string>
#include <string_view>

namespace qb {

// RFC 3339 ("2026-11-20T11:00:00+01:00", "2026-11-20T10:00:00.5Z") to UTC
// ("2026-11-20T10:00:00.5Z"); "" when the text is not such a time.
std::string to_utc_rfc3339(std::string_view s);

// The ISO 8601 week of a UTC date or time ("2026-11-20…" → "2026-W47"); "" when unreadable.
std::string iso_week(std::string_view date);

}  // namespace qb
