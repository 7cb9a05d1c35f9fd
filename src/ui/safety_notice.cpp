// The safety notice. See safety_notice.h.
#include "ui/safety_notice.h"

#include <imgui.h>

#include "ui/backup_download.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr int kUnsentNoticeSeconds = 60;  // out of reach this long with unsent work: said
constexpr int kEndOfDayHour = 17;         // the day's backup offered from this local hour
constexpr const char* kPersistenceRefused = "persistence.refused";  // platform().remember's keys
constexpr const char* kPersistenceLater = "persistence.later";      // the day « Plus tard » was clicked

void begin_notice() {
  ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().warning));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
}

void end_notice() {
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  ImGui::Separator();
  ImGui::Spacing();
}

void draw_unsent(sync::LogSync& log, const sync::ServerLink& server, bool network, SafetyNoticeState& state) {
  const std::int64_t pending = log.pending();
  const bool out_of_reach = !network || server.connection() == sync::Connection::Offline;
  if (pending == 0 || !out_of_reach) {
    state.unsent_since = 0;
    return;
  }
  const std::time_t now = std::time(nullptr);
  if (state.unsent_since == 0) state.unsent_since = now;
  if (now - state.unsent_since < kUnsentNoticeSeconds) return;
  begin_notice();
  heading(fill(tr(pending == 1 ? "safety.unsent_one" : "safety.unsent_many"), {{"n", whole_number(pending)}}).c_str());
  label(tr("safety.unsent_help"));
  end_notice();
}

// Books that synced with a clinic's server, on a device no longer linked to it (its link lost
// with IndexedDB, or forgotten): intact, but nothing done here reaches the server any more.
void draw_unlinked(const sync::LogSync& log) {
  if (log.books_clinic().empty()) return;
  begin_notice();
  heading(tr("safety.unlinked"));
  label(tr("safety.unlinked_help"));
  end_notice();
}

bool end_of_day_for(const JournalHead& head) {
  return local_now().hour >= kEndOfDayHour || local_day(head.at) < today_iso();
}

void draw_backup_reminder(app::CommandLayer& commands, const JournalHead& head, SafetyNoticeState& state) {
  if (!state.downloaded.empty()) {
    begin_notice();
    label(fill(tr("safety.backup_done"), {{"file", state.downloaded}}).c_str());
    beside(button_width(tr_id("safety.ok", "safety-ok").c_str()));
    if (ImGui::SmallButton(tr_id("safety.ok", "safety-ok").c_str())) state.downloaded.clear();
    end_notice();
    return;
  }
  if (state.later || !platform().download) return;
  if (head.seq <= seq_at_last_backup() || !end_of_day_for(head)) return;
  begin_notice();
  heading(tr("safety.only_here"));
  label(tr("safety.backup_help"));
  if (ImGui::Button(tr_id("safety.backup_download", "safety-backup").c_str())) {
    const std::optional<std::string> file = download_backup(commands);
    state.downloaded = file ? *file : std::string();
    state.download_failed = !file;
  }
  beside(button_width(tr_id("safety.later", "safety-later").c_str()));
  if (ImGui::Button(tr_id("safety.later", "safety-later").c_str())) state.later = true;
  if (state.download_failed) label(tr("exports.backup.failed"));
  end_notice();
}

// Asked once: refused, it is said in « Exports et sauvegarde » and not here again; « Plus tard »
// waits for the next day (both remembered by this device).
bool persistence_put_off() {
  if (!platform().recall) return false;
  return platform().recall(kPersistenceRefused) == "1" || platform().recall(kPersistenceLater) == today_iso();
}

void draw_persistence(const JournalHead& head, int storage_persisted, SafetyNoticeState& state) {
  const int persisted = state.persisted >= 0 ? state.persisted : storage_persisted;
  if (persisted != 0 || state.persistence_put_off || !platform().ask_persistence) return;
  if (head.seq == 0 || persistence_put_off()) return;  // nothing to keep yet, or put off
  begin_notice();
  label(tr("safety.persist_help"));
  if (state.asking) ImGui::BeginDisabled();
  if (ImGui::Button(tr_id("safety.persist_ask", "safety-persist").c_str())) {
    state.asking = true;
    platform().ask_persistence([&state](bool granted) {  // the state lives as long as the page
      state.asking = false;
      state.persisted = granted ? 1 : 0;
      if (!granted && platform().remember) platform().remember(kPersistenceRefused, "1");
    });
  }
  if (state.asking) ImGui::EndDisabled();
  beside(button_width(tr_id("safety.later", "safety-persist-later").c_str()));
  if (ImGui::Button(tr_id("safety.later", "safety-persist-later").c_str())) {
    state.persistence_put_off = true;
    if (platform().remember) platform().remember(kPersistenceLater, today_iso());
  }
  end_notice();
}

}  // namespace

void draw_safety_notice(app::CommandLayer& commands, sync::LogSync* log, const sync::ServerLink* server, bool network,
                        int storage_persisted, bool dashboard, SafetyNoticeState& state) {
  if (log && server && server->link().paired()) {
    draw_unsent(*log, *server, network, state);
    return;
  }
  if (!dashboard) return;
  if (log) draw_unlinked(*log);
  const JournalHead head = journal_head(commands);  // one query a frame for both
  draw_backup_reminder(commands, head, state);
  draw_persistence(head, storage_persisted, state);
}

}  // namespace quittance::ui
