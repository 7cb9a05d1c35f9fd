// Payment links on the patient page. See payment_requests_view.h.
#include "ui/payment_requests_view.h"

#include <imgui.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/platform_hooks.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

// Whether the patient can still use the request's link (sent, opened, or declined once), as
// opposed to paid, cancelled or expired.
bool link_usable(const std::string& state) { return state == "sent" || state == "opened" || state == "failed"; }

// The patient's invoices that still owe something, oldest first (the order they are paid in).
app::Json unpaid_invoices(app::CommandLayer& commands, const std::string& patient_id) {
  app::Json out = app::Json::array();
  for (const char* status : {"due", "partly_paid"}) {
    app::Json items = result_of(commands.query(
        {{"cmd", "invoice.list"}, {"patient_id", patient_id}, {"status", status}, {"limit", 100}})).value(
        "items", app::Json::array());
    for (auto& i : items) out.push_back(std::move(i));
  }
  std::sort(out.begin(), out.end(), [](const app::Json& a, const app::Json& b) {
    return a.value("number", std::string()) < b.value("number", std::string());
  });
  return out;
}

std::string id_suffix(const std::string& id) { return "##" + id; }

void kind_radio(RequestFormState& f, const char* kind, const char* key, bool next_to = false) {
  const std::string text = tr_id(key, std::string("request-kind-") + kind);
  if (next_to) beside(choice_width(text.c_str()));
  if (radio(text.c_str(), f.kind == kind)) f.kind = kind;
}

// The form's command, or a catalogue key saying what is wrong with it.
app::Json request_command(const RequestFormState& f, std::string* error_key, std::string* error_field) {
  app::Json cmd = {{"cmd", "payment_request.create"}, {"patient_id", f.patient_id}, {"kind", f.kind},
                   {"send_email", f.send_email}, {"note", f.note}};
  if (f.kind == "invoices") {
    if (f.invoice_ids.empty()) {
      *error_key = "request.error.no_invoice";
      *error_field = "invoice_ids";
      return nullptr;
    }
    cmd["invoice_ids"] = app::Json(std::vector<std::string>(f.invoice_ids.begin(), f.invoice_ids.end()));
    cmd["save_card"] = f.save_card;
  } else if (f.kind == "deposit") {
    auto amount = parse_money(f.amount_text);
    if (!amount || *amount <= 0) {
      *error_key = "error.invalid_amount";
      *error_field = "amount";
      return nullptr;
    }
    cmd["amount"] = *amount;
    cmd["save_card"] = f.save_card;
  }
  char* end = nullptr;
  const long days = std::strtol(f.days_text.c_str(), &end, 10);
  if (f.days_text.empty() || *end != '\0' || days < 1 || days > 60) {
    *error_key = "request.error.days";
    *error_field = "expires_in_hours";
    return nullptr;
  }
  cmd["expires_in_hours"] = days * 24;
  return cmd;
}

// The link's line: the address, « Copier le lien », and in the demo « Simuler le paiement ».
// The link's buttons, then its address, cut with « … » to the room left (whole on hover): a
// long address never pushes « Annuler la demande » out of the window. `more` draws the
// caller's own buttons after these.
void draw_link(sync::CardPayments* cards, const app::Json& request, PaymentRequestsState& state,
               const std::function<void()>& more = {}) {
  const std::string id = request.value("request_id", std::string());
  const std::string url = pay_link(cards, request.value("path", std::string()));
  if (ImGui::SmallButton(tr_id("request.copy", std::string("copy-") + id).c_str())) {
    ImGui::SetClipboardText(url.c_str());
    state.copied_id = id;
  }
  const std::string st = request.value("state", std::string());
  if (cards && cards->simulated() && link_usable(st)) {
    beside(button_width(tr_id("request.simulate", std::string("simulate-") + id).c_str()));
    if (ImGui::SmallButton(tr_id("request.simulate", std::string("simulate-") + id).c_str())) {
      PaymentRequestsState* s = &state;
      cards->simulate_request_payment(request, today_iso(), [s](const sync::CallResult& r) {
        s->message_key = r.ok() ? "" : "request.simulate_failed";
      });
    }
  }
  if (more) {
    ImGui::SameLine();
    more();
  }
  if (state.copied_id == id) {
    ImGui::SameLine();
    muted(tr("request.copied"));
  }
  ImGui::SameLine();
  label_fitted(url);
}

}  // namespace

std::string pay_link(sync::CardPayments* cards, const std::string& path) {
  std::string base;
  if (cards) base = cards->server().pay_base_url();
  if (base.empty() && cards) base = cards->server().link().server_url;
  if (base.empty() && platform().page_origin) base = platform().page_origin();
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + path;
}

void open_request_form(PaymentRequestsState& state, const std::string& patient_id, const std::string& kind,
                       const std::string& invoice_id) {
  state.patient_id = patient_id;
  state.form = RequestFormState{};
  state.form.open = true;
  state.form.patient_id = patient_id;
  state.form.kind = kind;
  if (!invoice_id.empty()) {
    state.form.invoice_ids.insert(invoice_id);
    state.form.preselected = true;
  }
  state.created_id.clear();
}

void draw_request_form(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& patient,
                       PaymentRequestsState& state) {
  const std::string patient_id = patient.value("patient_id", std::string());
  if (state.patient_id != patient_id) {
    state = PaymentRequestsState{};
    state.patient_id = patient_id;
  }
  RequestFormState& f = state.form;
  if (!f.open) {
    if (ImGui::Button(tr_id("request.open", "open-request").c_str()))
      open_request_form(state, patient_id, "invoices");
    if (!state.created_id.empty()) {
      app::Json items = result_of(commands.query({{"cmd", "payment_request.list"}, {"request_id", state.created_id}}))
                            .value("items", app::Json::array());
      // Shown while the patient may still use it; once paid, cancelled or expired, the
      // « Demandes de paiement » tab says what became of it.
      if (!items.empty() && link_usable(items[0].value("state", std::string()))) {
        label(tr("request.created"));
        ImGui::PushID("created");  // the same request's buttons are also in its tab, below
        draw_link(cards, items[0], state);
        ImGui::PopID();
      }
    }
    return;
  }
  heading(tr("request.title"));
  // Made here even so (the books take it offline too), but the patient could not pay it yet.
  if (cards && !cards->simulated() && cards->server().link().paired()) {
    const std::string& online = cards->server().online_payments_state();
    if (!online.empty() && online != "active" && online != "unavailable") {
      ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
      error_text("request.online_inactive");
      ImGui::PopTextWrapPos();
    }
  }
  kind_radio(f, "invoices", "request.kind.invoices");
  kind_radio(f, "deposit", "request.kind.deposit", true);
  kind_radio(f, "card", "request.kind.card", true);

  if (f.kind == "invoices") {
    const app::Json unpaid = unpaid_invoices(commands, patient_id);
    if (!f.ticked_all && !f.preselected)
      for (const auto& i : unpaid) f.invoice_ids.insert(i.value("invoice_id", std::string()));
    f.ticked_all = true;
    if (unpaid.empty()) label(tr("request.no_unpaid"));
    std::int64_t total = 0;
    for (const auto& i : unpaid) {
      const std::string id = i.value("invoice_id", std::string());
      bool ticked = f.invoice_ids.count(id) > 0;
      const std::string text = i.value("number", std::string()) + "   " + date(i.value("issued_on", std::string())) +
                               "   " + tr("request.due") + " " + money(i.value("due", std::int64_t{0}));
      if (ImGui::Checkbox((text + "##request-invoice-" + id).c_str(), &ticked)) {
        if (ticked) f.invoice_ids.insert(id); else f.invoice_ids.erase(id);
      }
      if (ticked) total += i.value("due", std::int64_t{0});
    }
    label((std::string(tr("request.amount")) + " " + money(total)).c_str());
  } else if (f.kind == "deposit") {
    text_field(tr("request.deposit_amount"), "##request-amount", &f.amount_text, 200);
  } else {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    label(tr("request.card_hint"));
    ImGui::PopTextWrapPos();
  }
  text_field(tr("request.days"), "##request-days", &f.days_text, 80);
  text_field(tr("request.note"), "##request-note", &f.note);
  if (f.kind != "card") ImGui::Checkbox(tr_id("request.save_card", "request-save-card").c_str(), &f.save_card);
  const std::string email = patient.value("email", std::string());
  if (email.empty()) ImGui::BeginDisabled();
  const std::string send = email.empty() ? std::string(tr("request.send_email_plain"))
                                          : std::string(tr("request.send_email")) + " " + email;
  ImGui::Checkbox((send + "##request-send-email").c_str(), &f.send_email);
  if (email.empty()) {
    ImGui::EndDisabled();
    ImGui::SameLine();
    muted(tr("request.no_email"));
  }
  error_text(f.error_key);
  if (ImGui::Button(tr_id("request.create", "request-create").c_str())) {
    std::string key, field;
    app::Json cmd = request_command(f, &key, &field);
    if (cmd.is_null()) {
      f.error_key = key;
      f.error_field = field;
    } else {
      const std::string id = app::new_command_id();
      cmd["id"] = id;
      cmd["token"] = app::new_link_token();
      app::Json answer = commands.exec(cmd);
      if (answer["ok"] == true) {
        f = RequestFormState{};
        state.created_id = id;
        if (cards) cards->expect_payment();
      } else {
        f.error_key = error_key(answer);
        f.error_field = answer["error"].value("field", std::string());
      }
    }
  }
  beside(button_width(tr_id("pay.cancel", "request-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "request-cancel").c_str()) || escape_pressed())
    f = RequestFormState{};
}

void draw_requests_tab(app::CommandLayer& commands, sync::CardPayments* cards, const std::string& patient_id,
                       PaymentRequestsState& state) {
  app::Json items = result_of(commands.query({{"cmd", "payment_request.list"}, {"patient_id", patient_id}}))
                        .value("items", app::Json::array());
  if (items.empty()) label(tr("request.none"));
  if (cards && cards->simulated()) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    muted(tr("request.demo_note"));
    ImGui::PopTextWrapPos();
  } else if (cards == nullptr || !cards->server().link().paired()) {
    ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
    muted(tr("request.needs_server"));
    ImGui::PopTextWrapPos();
  }
  for (const auto& r : items) {
    const std::string id = r.value("request_id", std::string());
    const std::string st = r.value("state", std::string());
    const std::string kind = r.value("kind", std::string());
    std::string line = date_time(r.value("created_at", std::string())) + "   " + tr("request.kind." + kind);
    if (kind != "card") line += "   " + money(r.value("amount", std::int64_t{0}));
    line += "   " + std::string(tr("request.state." + st));
    if (link_usable(st))
      line += "   " + std::string(tr("request.until")) + " " + date_time(r.value("expires_at", std::string()));
    label(line.c_str());
    if (!r.value("note", std::string()).empty()) {
      ImGui::SameLine();
      muted(r.value("note", std::string()).c_str());
    }
    if (st == "failed" && !r.value("decline_code", std::string()).empty()) {
      ImGui::SameLine();
      muted((std::string(tr("request.declined")) + " " + r.value("decline_code", std::string())).c_str());
    }
    if (link_usable(st)) {
      ImGui::Indent();
      draw_link(cards, r, state, [&] {
        if (ImGui::SmallButton((std::string(tr("request.cancel")) + id_suffix("cancel-request-" + id)).c_str())) {
          app::Json answer = commands.exec({{"cmd", "payment_request.cancel"}, {"id", app::new_command_id()},
                                            {"request_id", id}});
          state.message_key = answer["ok"] == true ? "" : error_key(answer);
        }
      });
      ImGui::Unindent();
    }
  }
  error_text(state.message_key);
}

}  // namespace quittance::ui
