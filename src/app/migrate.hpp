#pragma once

#include <string>

#include "app/context.hpp"

namespace sesame {

struct MigrateReport {
    std::string from, to;              ///< backend names
    std::string from_where, to_where;  ///< their describe()
    size_t keys = 0;
    size_t sessions = 0;
    std::string marker;  ///< where the choice of backend was recorded
};

/// `sesame migrate --to BACKEND`: copies every key and cached session from the backend in use to
/// `to` in one change (refused, changing nothing, if `to` holds another key under one of the
/// profiles), records `to` as the backend in use (backend_marker_path), then removes them from the
/// old backend in one change. Interrupted at any point, the keys are in the old store, the new
/// one, or both — never neither. `dry_run` reads both stores and changes nothing.
Result<MigrateReport> migrate_store(Context& ctx, const std::string& to, bool dry_run);

}  // namespace sesame
