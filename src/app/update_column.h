// Sets one column of one row by id: the shape of every "*.update" command's optional fields.
// `table` and `column` come from code, never from a command.
#pragma once
#include <string>

#include "store/database.h"

namespace quittance::app {

template <class Value>
void update_column(store::Database& db, const char* table, const std::string& id, const char* column,
                   const Value& value) {
  auto st = db.prepare(std::string("UPDATE ") + table + " SET " + column + " = ?2 WHERE id = ?1");
  st.bind(1, id).bind(2, value);
  st.step();
}

}  // namespace quittance::app
