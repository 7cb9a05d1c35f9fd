// Paged list cache. See paged_list.h.
#include "ui/paged_list.h"

namespace quittance::ui {

void PagedList::set_query(const app::Json& query, std::uint64_t data_version) {
  if (query == query_ && data_version == version_) return;
  query_ = query;
  version_ = data_version;
  total_ = -1;
  pages_.clear();
}

const app::Json* PagedList::fetch(app::CommandLayer& commands, std::int64_t page) {
  auto it = pages_.find(page);
  if (it != pages_.end()) return &it->second;
  app::Json q = query_;
  q["limit"] = kPageSize;
  q["offset"] = page * kPageSize;
  app::Json answer = commands.query(q);
  if (answer["ok"] != true) {
    total_ = 0;
    return nullptr;
  }
  total_ = answer["result"].value("total", std::int64_t{0});
  return &(pages_[page] = std::move(answer["result"]["items"]));
}

std::int64_t PagedList::total(app::CommandLayer& commands) {
  if (total_ < 0) fetch(commands, 0);
  return total_ < 0 ? 0 : total_;
}

const app::Json* PagedList::row(app::CommandLayer& commands, std::int64_t index) {
  if (index < 0) return nullptr;
  const app::Json* items = fetch(commands, index / kPageSize);
  if (!items) return nullptr;
  const auto offset = static_cast<std::size_t>(index % kPageSize);
  return offset < items->size() ? &(*items)[offset] : nullptr;
}

}  // namespace quittance::ui
