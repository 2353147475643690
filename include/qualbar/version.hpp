#pragma once

namespace qb {
inline constexpr const char* kVersion = QB_VERSION;  // from CMake's project version
}
