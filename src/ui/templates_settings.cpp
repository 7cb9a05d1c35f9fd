// Paramètres → « Modèles d'e-mails ». See templates_settings.h.
#include "ui/templates_settings.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/command_id.h"
#include "core/message_template.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

constexpr const char* kUnits[] = {"hours", "days", "months"};

int unit_index(const std::string& unit) {
  for (int i = 0; i < 3; ++i) {
    if (unit == kUnits[i]) return i;
  }
  return 0;
}

// « À l'émission » or « 7 jours après l'émission ».
std::string when_text(std::int64_t amount, const std::string& unit) {
  if (amount == 0) return tr("templates.at_issue");
  const int u = unit_index(unit);
  static const char* const one[] = {"templates.after_hours_one", "templates.after_days_one", "templates.after_months_one"};
  static const char* const many[] = {"templates.after_hours", "templates.after_days", "templates.after_months"};
  return fill(tr(amount == 1 ? one[u] : many[u]), {{"n", std::to_string(amount)}});
}

bool run(app::CommandLayer& commands, TemplatesSettingsState& state, app::Json cmd, const char* done_key) {
  cmd["id"] = app::new_command_id();
  const app::Json answer = commands.exec(cmd);
  const bool ok = answer["ok"] == true;
  if (ok) state.last_saved = result_of(answer).value("template_id", std::string());
  state.error_key = ok ? "" : error_key(answer);
  state.error_detail.clear();
  state.message_key = ok ? done_key : "";
  return ok;
}

int keep_cursor(ImGuiInputTextCallbackData* data) {
  *static_cast<int*>(data->UserData) = data->CursorPos;
  return 0;
}

void open_editor(TemplatesSettingsState& state, const app::Json& t, bool duplicate) {
  state.editing = true;
  state.template_id = duplicate ? "" : t.value("template_id", std::string());
  state.system = !duplicate && t.value("system", false);
  state.with_requests = !duplicate && t.value("with_requests", false);
  state.with_documents = !duplicate && t.value("with_documents", false);
  state.name = t.value("name", std::string());
  if (duplicate) state.name = fill(tr("templates.copy_of"), {{"name", state.name}});
  state.subject = t.value("subject", std::string());
  state.body = t.value("body", std::string());
  state.delay = std::to_string(t.value("delay_amount", std::int64_t{0}));
  state.unit = unit_index(t.value("delay_unit", std::string("days")));
  state.attach_pdf = t.value("attach_pdf", true);
  state.active = duplicate ? false : t.value("active", false);
  state.was_active = state.active;
  state.subject_cursor = static_cast<int>(state.subject.size());
  state.body_cursor = static_cast<int>(state.body.size());
  state.error_key.clear();
  state.message_key.clear();
}

// Checks the fields as the server would, so the practitioner reads which field is unknown.
bool check_fields(TemplatesSettingsState& state) {
  for (const std::string* text : {&state.subject, &state.body}) {
    const core::TemplateCheck check = core::check_template(*text);
    if (!check.ok) {
      state.error_key = check.unclosed ? "templates.unclosed_field" : "templates.unknown_field";
      state.error_detail = check.field;
      return false;
    }
  }
  return true;
}

void save(app::CommandLayer& commands, TemplatesSettingsState& state) {
  if (!check_fields(state)) return;
  app::Json cmd = {{"cmd", "template.save"}, {"subject", state.subject}, {"body", state.body}, {"active", state.active}};
  if (!state.template_id.empty()) cmd["template_id"] = state.template_id;
  if (!state.system) {
    // A whole number, and nothing else: « 1.5 » or « 7- » is refused, not read as 1 or 7.
    std::int64_t delay = -1;
    if (!state.delay.empty() && state.delay.size() <= 6 &&
        state.delay.find_first_not_of("0123456789") == std::string::npos) {
      delay = std::stoll(state.delay);
    }
    if (delay < 0) {
      state.error_key = "templates.delay_invalid";
      return;
    }
    cmd["name"] = state.name;
    cmd["delay_amount"] = delay;
    cmd["delay_unit"] = kUnits[state.unit];
    cmd["attach_pdf"] = state.attach_pdf;
  }
  // Sending every new invoice is confirmed first, however it is turned on (templates.h): saved
  // inactive, then asked in the list.
  const bool was_active = !state.template_id.empty() && state.was_active;
  const bool at_issue = state.system ? state.delay == "0" : cmd.value("delay_amount", std::int64_t{-1}) == 0;
  const bool ask = at_issue && state.active && !was_active;
  if (ask) cmd["active"] = false;
  if (!run(commands, state, cmd, "templates.saved")) return;
  state.editing = false;
  if (ask) state.confirm_activate = state.template_id.empty() ? state.last_saved : state.template_id;
}

void field_picker(TemplatesSettingsState& state) {
  label(tr("templates.insert_field"));
  ImGui::SetNextItemWidth(fit(300));
  const bool open = ImGui::BeginCombo("##insert-field", tr("templates.choose_field"));
  name_last_widget(tr("templates.insert_field"));
  if (!open) return;
  for (const core::TemplateField& f : core::template_fields()) {
    const std::string text = std::string(tr(f.label)) + "   {{" + f.key + "}}##field-" + f.key;
    if (ImGui::Selectable(text.c_str())) {
      std::string& target = state.field_target == 0 ? state.subject : state.body;
      int& cursor = state.field_target == 0 ? state.subject_cursor : state.body_cursor;
      const std::size_t at = std::min(static_cast<std::size_t>(std::max(cursor, 0)), target.size());
      const std::string inserted = std::string("{{") + f.key + "}}";
      target.insert(at, inserted);
      cursor = static_cast<int>(at + inserted.size());
    }
  }
  ImGui::EndCombo();
}

void draw_editor(app::CommandLayer& commands, TemplatesSettingsState& state) {
  heading(tr(state.template_id.empty() ? "templates.new" : "templates.edit"));
  if (state.system) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    muted(tr("templates.system_fixed"));
    ImGui::PopTextWrapPos();
  }
  ImGui::BeginDisabled(state.system);
  text_field(tr("templates.name"), "##template-name", &state.name, 420);
  label(tr("templates.when"));
  ImGui::SetNextItemWidth(fit(80));
  ImGui::InputText("##template-delay", &state.delay, ImGuiInputTextFlags_CharsDecimal);
  name_last_widget(tr("templates.delay"));
  field_value(state.delay);
  beside(140);
  ImGui::SetNextItemWidth(fit(140));
  if (ImGui::BeginCombo("##template-unit", tr(std::string("templates.unit.") + kUnits[state.unit]))) {
    for (int i = 0; i < 3; ++i) {
      const std::string text = tr_id(std::string("templates.unit.") + kUnits[i], std::string("unit-") + kUnits[i]);
      if (ImGui::Selectable(text.c_str(), state.unit == i)) state.unit = i;
    }
    ImGui::EndCombo();
  }
  name_last_widget(tr("templates.unit"));
  beside(ImGui::CalcTextSize(tr("templates.after_issue")).x);
  label(tr("templates.after_issue"));
  ImGui::Checkbox(tr_id("templates.attach_pdf", "template-pdf").c_str(), &state.attach_pdf);
  name_last_widget(tr("templates.attach_pdf"));
  ImGui::EndDisabled();
  if (state.delay == "0") {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().warning));
    label(tr("templates.at_issue_warning"));
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
  } else {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    muted(tr("templates.reminder_help"));
    ImGui::PopTextWrapPos();
  }

  label(tr("templates.subject"));
  ImGui::SetNextItemWidth(-1);
  ImGui::InputText("##template-subject", &state.subject, ImGuiInputTextFlags_CallbackAlways, keep_cursor,
                   &state.subject_cursor);
  if (ImGui::IsItemActive()) state.field_target = 0;
  name_last_widget(tr("templates.subject"));
  field_value(state.subject);
  field_picker(state);
  label(tr("templates.body"));
  ImGui::InputTextMultiline("##template-body", &state.body, ImVec2(-1, 150), ImGuiInputTextFlags_CallbackAlways,
                            keep_cursor, &state.body_cursor);
  if (ImGui::IsItemActive()) state.field_target = 1;
  name_last_widget(tr("templates.body"));
  field_value(state.body, true);
  if (state.with_requests) {
    muted(tr(state.with_documents ? "templates.with_documents" : "templates.with_requests"));
  } else {
    ImGui::Checkbox(tr_id("templates.active", "template-active").c_str(), &state.active);
    name_last_widget(tr("templates.active"));
  }

  if (ImGui::Button(tr_id("templates.save", "template-save").c_str())) save(commands, state);
  ImGui::SameLine();
  // Escape closes the editor only when no field is being typed in and no list is open: it
  // would otherwise throw the template away in the middle of a word.
  const bool escape = escape_pressed() && !ImGui::IsAnyItemActive() && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopup);
  if (ImGui::Button(tr_id("pay.cancel", "template-cancel").c_str()) || escape) {
    state.editing = false;
    state.error_key.clear();
  }
}

void draw_confirmations(app::CommandLayer& commands, TemplatesSettingsState& state, const app::Json& items) {
  for (const auto& t : items) {
    const std::string id = t.value("template_id", std::string());
    if (id != state.confirm_activate && id != state.confirm_delete) continue;
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().warning));
    if (id == state.confirm_activate) {
      label(fill(tr("templates.confirm_at_issue"), {{"name", t.value("name", std::string())}}).c_str());
    } else {
      label(fill(tr("templates.confirm_delete"), {{"name", t.value("name", std::string())}}).c_str());
    }
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    if (id == state.confirm_activate &&
        ImGui::Button(tr_id("templates.activate_at_issue", "confirm-activate").c_str())) {
      run(commands, state, {{"cmd", "template.set_active"}, {"template_id", id}, {"active", true}}, "templates.activated");
      state.confirm_activate.clear();
    }
    if (id == state.confirm_delete && ImGui::Button(tr_id("templates.delete", "confirm-delete").c_str())) {
      run(commands, state, {{"cmd", "template.delete"}, {"template_id", id}}, "templates.deleted");
      state.confirm_delete.clear();
    }
    beside(button_width(tr_id("pay.cancel", "confirm-cancel").c_str()));
    if (ImGui::Button(tr_id("pay.cancel", "confirm-cancel").c_str())) {
      state.confirm_activate.clear();
      state.confirm_delete.clear();
    }
  }
}

void draw_errors(const TemplatesSettingsState& state) {
  if (!state.error_detail.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().error));
    label(fill(tr(state.error_key), {{"field", state.error_detail}}).c_str());
    ImGui::PopStyleColor();
  } else {
    error_text(state.error_key);
  }
  outcome_text(state.message_key);
}

}  // namespace

void draw_templates_settings(app::CommandLayer& commands, TemplatesSettingsState& state, MailSender sender) {
  // The editor takes the tab's place while open: subject, picker and message fit the screen.
  if (state.editing) {
    draw_editor(commands, state);
    draw_errors(state);
    return;
  }
  heading(tr("templates.heading"));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(tr("templates.help"));
  if (sender == MailSender::Demo) muted(tr("templates.demo"));
  ImGui::PopTextWrapPos();
  if (ImGui::Button(tr_id("templates.create", "template-create").c_str())) {
    open_editor(state, {{"name", ""}, {"subject", tr("templates.default_subject")}, {"body", tr("templates.default_body")},
                        {"delay_amount", 7}, {"delay_unit", "days"}, {"attach_pdf", true}},
                false);
    state.active = true;
  }
  const app::Json answer = commands.query({{"cmd", "template.list"}});
  const app::Json items = result_of(answer).value("items", app::Json::array());
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("##templates", 5, flags)) {
    ImGui::TableSetupColumn(tr("templates.name"), 0, 2.2f);
    ImGui::TableSetupColumn(tr("templates.when"), 0, 2.0f);
    ImGui::TableSetupColumn(tr("templates.pdf"), 0, 0.7f);
    ImGui::TableSetupColumn(tr("templates.active"), 0, 0.6f);
    ImGui::TableSetupColumn("", 0, 2.2f);
    table_headers();
    for (const auto& t : items) {
      const std::string id = t.value("template_id", std::string());
      const std::string name = t.value("name", std::string());
      ImGui::PushID(id.c_str());
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      label(name.c_str());
      if (t.value("system", false)) {
        ImGui::SameLine();
        muted(tr("templates.system"));
      }
      ImGui::TableNextColumn();
      const std::int64_t delay = t.value("delay_amount", std::int64_t{0});
      const bool with_requests = t.value("with_requests", false);
      const bool with_documents = t.value("with_documents", false);
      label(with_documents  ? tr("templates.when_document")
            : with_requests ? tr("templates.when_request")
                            : when_text(delay, t.value("delay_unit", std::string())).c_str());
      ImGui::TableNextColumn();
      label(tr(t.value("attach_pdf", false) ? "templates.yes" : "templates.no"));
      ImGui::TableNextColumn();
      bool active = t.value("active", false);
      if (with_requests) {
        muted(tr(with_documents ? "templates.with_documents_short" : "templates.with_requests_short"));
      } else if (ImGui::Checkbox(("##active-" + id).c_str(), &active)) {
        if (active && delay == 0) {
          state.confirm_activate = id;  // asked first: it concerns every new invoice
          state.confirm_delete.clear();
        } else {
          run(commands, state, {{"cmd", "template.set_active"}, {"template_id", id}, {"active", active}},
              active ? "templates.activated" : "templates.deactivated");
        }
      }
      if (!with_requests) name_last_widget((std::string(tr("templates.active")) + " — " + name).c_str());
      ImGui::TableNextColumn();
      if (ImGui::SmallButton(tr_id("templates.edit_button", std::string("edit-") + id).c_str())) {
        open_editor(state, t, false);
      }
      // A copy is an invoice email: only an invoice email's text makes a sensible start for one
      // (a payment link's or a document's speaks of what it sends).
      if (!with_requests) {
        beside(button_width(tr_id("templates.duplicate", std::string("duplicate-") + id).c_str()));
        if (ImGui::SmallButton(tr_id("templates.duplicate", std::string("duplicate-") + id).c_str())) {
          open_editor(state, t, true);
        }
      }
      if (!t.value("system", false)) {
        beside(button_width(tr_id("templates.delete", std::string("delete-") + id).c_str()));
        if (ImGui::SmallButton(tr_id("templates.delete", std::string("delete-") + id).c_str())) {
          state.confirm_delete = id;
          state.confirm_activate.clear();
        }
      }
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  draw_confirmations(commands, state, items);
  draw_errors(state);
}

}  // namespace quittance::ui
