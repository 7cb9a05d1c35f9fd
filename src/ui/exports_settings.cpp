// « Exports et sauvegarde ». See exports_settings.h.
// [SECTION] Words and numbers: counts with their plural, placeholders, periods
// [SECTION] CSV exports for the accountant
// [SECTION] Backup
// [SECTION] Restore
#include "ui/exports_settings.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <utility>

#include "core/date.h"
#include "ui/announce.h"
#include "ui/backup_download.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/pdf_download.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

// [SECTION] Words and numbers ------------------------------------------------------------------

const ImVec4 kErrorColour(0.70f, 0.10f, 0.10f, 1.0f);
const ImVec4 kWarningColour(0.55f, 0.30f, 0.00f, 1.0f);
const ImVec4 kSuccessColour(0.10f, 0.45f, 0.20f, 1.0f);

void coloured(const ImVec4& colour, const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  label(text.c_str());
  ImGui::PopStyleColor();
}

// "aucune facture", "1 facture", "340 factures": `noun` is "invoices", "patients" or "lines".
std::string count(std::int64_t n, const char* noun) {
  const char* form = n == 0 ? "_none" : n == 1 ? "_one" : "_many";
  return fill(tr(std::string("exports.") + noun + form), {{"n", whole_number(n)}});
}


void set_period(ExportsState& state, core::Date from, core::Date to) {
  state.from = date(core::format_iso(from));
  state.to = date(core::format_iso(to));
}

core::Date month_end(core::Date d) { return core::Date{d.year, d.month, core::days_in_month(d.year, d.month)}; }

// [SECTION] CSV exports ---------------------------------------------------------------------------

struct ExportKind {
  const char* kind;    // export.csv's "kind"
  const char* button;  // catalogue keys
  const char* description;
};
constexpr ExportKind kKinds[] = {
    {"receipts", "exports.csv.receipts", "exports.csv.receipts.help"},
    {"invoices", "exports.csv.invoices", "exports.csv.invoices.help"},
    {"payments", "exports.csv.payments", "exports.csv.payments.help"},
    {"credit_notes", "exports.csv.credit_notes", "exports.csv.credit_notes.help"},
    {"refunds", "exports.csv.refunds", "exports.csv.refunds.help"},
};

void draw_message(const ExportsState::Message& message) {
  if (!message.text.empty()) coloured(message.error ? kErrorColour : kSuccessColour, message.text);
}

void run_export(app::CommandLayer& commands, ExportsState& state, const ExportKind& kind) {
  const auto period = export_period(state);
  if (!period) return;
  const auto& [from, to] = *period;
  app::Json answer = commands.query({{"cmd", "export.csv"}, {"kind", kind.kind}, {"from", from}, {"to", to}});
  if (answer["ok"] != true) return state.csv_message.say(tr(error_key(answer)), true);
  const app::Json& r = answer["result"];
  const std::string csv = r["csv"], filename = r["filename"];
  platform().download(filename, "text/csv;charset=utf-8", csv);
  // The rows after the header, each ended by CRLF (a CRLF typed inside a cell would count too: rare).
  std::int64_t lines = -1;
  for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) ++lines;
  state.csv_message.say(
      fill(tr("exports.csv.done"), {{"file", filename}, {"lines", count(lines < 0 ? 0 : lines, "lines")}}), false);
}

// The « livre-journal des recettes » of the period as a PDF, made here.
void run_journal_pdf(app::CommandLayer& commands, ExportsState& state) {
  const auto period = export_period(state);
  if (!period) return;
  const auto& [from, to] = *period;
  const std::string filename = std::string(tr("exports.journal.pdf_name")) + " " + from + " " + to + ".pdf";
  const std::string error = download_pdf(commands, {{"cmd", "receipts.journal"}, {"from", from}, {"to", to}}, filename);
  if (!error.empty()) return state.csv_message.say(tr(error), true);
  state.csv_message.say(fill(tr("exports.journal.done"), {{"file", filename}}), false);
}

void draw_csv_exports(app::CommandLayer& commands, std::uint64_t data_version, ExportsState& state) {
  heading(tr("exports.csv.heading"));
  push_wrap(760);
  muted(tr("exports.csv.help"));
  ImGui::PopTextWrapPos();
  ImGui::Spacing();

  // « Du » and « Au » side by side, each above its field.
  constexpr float kDateWidth = 150.0f;
  side_field(tr("exports.from"), "##export-from", &state.from, kDateWidth);
  side_field(tr("exports.to"), "##export-to", &state.to, kDateWidth, true);
  // Periods an accountant asks for, in one click.
  const core::Date t = today();
  const core::Date this_month{t.year, t.month, 1};
  const core::Date last_month = core::add_months(this_month, -1);
  if (ImGui::SmallButton(tr_id("exports.period.this_month", "period-this-month").c_str())) {
    set_period(state, this_month, month_end(this_month));
  }
  beside(button_width(tr_id("exports.period.last_month", "period-last-month").c_str()));
  if (ImGui::SmallButton(tr_id("exports.period.last_month", "period-last-month").c_str())) {
    set_period(state, last_month, month_end(last_month));
  }
  beside(button_width(tr_id("exports.period.this_year", "period-this-year").c_str()));
  if (ImGui::SmallButton(tr_id("exports.period.this_year", "period-this-year").c_str())) {
    set_period(state, core::Date{t.year, 1, 1}, core::Date{t.year, 12, 31});
  }
  beside(button_width(tr_id("exports.period.last_year", "period-last-year").c_str()));
  if (ImGui::SmallButton(tr_id("exports.period.last_year", "period-last-year").c_str())) {
    set_period(state, core::Date{t.year - 1, 1, 1}, core::Date{t.year - 1, 12, 31});
  }
  ImGui::Spacing();

  const bool can_download = static_cast<bool>(platform().download);
  if (!can_download) ImGui::BeginDisabled();
  float button_w = 0;
  for (const ExportKind& k : kKinds) button_w = std::max(button_w, ImGui::CalcTextSize(tr(k.button)).x);
  for (const char* key : {"exports.journal.pdf", "exports.fec.cash", "exports.fec.accrual"}) {
    button_w = std::max(button_w, ImGui::CalcTextSize(tr(key)).x);
  }
  button_w += 2 * ImGui::GetStyle().FramePadding.x;
  // The receipts book as the practitioner keeps it (BNC): a PDF to print or archive, first.
  if (ImGui::Button(tr_id("exports.journal.pdf", "export-journal-pdf").c_str(), ImVec2(button_w, 0))) {
    run_journal_pdf(commands, state);
  }
  ImGui::SameLine(0, 16);
  ImGui::AlignTextToFramePadding();
  muted(tr("exports.journal.pdf.help"));
  for (const ExportKind& k : kKinds) {
    const std::string text = tr_id(k.button, std::string("export-") + k.kind);
    if (ImGui::Button(text.c_str(), ImVec2(button_w, 0))) run_export(commands, state, k);
    ImGui::SameLine(0, 16);
    ImGui::AlignTextToFramePadding();
    muted(tr(k.description));
  }
  if (!can_download) ImGui::EndDisabled();
  draw_fec_exports(commands, data_version, state, button_w);
  draw_message(state.csv_message);
}

// [SECTION] Backup ---------------------------------------------------------------------------------

void draw_backup(app::CommandLayer& commands, ExportsState& state) {
  heading(tr("exports.backup.heading"));
  push_wrap(760);
  muted(tr("exports.backup.help"));
  ImGui::PopTextWrapPos();
  const bool can = platform().download && platform().backup;
  if (!can) ImGui::BeginDisabled();
  if (ImGui::Button(tr_id("exports.backup.download", "backup-download").c_str())) {
    if (const std::optional<std::string> filename = download_backup(commands)) {
      state.backup_message.say(fill(tr("exports.backup.done"), {{"file", *filename}}), false);
    } else {
      state.backup_message.say(tr("exports.backup.failed"), true);
    }
  }
  if (!can) ImGui::EndDisabled();
  draw_message(state.backup_message);
}

// [SECTION] Restore --------------------------------------------------------------------------------

// "12 patients, 340 factures"
std::string contents(const store::BackupCheck& c) {
  return count(c.patients, "patients") + ", " + count(c.invoices, "invoices");
}

// « Sauvegarde du 21/11/2026 : 12 patients, 340 factures »
std::string backup_summary(const store::BackupCheck& c) {
  const std::string what = contents(c);
  if (c.last_entry_at.empty()) return fill(tr("exports.restore.summary_undated"), {{"content", what}});
  return fill(tr("exports.restore.summary"), {{"date", date(local_day(c.last_entry_at))}, {"content", what}});
}

// The file arrives outside any frame: its check starts at the next one, a slice a frame.
void picked(ExportsState* state, std::string name, Bytes bytes) {
  state->restore = ExportsState::Restore::Checking;
  state->scroll_to_restore = true;
  state->file_name = std::move(name);
  state->bytes.clear();
  state->error_key.clear();
  state->check = store::BackupCheck{};
  state->job = std::make_shared<app::BackupCheckJob>(std::move(bytes));
  if (platform().redraw) platform().redraw();
}

bool g_checks_held = false;  // hold_backup_checks

// A slice of the check (~40 ms, or one table's: the bar moves, « Annuler » answers between
// slices), then its verdict.
void check_slice(ExportsState& state) {
  if (!state.job || g_checks_held) return;
  if (state.job->step(40)) {
    if (platform().redraw) platform().redraw();
    return;
  }
  state.check = state.job->result();
  if (state.job->failed()) {  // out of memory: on this device, or a damaged file asking for too much
    state.restore = ExportsState::Restore::Failed;
    state.error_key = "exports.restore.failed";
  } else {
    state.restore = ExportsState::Restore::Checked;
    if (state.check.ok()) state.bytes = state.job->take_bytes();
  }
  state.job.reset();
  state.scroll_to_restore = true;
  if (platform().redraw) platform().redraw();
}

void draw_restore(app::CommandLayer& commands, ExportsState& state) {
  // Before drawing: the frame that ends the check shows (and scrolls to) what it found.
  if (state.restore == ExportsState::Restore::Checking) check_slice(state);
  heading(tr("exports.restore.heading"));
  push_wrap(760);
  muted(tr("exports.restore.help"));
  // Replacing the whole books is the owner's decision (the platform refuses it to others too).
  const bool owner = result_of(commands.query({{"cmd", "app.info"}})).value("role", std::string()) == "owner";
  if (!owner) muted(tr("exports.restore.owner_only"));
  ImGui::PopTextWrapPos();
  using R = ExportsState::Restore;
  const bool can = owner && platform().pick_file && platform().restore;
  const bool busy = state.restore == R::Running || state.restore == R::Checking;
  if (!can || busy) ImGui::BeginDisabled();
  if (ImGui::Button(tr_id("exports.restore.pick", "restore-pick").c_str())) {
    ExportsState* s = &state;  // lives in the app's UiState for the whole session
    platform().pick_file(".sqlite,.db,.sqlite3,application/vnd.sqlite3,application/x-sqlite3",
                         [s](std::string name, Bytes bytes) { picked(s, std::move(name), std::move(bytes)); });
  }
  if (!can || busy) ImGui::EndDisabled();

  push_wrap(760);
  switch (state.restore) {
    case R::None:
      break;
    case R::Checking: {
      ImGui::Spacing();
      label(fill(tr("exports.restore.file"), {{"file", state.file_name}}).c_str());
      const float done = state.job ? static_cast<float>(state.job->progress()) : 0.0f;
      label(fill(tr("exports.restore.checking"), {{"percent", std::to_string(static_cast<int>(done * 100))}}).c_str());
      // A screen reader hears where the check is at each quarter, not at every percent.
      message_shown(fill(tr("exports.restore.checking"), {{"percent", std::to_string(static_cast<int>(done * 4) * 25)}}));
      ImGui::ProgressBar(done, ImVec2(std::min(360.0f, ImGui::GetContentRegionAvail().x), 0), "");
      // Stops the check and forgets the file: nothing was changed.
      if (ImGui::Button(tr_id("exports.restore.cancel", "restore-stop-check").c_str())) {
        state.job.reset();
        state.restore = R::None;
      }
      break;
    }
    case R::Checked: {
      ImGui::Spacing();
      label(fill(tr("exports.restore.file"), {{"file", state.file_name}}).c_str());
      if (!state.check.ok()) {
        const std::string refusal = tr("exports.restore.refused." + std::string(store::to_string(state.check.status)));
        coloured(kErrorColour, refusal);
        label(tr("error.nothing_changed"));
        message_shown(refusal + " " + tr("error.nothing_changed"), /*urgent=*/true);
        break;
      }
      heading(backup_summary(state.check).c_str());
      message_shown(backup_summary(state.check));
      coloured(kWarningColour, tr("exports.restore.warning"));
      ImGui::Spacing();
      // The one button here that destroys data: tinted red, with dark text as every button.
      ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.97f, 0.84f, 0.84f, 1.0f));
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.95f, 0.74f, 0.74f, 1.0f));
      ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.92f, 0.64f, 0.64f, 1.0f));
      const bool confirmed = ImGui::Button(tr_id("exports.restore.confirm", "restore-confirm").c_str());
      ImGui::PopStyleColor(3);
      if (confirmed) {
        state.restore = R::Running;
        ExportsState* s = &state;
        platform().restore(std::move(state.bytes), [s](const std::string& error_key) {
          s->restore = error_key.empty() ? R::Done : R::Failed;
          s->error_key = error_key;
          s->scroll_to_restore = true;
        });
        state.bytes.clear();
      }
      beside(button_width(tr_id("exports.restore.cancel", "restore-cancel").c_str()));
      if (ImGui::Button(tr_id("exports.restore.cancel", "restore-cancel").c_str())) {
        state.restore = R::None;
        state.bytes.clear();
      }
      break;
    }
    case R::Running:
      label(tr("exports.restore.running"));
      message_shown(tr("exports.restore.running"));
      break;
    case R::Done: {
      const std::string done = fill(tr("exports.restore.done"), {{"content", contents(state.check)}});
      coloured(kSuccessColour, done);
      message_shown(done);
      break;
    }
    case R::Failed: {
      const std::string failure = tr(state.error_key.empty() ? "exports.restore.failed" : state.error_key);
      coloured(kErrorColour, failure);
      label(tr("error.nothing_changed"));
      message_shown(failure + " " + tr("error.nothing_changed"), /*urgent=*/true);
      break;
    }
  }
  ImGui::PopTextWrapPos();
  // What the check found (or the restore did) appears below the button, maybe below the
  // screen's bottom edge: scroll it into view once.
  if (state.scroll_to_restore) {
    ImGui::SetScrollHereY(1.0f);
    state.scroll_to_restore = false;
  }
}

}  // namespace

void hold_backup_checks(bool held) {
  g_checks_held = held;
  if (!held && platform().redraw) platform().redraw();
}

std::optional<std::pair<std::string, std::string>> export_period(ExportsState& state) {
  const auto from = input_date_to_iso(state.from), to = input_date_to_iso(state.to);
  if (!from || !to) {
    state.csv_message.say(tr("error.invalid_date"), true);
    return std::nullopt;
  }
  if (*to < *from) {
    state.csv_message.say(tr("exports.csv.bad_range"), true);
    return std::nullopt;
  }
  return std::pair{*from, *to};
}

void draw_exports_settings(app::CommandLayer& commands, std::uint64_t data_version, ExportsState& state) {
  if (state.from.empty() && state.to.empty()) {
    const core::Date t = today();
    set_period(state, core::Date{t.year, t.month, 1}, month_end(t));
  }
  draw_csv_exports(commands, data_version, state);
  ImGui::Spacing();
  ImGui::Separator();
  draw_backup(commands, state);
  // Whether the browser may clear the data by itself: why backups and a server still matter.
  if (state.storage_persisted >= 0) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    muted(tr(state.storage_persisted == 1 ? "exports.storage_persisted" : "exports.storage_not_persisted"));
    ImGui::PopTextWrapPos();
  }
  ImGui::Spacing();
  ImGui::Separator();
  draw_restore(commands, state);
}

}  // namespace quittance::ui
