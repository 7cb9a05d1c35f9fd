// Operations an older quittance-server let into a clinic's log without checking them (a body
// that is not JSON or nests a hundred thousand levels deep, a day that is no date, a name no
// Quittance knows) stop every replica before them, or crash whoever copies them. Since the
// server checks operations at the door (sync/routes.cpp), such rows can only come from before:
// once, at start-up, each is replaced where it stands by a refusal every replica records
// without reading it (app::Op::refused_code), and the row as it was is kept beside the log.
#pragma once
#include <cstdint>

#include "server/store/sql.h"

namespace quittance::server {

// Repairs every clinic's log unless this database was already repaired by this version of
// the checks. Returns how many operations were replaced (0 on later starts).
std::int64_t repair_op_logs(Sql& db, const std::string& now);

}  // namespace quittance::server
