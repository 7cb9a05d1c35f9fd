// The invoice page. See invoice_page.h.
#include "ui/invoice_page.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "app/command_id.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/invoice_table.h"
#include "ui/pdf_download.h"
#include "ui/platform_hooks.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

// « Facturé à »: the contact the invoice is billed to, or the patient.
std::string billed_to(app::CommandLayer& commands, const app::Json& inv) {
  const app::Json patient = result_of(commands.query({{"cmd", "patient.get"}, {"patient_id", inv.value("patient_id", std::string())}}));
  const std::string contact = inv.value("contact_id", std::string());
  for (const auto& c : patient.value("contacts", app::Json::array())) {
    if (c.value("contact_id", std::string()) == contact) {
      const std::string relation = c.value("relation", std::string());
      return c.value("name", std::string()) + (relation.empty() ? "" : " (" + relation + ")");
    }
  }
  return patient.value("name", std::string());
}

void draw_lines(const app::Json& inv) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  // A narrow window (a phone, 200 % text) leaves each line's tax to the totals under the table
  // (« TVA : »), and the act's words wrap in their cell.
  const bool taxed = !narrow_window();
  if (!ImGui::BeginTable("##invoice-lines", taxed ? 6 : 5, flags)) return;
  ImGui::TableSetupColumn(tr("invoice_page.act"), 0, 2.4f);
  ImGui::TableSetupColumn(tr("invoices.date"), 0, 0.9f);
  ImGui::TableSetupColumn(tr("editor.quantity"), 0, 0.6f);
  ImGui::TableSetupColumn(tr("editor.unit_price"), 0, 0.9f);
  if (taxed) ImGui::TableSetupColumn(tr("editor.tax"), 0, 0.9f);
  ImGui::TableSetupColumn(tr("invoices.total"), 0, 0.9f);
  table_headers({2, 3, taxed ? 5 : 4});
  for (const auto& l : inv.value("lines", app::Json::array())) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    std::string text = l.value("label", std::string());
    if (l.value("discount", std::int64_t{0}) > 0) {
      text += "  (" + std::string(tr("invoice_page.discount")) + " " + money(l.value("discount", std::int64_t{0})) + ")";
    }
    ImGui::PushTextWrapPos(0.0f);
    label(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::TableNextColumn();
    label(date(l.value("service_date", std::string())).c_str());
    ImGui::TableNextColumn();
    right_aligned(decimal_text(l.value("quantity_milli", std::int64_t{1000}), 1000, language() == "en" ? '.' : ','));
    ImGui::TableNextColumn();
    right_aligned(money(l.value("unit_price", std::int64_t{0})));
    if (taxed) {
      ImGui::TableNextColumn();
      label(l.value("tax_name", std::string()).c_str());
    }
    ImGui::TableNextColumn();
    right_aligned(money(l.value("total", std::int64_t{0})));
  }
  ImGui::EndTable();
}

// The payment with this id among the patient's (payment.list items, for the edit dialog).
app::Json find_payment(const app::Json& payments, const std::string& payment) {
  for (const auto& p : payments) {
    if (p.value("payment_id", std::string()) == payment) return p;
  }
  return app::Json::object();
}

void draw_payments(app::CommandLayer& commands, const app::Json& inv, InvoicePageState& state) {
  heading(tr("invoice_page.payments"));
  const app::Json allocations = inv.value("allocations", app::Json::array());
  if (allocations.empty()) {
    label(tr("invoice_page.no_payment"));
    return;
  }
  const std::string patient = inv.value("patient_id", std::string());
  // Read once for the section, not once per payment.
  const app::Json payments =
      result_of(commands.query({{"cmd", "payment.list"}, {"patient_id", patient}, {"limit", 500}}))
          .value("items", app::Json::array());
  int row = 0;
  for (const auto& a : allocations) {
    const std::string source = a.value("source_id", std::string());
    const bool by_credit_note = a.value("source_kind", std::string()) == "credit_note";
    std::string text = date(a.value("date", std::string())) + "   ";
    text += by_credit_note ? std::string(tr("invoice_page.credit_note")) + " " + a.value("credit_note_number", std::string())
                           : a.value("type", std::string());
    text += "   " + money(a.value("amount", std::int64_t{0}));
    label(text.c_str());
    ++row;
    if (by_credit_note) continue;
    const app::Json payment = find_payment(payments, source);
    // A card payment through Stripe is corrected by a refund from the patient's page.
    if (payment.empty() || !payment.value("processor_ref", std::string()).empty()) continue;
    const std::string n = std::to_string(row);
    beside(button_width(tr_id("payment_edit.edit", std::string("edit-allocation-") + n).c_str()));
    if (ImGui::SmallButton(tr_id("payment_edit.edit", std::string("edit-allocation-") + n).c_str())) {
      open_payment_edit(state.payment_edit, payment, PaymentEditState::Mode::Edit);
    }
    beside(button_width(tr_id("payment_edit.delete", std::string("delete-allocation-") + n).c_str()));
    if (ImGui::SmallButton(tr_id("payment_edit.delete", std::string("delete-allocation-") + n).c_str())) {
      open_payment_edit(state.payment_edit, payment, PaymentEditState::Mode::Delete);
    }
  }
}

// The invoice as a PDF file, made here (no network needed) and handed to the browser.
void download_invoice_pdf(app::CommandLayer& commands, const app::Json& inv, InvoicePageState& state) {
  state.error_key = download_pdf(commands, {{"cmd", "invoice.document"}, {"invoice_id", state.invoice_id}},
                                 std::string(tr("invoice_page.pdf_name")) + " " + inv.value("number", std::string()) + ".pdf");
}

// An invoice must show who issued it: said here, where it is printed and sent, when the
// practice's name, address or SIRET is still empty.
void draw_identity_warning(app::CommandLayer& commands) {
  const app::Json settings = result_of(commands.query({{"cmd", "settings.list"}}));
  for (const char* key : {"practice.name", "practice.address", "practice.siret"}) {
    if (settings.value(key, std::string()).empty()) {
      ImGui::PushTextWrapPos(ImGui::GetContentRegionAvail().x);
      ImGui::PushStyleColor(ImGuiCol_Text, colour(palette().warning));
      label(tr("invoice_page.identity_missing"));
      ImGui::PopStyleColor();
      ImGui::PopTextWrapPos();
      return;
    }
  }
}

void draw_cancel_form(app::CommandLayer& commands, InvoicePageState& state) {
  ImGui::Spacing();
  push_wrap(600);
  label(tr("invoice_page.cancel_help"));
  ImGui::PopTextWrapPos();
  text_field(tr("invoice_page.cancel_reason"), "##cancel-reason", &state.cancel_reason, 500);
  if (ImGui::Button(tr_id("invoice_page.cancel_confirm", "cancel-confirm").c_str())) {
    const app::Json answer = commands.exec({{"cmd", "invoice.cancel"}, {"id", app::new_command_id()},
                                            {"invoice_id", state.invoice_id}, {"reason", state.cancel_reason}});
    if (answer.value("ok", false)) {
      state.cancelling = false;
      state.error_key.clear();
    } else {
      state.error_key = error_key(answer);
    }
  }
  beside(button_width(tr_id("pay.cancel", "cancel-abandon").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "cancel-abandon").c_str()) || escape_pressed()) {
    state.cancelling = false;
    state.error_key.clear();
  }
}

// Credit waiting on the patient's account (a deposit, a payment lowered or left over) while
// this invoice is due: offered in one click, never applied unasked. Only the payments' rest,
// which is what « Payer depuis le compte » takes; a credit note's is applied from « Payer ».
void draw_credit_offer(app::CommandLayer& commands, const app::Json& inv, InvoicePageState& state) {
  const std::int64_t credit =
      result_of(commands.query({{"cmd", "patient.balance"}, {"patient_id", inv.value("patient_id", std::string())}}))
          .value("payments_credit", std::int64_t{0});
  if (credit <= 0) return;
  const std::int64_t amount = std::min(credit, inv.value("due", std::int64_t{0}));
  const std::string text = fill(tr("invoice_page.apply_credit"), {{"amount", money(amount)}});
  if (ImGui::Button((text + "##apply-credit").c_str())) {
    const app::Json answer = commands.exec({{"cmd", "invoice.pay_from_account"}, {"id", app::new_command_id()},
                                            {"invoice_id", state.invoice_id}, {"amount", amount}});
    if (!answer.value("ok", false)) state.error_key = error_key(answer);
  }
  name_last_widget(text.c_str());
}

}  // namespace

void open_invoice_page(InvoicePageState& state, const std::string& invoice_id) {
  state = InvoicePageState{};
  state.invoice_id = invoice_id;
}

InvoicePageRequest draw_invoice_page(app::CommandLayer& commands, InvoicePageState& state, PayDialogState& pay) {
  InvoicePageRequest request;
  const app::Json answer = commands.query({{"cmd", "invoice.get"}, {"invoice_id", state.invoice_id}});
  if (!answer.value("ok", false)) {  // deleted meanwhile (a draft), or restored away
    state.invoice_id.clear();
    return request;
  }
  const app::Json& inv = answer["result"];
  if (ImGui::Button(tr_id("invoice_page.back", "invoice-back").c_str())) {
    state.invoice_id.clear();
    return request;
  }
  const std::string number = inv.value("number", std::string()), status = inv.value("status", std::string());
  const bool draft = status == "draft";
  title(draft ? tr("invoice_page.draft_title") : (std::string(tr("invoice_page.title")) + " " + number).c_str());
  label((std::string(tr("invoices.status")) + " : " + status_label(status)).c_str());
  if (!draft) label((std::string(tr("invoice_page.issued_on")) + " " + date(inv.value("issued_on", std::string()))).c_str());
  label((std::string(tr("invoice_page.patient")) + " " + inv.value("patient_name", std::string())).c_str());
  beside(button_width(tr_id("payments.open_patient", "invoice-patient").c_str()));
  if (ImGui::SmallButton(tr_id("payments.open_patient", "invoice-patient").c_str())) {
    request.patient = inv.value("patient_id", std::string());
  }
  label((std::string(tr("invoice_page.billed_to")) + " " + billed_to(commands, inv)).c_str());
  ImGui::Spacing();
  draw_lines(inv);
  ImGui::Spacing();
  const std::int64_t total = inv.value("total", std::int64_t{0}), due = inv.value("due", std::int64_t{0});
  label((std::string(tr("editor.net")) + " " + money(inv.value("net", std::int64_t{0})) + "     " + tr("editor.vat") +
         " " + money(inv.value("tax", std::int64_t{0})) + "     " + tr("editor.total") + " " + money(total))
            .c_str());
  if (!draft) {
    label((std::string(tr("invoice_page.paid")) + " " + money(inv.value("settled", std::int64_t{0})) + "     " +
           tr("pay.due") + " " + money(due))
              .c_str());
  }
  if (!draft && status != "cancelled" && due > 0) draw_credit_offer(commands, inv, state);
  const std::string notes = inv.value("notes", std::string());
  if (!notes.empty()) muted((std::string(tr("editor.notes")) + " : " + notes).c_str());
  ImGui::Spacing();

  if (draft) {
    if (ImGui::Button(tr_id("invoice_page.edit_draft", "edit-draft").c_str())) {
      request.edit_draft = state.invoice_id;
    }
    beside(button_width(tr_id("invoice_page.delete_draft", "delete-draft").c_str()));
    if (ImGui::Button(tr_id("invoice_page.delete_draft", "delete-draft").c_str())) {
      const app::Json deleted = commands.exec({{"cmd", "invoice.delete"}, {"id", app::new_command_id()},
                                               {"invoice_id", state.invoice_id}});
      if (deleted.value("ok", false)) {
        state.invoice_id.clear();
        return request;
      }
      state.error_key = error_key(deleted);
    }
  } else {
    if (!platform().download) ImGui::BeginDisabled();
    if (ImGui::Button(tr_id("invoice_page.pdf", "invoice-pdf").c_str())) download_invoice_pdf(commands, inv, state);
    // Paid in full: the receipt a patient sends their mutuelle.
    if (status == "paid") {
      beside(button_width(tr_id("invoice_page.receipt", "invoice-receipt").c_str()));
      if (ImGui::Button(tr_id("invoice_page.receipt", "invoice-receipt").c_str())) {
        state.error_key = download_pdf(
            commands, {{"cmd", "invoice.document"}, {"invoice_id", state.invoice_id}, {"receipt", true}},
            std::string(tr("invoice_page.receipt_name")) + " " + inv.value("number", std::string()) + ".pdf");
      }
    }
    if (!platform().download) ImGui::EndDisabled();
    if (status != "cancelled") ImGui::SameLine();
  }
  if (!draft && status != "cancelled") {
    if (due > 0) {
      const bool pay_now = ImGui::Button(tr_id("invoices.pay", "invoice-pay").c_str());
      if (alt_shortcut('P') || pay_now) open_pay_dialog(pay, state.invoice_id, due);
    }
    if (due > 0) beside(button_width(tr_id("request.for_invoice", "invoice-request").c_str()));
    if (due > 0 && ImGui::Button(tr_id("request.for_invoice", "invoice-request").c_str())) {
      request.request_payment = state.invoice_id;
      request.patient = inv.value("patient_id", std::string());
    }
    if (due > 0) beside(button_width(tr_id("invoice_page.cancel", "invoice-cancel").c_str()));
    if (!state.cancelling && ImGui::Button(tr_id("invoice_page.cancel", "invoice-cancel").c_str())) {
      state.cancelling = true;
    }
    if (state.cancelling) draw_cancel_form(commands, state);
  }
  error_text(state.error_key);
  draw_identity_warning(commands);
  if (!draft) draw_payments(commands, inv, state);
  draw_payment_edit(commands, state.payment_edit);
  return request;
}

}  // namespace quittance::ui
