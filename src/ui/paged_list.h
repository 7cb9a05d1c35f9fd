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
  // dropped when the query or the data version changed. With `count_lazily` (a query that takes
  // "count_up_to", as invoice.list does), rows are counted up to kCountCap while the query keeps
  // changing (a search being typed), and exactly once it has stayed the same for kCountPause.
  void set_query(const app::Json& query, std::uint64_t data_version, bool count_lazily = false);
  // Number of rows (fetches the first page if needed); 0 when the query fails.
  std::int64_t total(app::CommandLayer& commands);
  // False while total() is only "at least that many".
  bool total_exact() const { return exact_; }
  // Row `index`, or null when out of range or the query failed.
  const app::Json* row(app::CommandLayer& commands, std::int64_t index);
  // What the answer holds besides its rows (payment.list's "received"); an object, maybe empty.
  const app::Json& summary(app::CommandLayer& commands);

 private:
  static constexpr std::int64_t kPageSize = 100;
  // Counting 5,000 index entries is cheap; beyond, a search is broad enough that walking the
  // date index is the fast way to its page (invoice.list).
  static constexpr std::int64_t kCountCap = 5000;
  static constexpr double kCountPause = 0.3;  // seconds
  const app::Json* fetch(app::CommandLayer& commands, std::int64_t page);
  app::Json query_;
  std::uint64_t version_ = UINT64_MAX;
  std::int64_t total_ = -1;
  bool lazy_ = false, exact_ = true;
  double changed_at_ = 0;  // ImGui time of the last change of query
  app::Json summary_ = app::Json::object();
  std::map<std::int64_t, app::Json> pages_;  // page number -> its items
};

}  // namespace quittance::ui
