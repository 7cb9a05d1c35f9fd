// Paged list cache. See paged_list.h.
#include "ui/paged_list.h"

#include <imgui.h>

namespace quittance::ui {

void PagedList::set_query(const app::Json& query, std::uint64_t data_version, bool count_lazily) {
  if (query == query_ && data_version == version_) return;
  if (query != query_) changed_at_ = ImGui::GetTime();
  lazy_ = count_lazily;
  exact_ = true;
  query_ = query;
  version_ = data_version;
  total_ = -1;
  summary_ = app::Json::object();
  pages_.clear();
}

const app::Json* PagedList::fetch(app::CommandLayer& commands, std::int64_t page) {
  auto it = pages_.find(page);
  if (it != pages_.end()) return &it->second;
  app::Json q = query_;
  q["limit"] = kPageSize;
  q["offset"] = page * kPageSize;
  if (lazy_) q["count_up_to"] = kCountCap;
  app::Json answer = commands.query(q);
  if (answer["ok"] != true) {
    total_ = 0;
    return nullptr;
  }
  app::Json& result = answer["result"];
  if (total_ < 0) {  // a later page's capped count never replaces a better one
    total_ = result.value("total", std::int64_t{0});
    exact_ = result.value("total_exact", true);
  }
  app::Json& items = pages_[page] = std::move(result["items"]);
  result.erase("items");
  summary_ = std::move(result);
  return &items;
}

std::int64_t PagedList::total(app::CommandLayer& commands) {
  if (total_ < 0) fetch(commands, 0);
  if (!exact_ && ImGui::GetTime() - changed_at_ >= kCountPause) {
    app::Json q = query_;
    q["limit"] = 1;
    app::Json answer = commands.query(q);
    if (answer["ok"] == true) total_ = answer["result"].value("total", total_);
    exact_ = true;
  }
  return total_ < 0 ? 0 : total_;
}

const app::Json& PagedList::summary(app::CommandLayer& commands) {
  total(commands);
  return summary_;
}

const app::Json* PagedList::row(app::CommandLayer& commands, std::int64_t index) {
  if (index < 0) return nullptr;
  const app::Json* items = fetch(commands, index / kPageSize);
  if (!items) return nullptr;
  const auto offset = static_cast<std::size_t>(index % kPageSize);
  return offset < items->size() ? &(*items)[offset] : nullptr;
}

}  // namespace quittance::ui
