// A list query read page by page, as the screen scrolls: the table asks for row i, the page
// holding it is fetched once (100 rows through the command layer) and kept until the data or
// the query changes. With ImGuiListClipper drawing only visible rows, 100,000 invoices cost
// what one screenful does.
#pragma once
#include <cstdint>
#include <map>

#include "app/commands.h"

namespace quittance::ui {

class PagedList {
 public:
  // The query without limit/offset ({"cmd": "invoice.list", "status": "due"}). The cache is
  // dropped when the query or the data version changed.
  void set_query(const app::Json& query, std::uint64_t data_version);
  // Number of rows (fetches the first page if needed); 0 when the query fails.
  std::int64_t total(app::CommandLayer& commands);
  // Row `index`, or null when out of range or the query failed.
  const app::Json* row(app::CommandLayer& commands, std::int64_t index);

 private:
  static constexpr std::int64_t kPageSize = 100;
  const app::Json* fetch(app::CommandLayer& commands, std::int64_t page);
  app::Json query_;
  std::uint64_t version_ = UINT64_MAX;
  std::int64_t total_ = -1;
  std::map<std::int64_t, app::Json> pages_;  // page number -> its items
};

}  // namespace quittance::ui
