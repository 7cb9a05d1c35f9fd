// One appointment row. See appointment_row.h.
#include "ui/appointment_row.h"

#include <imgui.h>

#include <cstdio>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

std::int64_t amount(const app::Json& money_block, const char* key) {
  return money_block.value(key, std::int64_t{0});
}

// Now, as the practice's clock reads it: "2026-12-11T14:30" (compared with an appointment's
// local start, as text).
std::string local_now_text() {
  const zone::LocalTime now = local_now();
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", now.hour, now.minute);
  return core::format_iso(now.date) + "T" + hm;
}

// « 12/12/2026 à 14:30 »
std::string when(const std::string& local) {
  return local.size() >= 16 ? date(local.substr(0, 10)) + " " + tr("appointment.at") + " " + local.substr(11, 5) : "";
}

// « Demandé 15,00 € · Payé 15,00 € · Facturé 50,00 € (F-2026-WEB-000001) · Reste dû 35,00 € »
std::string money_line(const app::Json& a) {
  const app::Json& m = a["money"];
  std::string line;
  auto part = [&line](const char* key, std::int64_t value) {
    line += (line.empty() ? "" : " · ") + std::string(tr(key)) + " " + money(value);
  };
  if (amount(m, "asked") > 0) part("appointment.money.asked", amount(m, "asked"));
  if (amount(m, "paid") > 0) part("appointment.money.paid", amount(m, "paid"));
  if (m.value("invoice_state", std::string()) == "issued") {
    part("appointment.money.invoiced", amount(m, "invoiced"));
    line += " (" + a.value("invoice_number", std::string()) + ")";
    part("appointment.money.due", amount(m, "due"));
  } else if (m.value("invoice_state", std::string()) == "draft") {
    line += (line.empty() ? "" : " · ") + std::string(tr("appointment.money.draft"));
  }
  return line;
}

void cancel(app::CommandLayer& commands, const std::string& id, const std::string& settle, AppointmentRowState& state) {
  app::Json cmd = {{"cmd", "appointment.cancel"}, {"id", app::new_command_id()}, {"appointment_id", id}};
  if (!settle.empty()) cmd["settle"] = settle;
  const app::Json answer = commands.exec(cmd);
  state.cancelling_id.clear();
  state.failed = answer["ok"] != true;
  if (state.failed) {
    state.message_key = error_key(answer);
    return;
  }
  const std::int64_t refund = answer["result"].value("refund_due", std::int64_t{0});
  const bool credited = !answer["result"].value("credit_note_id", std::string()).empty();
  state.message_key = refund <= 0 ? "" : credited ? "appointment.refund_due" : "appointment.refund_due_no_invoice";
  state.message_amount = money(refund);
}

// The choice a paid booking's cancellation asks, the category's terms proposed.
void draw_settle_choice(app::CommandLayer& commands, const app::Json& a, AppointmentRowState& state) {
  const std::string id = a.value("appointment_id", std::string());
  const app::Json& m = a["money"];
  const std::string until = m.value("refund_until", std::string());
  const bool refundable = !until.empty() && local_now_text() <= until;
  ImGui::Indent();
  ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
  label(until.empty() ? tr("appointment.terms.kept")
                      : fill(tr(refundable ? "appointment.terms.refundable" : "appointment.terms.too_late"),
                             {{"until", when(until)}})
                            .c_str());
  ImGui::PopTextWrapPos();
  const std::string paid = money(amount(m, "paid"));
  // The terms' answer first, where the eye and Tab land first.
  const char* first = refundable ? "refund" : "keep";
  for (const char* settle : {first, refundable ? "keep" : "refund"}) {
    const std::string text = fill(tr(std::string("appointment.settle.") + settle), {{"amount", paid}});
    if (ImGui::Button((text + "##settle-" + settle + "-" + id).c_str())) cancel(commands, id, settle, state);
    ImGui::SameLine();
  }
  if (ImGui::Button(tr_id("appointment.keep_appointment", "keep-appointment-" + id).c_str()) || escape_pressed())
    state.cancelling_id.clear();
  ImGui::Unindent();
}

// The /pay/ path of a link still open for the appointment's invoice, or "".
std::string open_balance_link(app::CommandLayer& commands, const app::Json& a) {
  const app::Json items =
      result_of(commands.query({{"cmd", "payment_request.list"}, {"invoice_id", a.value("invoice_id", std::string())}}))
          .value("items", app::Json::array());
  for (const app::Json& r : items) {
    const std::string s = r.value("state", std::string());
    if (r.value("kind", std::string()) == "invoices" && (s == "sent" || s == "opened" || s == "failed"))
      return r.value("path", std::string());
  }
  return "";
}

void request_balance(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                     const app::Json& a, AppointmentRowState& state) {
  const std::string email = patient.value("email", std::string());
  app::Json cmd = {{"cmd", "payment_request.create"},
                   {"id", app::new_command_id()},
                   {"patient_id", patient.value("patient_id", std::string())},
                   {"kind", "invoices"},
                   {"invoice_ids", app::Json::array({a.value("invoice_id", std::string())})},
                   {"token", app::new_link_token()},
                   {"send_email", !email.empty()},
                   {"note", std::string(tr("appointment.balance_note")) + " " + a.value("category", std::string())}};
  const app::Json answer = commands.exec(cmd);
  state.failed = answer["ok"] != true;
  if (state.failed) {
    state.message_key = error_key(answer);
    return;
  }
  state.balance_id = a.value("appointment_id", std::string());
  state.balance_key = email.empty() ? "appointment.balance_made" : "appointment.balance_sent";
  state.message_key.clear();
  if (cards) cards->expect_payment();
}

}  // namespace

void draw_appointment_row(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                          const app::Json& a, AppointmentRowState& state, PaymentRequestsState& links) {
  const std::string id = a.value("appointment_id", std::string());
  const std::string status = a.value("status", std::string());
  const std::string starts = a.value("starts_at", std::string());
  std::string line = when(starts) + "   " + a.value("category", std::string()) + "   " +
                     tr("appointment.status." + status);
  const std::string settlement = a.value("settlement", std::string());
  if (!settlement.empty()) line += std::string(" — ") + tr("appointment.settlement." + settlement);
  label(line.c_str());
  if (status != "cancelled" && state.cancelling_id != id) {
    beside(button_width(tr_id("appointment.cancel", "cancel-appointment-" + id).c_str()));
    if (ImGui::SmallButton(tr_id("appointment.cancel", "cancel-appointment-" + id).c_str())) {
      // A paid booking of this version: refund or keep, asked first. An earlier version's is
      // cancelled as it was then (its link only).
      if (amount(a["money"], "paid") > 0 && !a.value("legacy", false))
        state.cancelling_id = id;
      else
        cancel(commands, id, "", state);
    }
  }
  ImGui::Indent();
  if (a.contains("money") && a["money"].is_object()) {
    const std::string money_text = money_line(a);
    if (!money_text.empty()) muted(money_text.c_str());
    const app::Json& m = a["money"];
    const bool balance_due = status != "cancelled" && m.value("invoice_state", std::string()) == "issued" &&
                             amount(m, "due") > 0;
    const std::string open = balance_due ? open_balance_link(commands, a) : std::string();
    if (!open.empty()) {
      // The balance's link, made here or on another device, until it is paid: never a second one.
      label(tr(state.balance_id == id ? state.balance_key.c_str() : "appointment.balance_open"));
      label(pay_link(cards, open).c_str());
    } else if (balance_due && ImGui::SmallButton(tr_id("appointment.balance", "balance-" + id).c_str())) {
      request_balance(commands, cards, patient, a, state);
    }
  }
  // Booked by the earlier version, its invoice issued at booking and left as it was: a visit
  // that will not happen (expired, cancelled) still shows it due, so the practice is told, and
  // offered to cancel it.
  if (a.value("legacy", false) && status != "pending" && status != "confirmed" && a.contains("money") &&
      amount(a["money"], "due") > 0) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    label(tr("appointment.legacy_invoice"));
    ImGui::PopTextWrapPos();
    if (ImGui::SmallButton(tr_id("appointment.legacy_cancel_invoice", "legacy-invoice-" + id).c_str())) {
      const app::Json answer = commands.exec({{"cmd", "invoice.cancel"},
                                              {"id", app::new_command_id()},
                                              {"invoice_id", a.value("invoice_id", std::string())},
                                              {"reason", tr("appointment.legacy_cancel_reason")}});
      state.failed = answer["ok"] != true;
      state.message_key = state.failed ? error_key(answer) : "";
    }
  }
  // Waiting for its payment: the booking's link, to copy.
  if (status == "pending" && a["request"].is_object()) {
    const std::string path = a["request"].value("path", std::string());
    label(pay_link(cards, path).c_str());
    beside(button_width(tr_id("request.copy", "copy-appointment-" + id).c_str()));
    if (ImGui::SmallButton(tr_id("request.copy", "copy-appointment-" + id).c_str())) {
      ImGui::SetClipboardText(pay_link(cards, path).c_str());
      links.copied_id = id;
    }
    if (links.copied_id == id) {
      ImGui::SameLine();
      muted(tr("request.copied"));
    }
  }
  ImGui::Unindent();
  if (state.cancelling_id == id) draw_settle_choice(commands, a, state);
}

}  // namespace quittance::ui
