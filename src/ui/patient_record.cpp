// The patient record on the patient page. See patient_record.h.
#include "ui/patient_record.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <map>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

std::string text_of(const app::Json& j, const char* key) { return j.value(key, std::string()); }

// One line for an address typed on several.
std::string one_line(std::string text) {
  for (std::size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) text.replace(at, 1, ", ");
  return text;
}

std::map<std::string, std::string> record_fields(const PatientRecordState& state, const std::string& birth_iso);

void open_editor(PatientRecordState& state, const app::Json& p) {
  state = PatientRecordState{};
  state.editing = true;
  state.title = text_of(p, "title");
  state.first_name = text_of(p, "first_name");
  state.last_name = text_of(p, "last_name");
  // A record made with one name (before the parts existed): that name, as the « Nom ».
  if (state.first_name.empty() && state.last_name.empty()) state.last_name = text_of(p, "name");
  state.birth_date = date(text_of(p, "birth_date"));
  state.email = text_of(p, "email");
  state.phone = text_of(p, "phone");
  state.address = text_of(p, "address");
  state.notes = text_of(p, "notes");
  for (const auto& c : p.value("contacts", app::Json::array())) {
    state.contacts.push_back({text_of(c, "contact_id"), text_of(c, "name"), text_of(c, "relation"), text_of(c, "email"),
                              text_of(c, "address")});
  }
  state.contacts_before = state.contacts;
  state.before = record_fields(state, text_of(p, "birth_date"));
}

void multiline_field(const char* caption, const char* id, std::string* value) {
  label(caption);
  ImGui::InputTextMultiline(id, value, ImVec2(fit(500), ImGui::GetTextLineHeight() * 3.2f));
  name_last_widget(caption);
  field_value(*value, true);
}

// The record's fields as patient.update names them, from the form (birth date as ISO).
std::map<std::string, std::string> record_fields(const PatientRecordState& state, const std::string& birth_iso) {
  return {{"title", state.title},       {"first_name", state.first_name}, {"last_name", state.last_name},
          {"birth_date", birth_iso},    {"email", state.email},           {"phone", state.phone},
          {"address", state.address},   {"notes", state.notes}};
}

// Saves what was changed in the form, the record then each payer, and nothing else: a
// correction another device made meanwhile to another field is not undone. Stops at the first
// refusal, which it shows.
void save(app::CommandLayer& commands, const app::Json& p, PatientRecordState& state) {
  std::string birth;
  if (!state.birth_date.empty()) {
    const std::optional<std::string> iso = input_date_to_iso(state.birth_date);
    if (!iso) {
      state.error_key = "patients.record.bad_birth_date";
      return;
    }
    birth = *iso;
  }
  app::Json cmd = {{"cmd", "patient.update"}, {"id", app::new_command_id()}, {"patient_id", text_of(p, "patient_id")}};
  const auto now = record_fields(state, birth);
  for (const auto& [field, value] : now) {
    if (state.before.at(field) != value) cmd[field] = value;
  }
  // The name is made of both parts: one changed sends the other with it.
  if (cmd.contains("first_name") || cmd.contains("last_name")) {
    cmd["first_name"] = state.first_name;
    cmd["last_name"] = state.last_name;
  }
  if (cmd.size() > 3) {
    const app::Json answer = commands.exec(cmd);
    if (answer.value("ok", false) != true) {
      state.error_key = error_key(answer);
      return;
    }
  }
  for (std::size_t i = 0; i < state.contacts.size() && i < state.contacts_before.size(); ++i) {
    const ContactEdit& c = state.contacts[i];
    const ContactEdit& was = state.contacts_before[i];
    app::Json update = {{"cmd", "contact.update"}, {"id", app::new_command_id()}, {"contact_id", c.id}};
    if (c.name != was.name) update["name"] = c.name;
    if (c.relation != was.relation) update["relation"] = c.relation;
    if (c.email != was.email) update["email"] = c.email;
    if (c.address != was.address) update["address"] = c.address;
    if (update.size() == 3) continue;
    const app::Json done = commands.exec(update);
    if (done.value("ok", false) != true) {
      state.error_key = error_key(done);
      return;
    }
  }
  state = PatientRecordState{};
}

void draw_editor(app::CommandLayer& commands, const app::Json& p, PatientRecordState& state) {
  heading(tr("patients.record.edit_title"));
  label(tr("patients.record.title"));
  name_next_group(tr("patients.record.title"));
  bool first = true;
  for (const auto& [value, key] : {std::pair{"Mme", "patients.record.title_mme"}, std::pair{"M.", "patients.record.title_m"},
                                   std::pair{"", "patients.record.title_none"}}) {
    const std::string text = tr_id(key, std::string("title-") + key);
    if (!first) beside(choice_width(text.c_str()));
    first = false;
    if (radio(text.c_str(), state.title == value)) state.title = value;
  }
  side_field(tr("patients.record.first_name"), "##record-first-name", &state.first_name, 240);
  side_field(tr("patients.record.last_name"), "##record-last-name", &state.last_name, 240, true);
  side_field(tr("patients.record.birth_date"), "##record-birth-date", &state.birth_date, 160, true);
  side_field(tr("patients.email"), "##record-email", &state.email, 300);
  side_field(tr("patients.phone"), "##record-phone", &state.phone, 200, true);
  multiline_field(tr("patients.address"), "##record-address", &state.address);
  multiline_field(tr("patients.record.notes"), "##record-notes", &state.notes);
  for (std::size_t i = 0; i < state.contacts.size(); ++i) {
    ContactEdit& c = state.contacts[i];
    ImGui::PushID(static_cast<int>(i));
    heading(tr("contacts.edit_title"));
    side_field(tr("contacts.name"), "##contact-name", &c.name, 240);
    side_field(tr("contacts.relation"), "##contact-relation", &c.relation, 300, true);
    side_field(tr("contacts.email"), "##contact-email", &c.email, 300);
    side_field(tr("contacts.address"), "##contact-address", &c.address, 400, true);
    ImGui::PopID();
  }
  error_text(state.error_key);
  if (ImGui::Button(tr_id("patients.record.save", "record-save").c_str())) save(commands, p, state);
  beside(button_width(tr_id("pay.cancel", "record-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "record-cancel").c_str()) || escape_pressed()) state = PatientRecordState{};
}

// « Fusionner un doublon »: find the record made twice, see what will move, confirm.
void draw_merge(app::CommandLayer& commands, const app::Json& p, PatientRecordState& state) {
  const std::string id = text_of(p, "patient_id");
  heading(tr("patients.merge.title"));
  ImGui::PushTextWrapPos(0.0f);
  muted(fill(tr("patients.merge.help"), {{"name", text_of(p, "name")}}).c_str());
  ImGui::PopTextWrapPos();
  if (state.merge_pick.empty()) text_field(tr("patients.merge.search"), "##merge-search", &state.merge_search, 360);
  if (state.merge_pick.empty() && !state.merge_search.empty()) {
    const app::Json found = result_of(commands.query({{"cmd", "patient.list"}, {"search", state.merge_search}, {"limit", 8}}))
                                .value("items", app::Json::array());
    for (const auto& other : found) {
      const std::string other_id = text_of(other, "patient_id");
      if (other_id == id) continue;
      const std::string contact = text_of(other, "email").empty() ? text_of(other, "phone") : text_of(other, "email");
      const std::string text = text_of(other, "name") + (contact.empty() ? "" : "  —  " + contact) + "##merge-" + other_id;
      if (ImGui::Selectable(text.c_str())) {
        state.merge_pick = other_id;
        state.merge_pick_name = text_of(other, "name");
        state.merge_pick_contact = contact;
      }
    }
  }
  if (!state.merge_pick.empty()) {
    // The record chosen, with what it holds: two records of one name are told apart here.
    const app::Json b = result_of(commands.query({{"cmd", "patient.balance"}, {"patient_id", state.merge_pick}}));
    label(fill(tr("patients.merge.picked"),
               {{"name", state.merge_pick_name + (state.merge_pick_contact.empty() ? "" : " — " + state.merge_pick_contact)},
                {"due", money(b.value("due", std::int64_t{0}))},
                {"credit", money(b.value("credit", std::int64_t{0}))}})
              .c_str());
    beside(button_width(tr_id("patients.merge.other", "merge-other").c_str()));
    if (ImGui::SmallButton(tr_id("patients.merge.other", "merge-other").c_str())) {
      state.merge_pick.clear();
      return;
    }
    push_wrap(640);
    label(fill(tr("patients.merge.confirm_text"), {{"duplicate", state.merge_pick_name}, {"name", text_of(p, "name")}}).c_str());
    ImGui::PopTextWrapPos();
    error_text(state.error_key);
    if (ImGui::Button(tr_id("patients.merge.confirm", "merge-confirm").c_str())) {
      const app::Json answer = commands.exec({{"cmd", "patient.merge"}, {"id", app::new_command_id()},
                                              {"patient_id", id}, {"duplicate_id", state.merge_pick}});
      if (answer.value("ok", false) == true) {
        const app::Json moved = answer["result"].value("moved", app::Json::object());
        auto n = [&](const char* k) { return std::to_string(moved.value(k, std::int64_t{0})); };
        const std::string notice = fill(tr("patients.merge.done"), {{"duplicate", state.merge_pick_name},
                                                                    {"invoices", n("invoices")},
                                                                    {"payments", n("payments")},
                                                                    {"credit_notes", n("credit_notes")}});
        state = PatientRecordState{};
        state.notice = notice;
      } else {
        state.error_key = error_key(answer);
      }
    }
    ImGui::SameLine();
  }
  if (ImGui::Button(tr_id("pay.cancel", "merge-cancel").c_str()) || escape_pressed()) state = PatientRecordState{};
}

// « Modifier le dossier », « Fusionner un doublon », « Archiver le dossier », beside the name.
void draw_actions(app::CommandLayer& commands, const app::Json& p, PatientRecordState& state) {
  const std::string id = text_of(p, "patient_id");
  ImGui::SameLine(0, 24);
  if (ImGui::SmallButton(tr_id("patients.record.edit", "record-edit").c_str())) open_editor(state, p);
  beside(button_width(tr_id("patients.merge.open", "merge-open").c_str()));
  if (ImGui::SmallButton(tr_id("patients.merge.open", "merge-open").c_str())) {
    state = PatientRecordState{};
    state.merging = true;
  }
  if (!p.value("archived", false)) {
    beside(button_width(tr_id("patients.record.archive", "archive").c_str()));
    if (ImGui::SmallButton(tr_id("patients.record.archive", "archive").c_str())) {
      commands.exec({{"cmd", "patient.archive"}, {"id", app::new_command_id()}, {"patient_id", id}, {"archived", true}});
    }
  }
}

}  // namespace

void reset_patient_record(PatientRecordState& state) { state = PatientRecordState{}; }

std::string patient_heading(const app::Json& p) {
  const std::string title = text_of(p, "title");
  return (title.empty() ? "" : title + " ") + text_of(p, "name");
}

std::string draw_patient_record(app::CommandLayer& commands, const app::Json& p, PatientRecordState& state) {
  const std::string id = text_of(p, "patient_id");
  const bool merged = !text_of(p, "merged_into").empty();
  title(patient_heading(p).c_str());
  if (!merged && !state.editing && !state.merging) draw_actions(commands, p, state);
  // Merged: this record is only a pointer to the one kept.
  if (merged) {
    label(fill(tr("patients.record.merged_into"), {{"name", text_of(p, "merged_into_name")}}).c_str());
    if (ImGui::Button(tr_id("patients.record.open_merged", "open-merged").c_str())) return text_of(p, "merged_into");
    // Something reached this record after the merge (made offline on a device that had not
    // heard of it): moved on in one click, as the merge did.
    if (p.value("left_behind", std::int64_t{0}) > 0) {
      beside(button_width(tr_id("patients.record.merge_again", "merge-again").c_str()));
      if (ImGui::Button(tr_id("patients.record.merge_again", "merge-again").c_str())) {
        const app::Json answer = commands.exec({{"cmd", "patient.merge"}, {"id", app::new_command_id()},
                                                {"patient_id", text_of(p, "merged_into")}, {"duplicate_id", id}});
        if (answer.value("ok", false) != true) state.error_key = error_key(answer);
      }
      error_text(state.error_key);
    }
  } else if (p.value("archived", false)) {
    label(tr("patients.record.archived"));
    beside(button_width(tr_id("patients.record.unarchive", "unarchive").c_str()));
    if (ImGui::SmallButton(tr_id("patients.record.unarchive", "unarchive").c_str())) {
      commands.exec({{"cmd", "patient.archive"}, {"id", app::new_command_id()}, {"patient_id", id}, {"archived", false}});
    }
  }
  if (state.editing) {
    draw_editor(commands, p, state);
    return "";
  }
  if (state.merging) {
    draw_merge(commands, p, state);
    return "";
  }
  // What the desk needs at a glance: born, reachable at, lives at; the notes below.
  std::string details;
  auto add = [&](const std::string& part) {
    if (part.empty()) return;
    if (!details.empty()) details += "   ·   ";
    details += part;
  };
  if (!text_of(p, "birth_date").empty()) {
    const std::string title = text_of(p, "title");
    add(fill(tr(title == "M." ? "patients.record.born_m" : title == "Mme" ? "patients.record.born_f" : "patients.record.born"),
             {{"date", date(text_of(p, "birth_date"))}}));
  }
  add(text_of(p, "email").empty() ? std::string(tr("patients.record.no_email")) : text_of(p, "email"));
  add(text_of(p, "phone"));
  add(one_line(text_of(p, "address")));
  ImGui::PushTextWrapPos(0.0f);  // a long address wraps at the window's edge
  label(details.c_str());
  if (!text_of(p, "notes").empty()) muted(text_of(p, "notes").c_str());
  ImGui::PopTextWrapPos();
  if (!state.notice.empty()) label(state.notice.c_str());
  return "";
}

}  // namespace quittance::ui
