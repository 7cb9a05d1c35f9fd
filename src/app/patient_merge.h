// What patient.merge moves (patient_merge.cpp), for the page of a merged record.
#pragma once
#include <cstdint>
#include <string>

#include "store/database.h"

namespace quittance::app {

// How many rows of the books and the desk still name this patient: on a merged record, what
// reached it after the merge (an operation made offline elsewhere) and a new merge would move.
std::int64_t rows_naming(store::Database& db, const std::string& patient_id);

}  // namespace quittance::app
