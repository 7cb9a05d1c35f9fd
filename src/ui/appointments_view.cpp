// Appointments and their categories. See appointments_view.h.
#include "ui/appointments_view.h"

#include <imgui.h>

#include <cstdlib>
#include <cstring>

#include "app/command_id.h"
#include "ui/appointment_row.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

app::Json categories(app::CommandLayer& commands) {
  return result_of(commands.query({{"cmd", "appointment_category.list"}})).value("items", app::Json::array());
}

// « Acompte de 25 % », « Paiement intégral (80,00 €) »…: what a category asks, in a few words.
std::string policy_text(const app::Json& c) {
  const std::string policy = c.value("policy", std::string("none"));
  const std::int64_t value = c.value("deposit_value", std::int64_t{0});
  if (policy == "deposit_amount") return std::string(tr("appointment.policy.deposit")) + " " + money(value);
  if (policy == "deposit_percent")
    return std::string(tr("appointment.policy.deposit")) + " " + decimal_text(value, 100) + " %";
  if (policy == "full") return std::string(tr("appointment.policy.full")) + " " + money(c.value("price", std::int64_t{0}));
  return tr("appointment.policy.none");
}

// "HH:MM" with hours 0-23 and minutes 0-59; "9:30" is taken as "09:30".
std::string valid_time(std::string t) {
  if (t.size() == 4 && t[1] == ':') t = "0" + t;
  if (t.size() != 5 || t[2] != ':') return "";
  for (int i : {0, 1, 3, 4})
    if (t[i] < '0' || t[i] > '9') return "";
  if ((t[0] - '0') * 10 + (t[1] - '0') > 23 || t[3] > '5') return "";
  return t;
}

void draw_new_appointment(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                          AppointmentsState& state) {
  NewAppointmentForm& f = state.form;
  const app::Json cats = categories(commands);
  heading(tr("appointment.new"));
  bool any = false;
  for (const auto& c : cats) {
    if (c.value("archived", false)) continue;
    any = true;
    const std::string id = c.value("category_id", std::string());
    if (f.category_id.empty()) f.category_id = id;
    const std::string text = c.value("name", std::string()) + " — " + policy_text(c) + "##appointment-category-" + id;
    if (radio(text.c_str(), f.category_id == id)) f.category_id = id;
  }
  if (!any) {
    label(tr("appointment.no_category"));
    if (ImGui::Button(tr_id("pay.cancel", "appointment-cancel-form").c_str())) f = NewAppointmentForm{};
    return;
  }
  if (f.date_text.empty()) f.date_text = today_input();
  text_field(tr("appointment.date"), "##appointment-date", &f.date_text, 160);
  text_field(tr("appointment.time"), "##appointment-time", &f.time_text, 100);
  const std::string email = patient.value("email", std::string());
  if (email.empty()) ImGui::BeginDisabled();
  ImGui::Checkbox((std::string(tr("request.send_email")) + " " + email + "##appointment-send-email").c_str(),
                  &f.send_email);
  if (email.empty()) ImGui::EndDisabled();
  error_text(f.error_key);
  if (ImGui::Button(tr_id("appointment.create", "appointment-create").c_str())) {
    const auto day = input_date_to_iso(f.date_text);
    const std::string time = valid_time(f.time_text);
    if (!day) {
      f.error_key = "error.invalid_date";
    } else if (time.empty()) {
      f.error_key = "appointment.error.time";
    } else {
      // The token is given whatever the policy: a category without one ignores it.
      app::Json answer = commands.exec({{"cmd", "appointment.book"}, {"id", app::new_command_id()},
                                        {"patient_id", patient.value("patient_id", std::string())},
                                        {"category_id", f.category_id}, {"starts_at", *day + "T" + time},
                                        {"token", app::new_link_token()}, {"send_email", f.send_email}});
      if (answer["ok"] == true) {
        f = NewAppointmentForm{};
        if (cards && answer["result"]["request"].is_object()) cards->expect_payment();
      } else {
        f.error_key = error_key(answer);
      }
    }
  }
  beside(button_width(tr_id("pay.cancel", "appointment-cancel-form").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "appointment-cancel-form").c_str()) || escape_pressed())
    f = NewAppointmentForm{};
}

}  // namespace

void draw_appointments_tab(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                           AppointmentsState& state) {
  const std::string patient_id = patient.value("patient_id", std::string());
  if (state.patient_id != patient_id) {
    state = AppointmentsState{};
    state.patient_id = patient_id;
  }
  if (state.form.open) {
    draw_new_appointment(commands, cards, patient, state);
    ImGui::Separator();
  } else if (ImGui::Button(tr_id("appointment.new", "open-appointment").c_str())) {
    state.form.open = true;
  }
  const app::Json items = result_of(commands.query({{"cmd", "appointment.list"}, {"patient_id", patient_id}}))
                              .value("items", app::Json::array());
  if (items.empty()) label(tr("appointment.none"));
  for (const auto& a : items) draw_appointment_row(commands, cards, patient, a, state.rows, state.links);
  if (state.rows.failed) {
    error_text(state.rows.message_key);
  } else if (!state.rows.message_key.empty()) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    label(fill(tr(state.rows.message_key), {{"amount", state.rows.message_amount}}).c_str());
    ImGui::PopTextWrapPos();
  }
  error_text(state.message_key);
}

void draw_appointment_settings(app::CommandLayer& commands, AppointmentSettingsState& state) {
  CategoryForm& f = state.form;
  heading(tr("appointment.categories"));
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  muted(tr("appointment.categories_hint"));
  ImGui::PopTextWrapPos();
  for (const auto& c : categories(commands)) {
    if (c.value("archived", false)) continue;
    const std::string id = c.value("category_id", std::string());
    std::string line = c.value("name", std::string()) + "   " + std::to_string(c.value("duration_min", 0)) + " min   " +
                       money(c.value("price", std::int64_t{0})) + "   " + policy_text(c);
    if (c.value("policy", std::string()) != "none") {
      line += "   " + fill(tr("appointment.held_for"), {{"hours", std::to_string(c.value("expiry_hours", 0))}});
      const app::Json refund = c.value("refund_until_hours", app::Json());
      line += "   " + (refund.is_number_integer()
                           ? fill(tr("appointment.refundable_hours"), {{"hours", std::to_string(refund.get<int>())}})
                           : std::string(tr("appointment.not_refundable")));
    }
    label(line.c_str());
    beside(button_width(tr_id("catalog.archive", std::string("archive-category-") + id).c_str()));
    if (ImGui::SmallButton(tr_id("catalog.archive", std::string("archive-category-") + id).c_str())) {
      app::Json answer = commands.exec({{"cmd", "appointment_category.archive"}, {"id", app::new_command_id()},
                                        {"category_id", id}});
      f.error_key = answer["ok"] == true ? "" : error_key(answer);
    }
  }
  ImGui::Spacing();
  heading(tr("appointment.new_category"));
  text_field(tr("appointment.category_name"), "##category-name", &f.name);
  text_field(tr("appointment.duration"), "##category-duration", &f.duration_text, 100);
  text_field(tr("appointment.price"), "##category-price", &f.price_text, 160);
  label(tr("appointment.policy"));
  name_next_group(tr("appointment.policy"));
  for (const char* policy : {"none", "deposit_amount", "deposit_percent", "full"}) {
    const std::string text = tr_id(std::string("appointment.policy_choice.") + policy, std::string("policy-") + policy);
    if (std::strcmp(policy, "none") != 0) beside(choice_width(text.c_str()));
    if (radio(text.c_str(), f.policy == policy)) f.policy = policy;
  }
  if (f.policy == "deposit_amount" || f.policy == "deposit_percent") {
    text_field(tr(f.policy == "deposit_amount" ? "appointment.deposit_amount" : "appointment.deposit_percent"),
               "##category-value", &f.value_text, 160);
  }
  if (f.policy != "none") text_field(tr("appointment.expiry"), "##category-expiry", &f.expiry_text, 100);
  if (f.policy == "deposit_amount" || f.policy == "deposit_percent") {
    label(tr("appointment.invoice_at"));
    name_next_group(tr("appointment.invoice_at"));
    for (const char* when : {"payment", "session"}) {
      const std::string text = tr_id(std::string("appointment.invoice_at.") + when, std::string("invoice-at-") + when);
      if (std::strcmp(when, "payment") != 0) beside(choice_width(text.c_str()));
      if (radio(text.c_str(), f.invoice_at == when)) f.invoice_at = when;
    }
  }
  if (f.policy != "none") text_field(tr("appointment.refund_until"), "##category-refund", &f.refund_text, 100);
  error_text(f.error_key);
  if (ImGui::Button(tr_id("appointment.add_category", "category-create").c_str())) {
    app::Json cmd = {{"cmd", "appointment_category.create"}, {"id", app::new_command_id()}, {"name", f.name},
                     {"policy", f.policy}};
    char* end = nullptr;
    const long minutes = std::strtol(f.duration_text.c_str(), &end, 10);
    std::string problem;
    if (f.duration_text.empty() || *end != '\0') problem = "appointment.error.duration";
    else cmd["duration_min"] = minutes;
    if (!f.price_text.empty()) {
      auto price = parse_money(f.price_text);
      if (!price || *price < 0) problem = "error.invalid_amount";
      else cmd["price"] = *price;
    }
    if (f.policy == "deposit_amount") {
      auto v = parse_money(f.value_text);
      if (!v || *v <= 0) problem = "error.invalid_amount";
      else cmd["deposit_value"] = *v;
    } else if (f.policy == "deposit_percent") {
      // A percentage as typed ("25", "12,5"), in basis points: parse_money reads it in hundredths.
      auto v = parse_money(f.value_text);
      if (!v || *v <= 0 || *v > 10000) problem = "appointment.error.percent";
      else cmd["deposit_value"] = *v;
    }
    if (f.policy != "none") {
      const long hours = std::strtol(f.expiry_text.c_str(), &end, 10);
      if (f.expiry_text.empty() || *end != '\0') problem = "appointment.error.expiry";
      else cmd["expiry_hours"] = hours;
      // Empty: what was paid is kept on cancellation (the practice's terms say so).
      if (!f.refund_text.empty()) {
        const long refund = std::strtol(f.refund_text.c_str(), &end, 10);
        if (*end != '\0' || refund < 0 || refund > 720) problem = "appointment.error.refund_until";
        else cmd["refund_until_hours"] = refund;
      }
    }
    if (f.policy == "deposit_amount" || f.policy == "deposit_percent") cmd["invoice_at"] = f.invoice_at;
    if (!problem.empty()) {
      f.error_key = problem;
    } else {
      app::Json answer = commands.exec(cmd);
      if (answer["ok"] == true) f = CategoryForm{};
      else f.error_key = error_key(answer);
    }
  }
}

}  // namespace quittance::ui
