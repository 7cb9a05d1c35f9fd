// « Patients » screen and patient page. See patients_screen.h.
#include "ui/patients_screen.h"

#include <imgui.h>
#include <imgui_internal.h>  // SeparatorEx: a vertical rule between two groups of buttons

#include "app/command_id.h"
#include "ui/announce.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/invoice_table.h"
#include "ui/payment_type_picker.h"
#include "ui/pdf_download.h"
#include "ui/reflow.h"
#include "ui/tab_row.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

void draw_new_patient_form(app::CommandLayer& commands, PatientsState& state) {
  NewPatientForm& f = state.form;
  heading(tr("patients.new"));
  side_field(tr("patients.record.first_name"), "##new-first-name", &f.first_name, 240);
  side_field(tr("patients.name"), "##new-name", &f.last_name, 240, true);
  text_field(tr("patients.email"), "##new-email", &f.email);
  text_field(tr("patients.phone"), "##new-phone", &f.phone);
  text_field(tr("patients.address"), "##new-address", &f.address);
  error_text(f.error_key);
  if (ImGui::Button(tr_id("patients.create", "new-create").c_str())) {
    const std::string id = app::new_command_id();
    app::Json answer = commands.exec({{"cmd", "patient.create"}, {"id", id}, {"first_name", f.first_name},
                                      {"last_name", f.last_name}, {"email", f.email}, {"phone", f.phone},
                                      {"address", f.address}});
    if (answer["ok"] == true) {
      state.form = NewPatientForm{};
      state.open_patient = id;
    } else {
      f.error_key = error_key(answer);
    }
  }
  beside(button_width(tr_id("pay.cancel", "new-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "new-cancel").c_str())) state.form = NewPatientForm{};
}

void draw_list(app::CommandLayer& commands, std::uint64_t data_version, PatientsState& state) {
  title(tr("nav.patients"));
  if (search_shortcut()) ImGui::SetKeyboardFocusHere();  // the next focusable widget: the field, not its label
  text_field(tr("patients.search"), "##patient-search", &state.search);
  const std::string create = tr_id("patients.new", "open-new"), archived = tr_id("patients.show_archived", "show-archived");
  beside(button_width(create.c_str()));
  if (ImGui::Button(create.c_str())) state.form.open = true;
  beside(choice_width(archived.c_str()));
  ImGui::Checkbox(archived.c_str(), &state.archived);
  if (state.form.open) {
    draw_new_patient_form(commands, state);
    return;
  }
  app::Json query = {{"cmd", "patient.list"}, {"archived", state.archived}};
  if (!state.search.empty()) query["search"] = state.search;
  state.list.set_query(query, data_version);
  const std::int64_t total = state.list.total(commands);
  if (total == 0) {
    label(tr(state.archived ? "patients.none_archived" : state.search.empty() ? "patients.empty" : "patients.none_found"));
    return;
  }
  // The birth date tells two patients of one name apart.
  if (!ImGui::BeginTable("##patients", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH,
                         ImVec2(0, table_height()))) {
    return;
  }
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(tr("patients.name"), ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn(tr("patients.record.born_column"), ImGuiTableColumnFlags_WidthStretch, 0.6f);
  ImGui::TableSetupColumn(tr("patients.email"), ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn(tr("patients.phone"), ImGuiTableColumnFlags_WidthStretch, 0.8f);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(total));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const app::Json* row = state.list.row(commands, i);
      if (!row) continue;
      const std::string id = (*row)["patient_id"], name = (*row)["name"];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      if (ImGui::Selectable((name + "##patient-" + id).c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
        state.open_patient = id;
      }
      ImGui::TableNextColumn();
      label(date(row->value("birth_date", std::string())).c_str());
      ImGui::TableNextColumn();
      label_fitted(row->value("email", std::string()));
      ImGui::TableNextColumn();
      label_fitted(row->value("phone", std::string()));
    }
  }
  ImGui::EndTable();
}

void amount_box(const char* caption, std::int64_t amount, const char* note = nullptr) {
  ImGui::BeginGroup();
  label(caption);
  if (note) {
    ImGui::SameLine();
    muted(note);
  }
  figure(money(amount).c_str());
  ImGui::EndGroup();
  ImGui::SameLine(0, 48);
}

// What the balance's sign means, said beside its caption: owed by the patient, or in the
// patient's favour.
const char* balance_note(std::int64_t balance) {
  if (balance > 0) return tr("patients.balance_owed");
  if (balance < 0) return tr("patients.balance_credit");
  return tr("patients.balance_zero");
}

// An acompte: money received before any invoice, kept as the patient's credit. Date, type
// (the practice's own included: the same choice as « Payer ») and amount, as seed 000 asks.
void draw_deposit_form(app::CommandLayer& commands, sync::CardPayments* cards, PatientsState& state) {
  DepositForm& d = state.deposit;
  heading(tr("patients.deposit"));
  text_field(tr("pay.date"), "##deposit-date", &d.paid_on, 200);
  PaymentTypeChoices choices;
  choices.card_online = cards && cards->available();
  payment_type_picker(commands, tr("pay.type"), "##deposit-type", &d.type_id, choices);
  text_field(tr("pay.amount"), "##deposit-amount", &d.amount_text, 200);
  error_text(d.error_key);
  if (ImGui::Button(tr_id("pay.submit", "deposit-submit").c_str())) {
    const auto amount = parse_money(d.amount_text);
    const auto paid_on = input_date_to_iso(d.paid_on);
    if (!amount || *amount <= 0) {
      d.error_key = "error.invalid_amount";
    } else if (!paid_on) {
      d.error_key = "error.invalid_date";
    } else {
      app::Json answer = commands.exec({{"cmd", "payment.create"}, {"id", app::new_command_id()},
                                        {"patient_id", state.open_patient}, {"payment_type_id", d.type_id},
                                        {"amount", *amount}, {"paid_on", *paid_on}});
      if (answer["ok"] == true) {
        d = DepositForm{};
      } else {
        d.error_key = error_key(answer);
      }
    }
  }
  beside(button_width(tr_id("pay.cancel", "deposit-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "deposit-cancel").c_str())) d = DepositForm{};
}

// The Paiements tab: each payment, what is still unallocated, and « Rembourser » while
// something of it can be refunded.
// The patient's documents: « Relevé de compte » (the whole account to date), and
// « Attestation de paiement » for this year and the last (asked for in January), the PDF a
// patient sends their mutuelle.
// `server_sends`: the clinic's server sends emails; without one the documents are only downloaded.
void draw_account_documents(app::CommandLayer& commands, PatientsState& state, bool server_sends) {
  if (ImGui::Button(tr_id("patients.statement", "statement-pdf").c_str())) {
    state.pdf_error = download_pdf(commands, {{"cmd", "patient.statement"}, {"patient_id", state.open_patient}},
                                   std::string(tr("patients.statement_name")) + " " + today_iso() + ".pdf");
  }
  const int year = std::stoi(today_iso().substr(0, 4));
  for (int y : {year, year - 1}) {
    const std::string caption = fill(tr("patients.attestation"), {{"year", std::to_string(y)}});
    const std::string id = caption + "##attestation-" + std::to_string(y);
    beside(button_width(id.c_str()));
    if (ImGui::Button(id.c_str())) {
      state.pdf_error = download_pdf(commands, {{"cmd", "patient.attestation"}, {"patient_id", state.open_patient}, {"year", y}},
                                     caption + ".pdf");
    }
  }
  // The same documents by email, sent by the server (its outbox: Communications).
  if (!server_sends) {
    error_text(state.pdf_error);
    return;
  }
  ImGui::AlignTextToFramePadding();
  label(tr("patients.email_documents"));
  auto send = [&](app::Json cmd) {
    cmd["cmd"] = "patient.email_document";
    cmd["id"] = app::new_command_id();
    cmd["patient_id"] = state.open_patient;
    const app::Json answer = commands.exec(cmd);
    state.pdf_error = answer["ok"] == true ? "" : error_key(answer);
    state.document_sent = answer["ok"] == true ? fill(tr("patients.email_document_queued"),
                                                      {{"email", answer["result"].value("recipient", std::string())}})
                                               : "";
  };
  const std::string statement = tr_id("patients.email_statement", "statement-email");
  beside(button_width(statement.c_str()));
  if (ImGui::Button(statement.c_str())) send({{"kind", "statement"}});
  for (int y : {year, year - 1}) {
    const std::string id = fill(tr("patients.email_attestation"), {{"year", std::to_string(y)}}) + "##attestation-email-" +
                           std::to_string(y);
    beside(button_width(id.c_str()));
    if (ImGui::Button(id.c_str())) send({{"kind", "attestation"}, {"year", y}});
  }
  error_text(state.pdf_error);
  if (!state.document_sent.empty()) {
    label(state.document_sent.c_str());
    message_shown(state.document_sent);
  }
}

void draw_payments_tab(app::CommandLayer& commands, PatientsState& state, bool server_sends) {
  draw_account_documents(commands, state, server_sends);
  const app::Json items = result_of(commands.query({{"cmd", "payment.list"}, {"patient_id", state.open_patient}})).value("items", app::Json::array());
  if (items.empty()) label(tr("patients.no_payments"));
  for (const auto& pay_row : items) {
    std::string line = date(pay_row["paid_on"]) + "   " + pay_row["type"].get<std::string>() + "   " +
                       money(pay_row["amount"]);
    if (pay_row["credit"].get<std::int64_t>() > 0) {
      line += "   (" + std::string(tr("patients.unallocated")) + " " + money(pay_row["credit"]) + ")";
    }
    if (pay_row.value("fee", std::int64_t{0}) > 0) {
      line += "   " + std::string(tr("patients.fee")) + " " + money(pay_row["fee"]);
    }
    const std::int64_t refunded = pay_row["amount"].get<std::int64_t>() - pay_row.value("refundable", std::int64_t{0});
    if (pay_row["deleted"] == true) {
      line += "   " + std::string(tr("patients.deleted"));
    } else if (refunded > 0) {
      line += "   " + std::string(tr("patients.refunded")) + " " + money(refunded);
    }
    label(line.c_str());
    if (pay_row["deleted"] == true) continue;
    const std::string id = pay_row["payment_id"];
    // Each button says which payment it acts on to a screen reader.
    const std::string about = pay_row["type"].get<std::string>() + " " + money(pay_row["amount"]) + " " +
                              tr("patients.paid_on") + " " + date(pay_row["paid_on"]);
    if (pay_row.value("refundable", std::int64_t{0}) > 0) {
      beside(button_width(tr_id("refund.open", std::string("refund-") + id).c_str()));
      const bool refund = ImGui::SmallButton(tr_id("refund.open", std::string("refund-") + id).c_str());
      widget_about(about);
      if (refund) open_refund_dialog(state.refund, pay_row, state.open_patient);
    }
    // A card payment through Stripe is corrected by a refund: Stripe holds the truth of it.
    if (!pay_row.value("processor_ref", std::string()).empty()) continue;
    beside(button_width(tr_id("payment_edit.edit", std::string("edit-payment-") + id).c_str()));
    const bool edit = ImGui::SmallButton(tr_id("payment_edit.edit", std::string("edit-payment-") + id).c_str());
    widget_about(about);
    if (edit) open_payment_edit(state.payment_edit, pay_row, PaymentEditState::Mode::Edit);
    beside(button_width(tr_id("payment_edit.delete", std::string("delete-payment-") + id).c_str()));
    const bool remove = ImGui::SmallButton(tr_id("payment_edit.delete", std::string("delete-payment-") + id).c_str());
    widget_about(about);
    if (remove) open_payment_edit(state.payment_edit, pay_row, PaymentEditState::Mode::Delete);
  }
}

void draw_credit_notes_tab(app::CommandLayer& commands, PatientsState& state) {
  const app::Json items = result_of(commands.query({{"cmd", "credit_note.list"}, {"patient_id", state.open_patient}}))
                              .value("items", app::Json::array());
  if (items.empty()) label(tr("patients.no_credit_notes"));
  for (const auto& n : items) {
    const std::string number = n["number"];
    label((number + "   " + date(n["issued_on"]) + "   " + money(n["total"]) + "   " + tr("patients.available") + " " +
           money(n["available"]))
              .c_str());
    beside(button_width(tr_id("invoice_page.pdf", std::string("credit-note-pdf-") + number).c_str()));
    if (ImGui::SmallButton(tr_id("invoice_page.pdf", std::string("credit-note-pdf-") + number).c_str())) {
      state.pdf_error = download_pdf(commands, {{"cmd", "credit_note.document"}, {"credit_note_id", n["credit_note_id"]}},
                                     std::string(tr("patients.credit_note_pdf_name")) + " " + number + ".pdf");
    }
  }
  error_text(state.pdf_error);
}

// Reminders, and what the desk does for this patient: an invoice, a credit note, a deposit,
// and apart from them the online request.
void draw_desk_actions(app::CommandLayer& commands, sync::CardPayments* cards, const app::Json& p,
                       PatientsState& state) {
  bool reminders = p["reminders"];
  if (ImGui::Checkbox(tr_id("patients.reminders", "reminders").c_str(), &reminders)) {
    commands.exec({{"cmd", "patient.update"}, {"id", app::new_command_id()}, {"patient_id", state.open_patient},
                   {"reminders", reminders}});
  }
  const bool new_invoice = ImGui::Button(tr_id("patients.new_invoice", "new-invoice").c_str());
  if ((alt_shortcut('N') && !state.editor.open) || new_invoice) open_invoice_editor(state.editor, state.open_patient);
  beside(button_width(tr_id("patients.new_credit_note", "new-credit-note").c_str()));
  if (ImGui::Button(tr_id("patients.new_credit_note", "new-credit-note").c_str())) {
    open_credit_note_editor(state.editor, state.open_patient);
  }
  beside(button_width(tr_id("patients.deposit", "open-deposit").c_str()));
  if (!state.deposit.open && ImGui::Button(tr_id("patients.deposit", "open-deposit").c_str())) {
    state.deposit.open = true;
    state.deposit.paid_on = today_input();
  }
  // The online request apart from the desk's forms (it records nothing, it asks the patient):
  // after a separator and its caption, on the same row when it fits and no desk form is open.
  if (state.deposit.open) {
    draw_deposit_form(commands, cards, state);
    ImGui::Spacing();
  } else if (!state.requests.form.open) {
    ImGui::SameLine(0, 16);
    const float room = ImGui::GetContentRegionAvail().x;
    const float needed = ImGui::CalcTextSize(tr("request.section")).x + ImGui::CalcTextSize(tr("request.open")).x + 60;
    if (room > needed) {
      ImGui::SeparatorEx(ImGuiSeparatorFlags_Vertical);
      ImGui::SameLine(0, 16);
    } else {
      ImGui::NewLine();
    }
  }
  if (!state.requests.form.open) {
    ImGui::AlignTextToFramePadding();
    muted(tr("request.section"));
    ImGui::SameLine();
  }
  draw_request_form(commands, cards, p, state.requests);
}

// Returns the invoice opened from the patient's table, or "".
std::string draw_patient_page(app::CommandLayer& commands, sync::CardPayments* cards, std::uint64_t data_version,
                              PatientsState& state, PayDialogState& pay) {
  std::string opened;
  app::Json patient = commands.query({{"cmd", "patient.get"}, {"patient_id", state.open_patient}});
  if (patient["ok"] != true) {
    state.open_patient.clear();
    return opened;
  }
  const app::Json& p = patient["result"];
  if (state.editor.open) {
    draw_invoice_editor(commands, state.editor);
    return opened;
  }
  if (ImGui::Button(tr_id("patients.back", "back").c_str())) {
    state.open_patient.clear();
    state.deposit = DepositForm{};
    return opened;
  }
  if (state.record_of != state.open_patient) {
    reset_patient_record(state.record);
    state.record_of = state.open_patient;
  }
  const std::string instead = draw_patient_record(commands, p, state.record);
  if (!instead.empty()) {
    state.open_patient = instead;
    return opened;
  }
  if (state.record.editing || state.record.merging) return opened;
  app::Json b = result_of(commands.query({{"cmd", "patient.balance"}, {"patient_id", state.open_patient}}));
  amount_box(tr("patients.due"), b["due"]);
  amount_box(tr("patients.credit"), b["credit"]);
  amount_box(tr("patients.balance"), b["balance"], balance_note(b.value("balance", std::int64_t{0})));
  ImGui::NewLine();
  draw_patient_contacts(commands, p, state.contact);
  draw_patient_cards(commands, cards, p, state.cards, state.requests);
  // A merged record takes no new work: its page only says where everything went.
  if (p.value("merged_into", std::string()).empty()) draw_desk_actions(commands, cards, p, state);
  ImGui::Spacing();
  static const std::vector<TabSpec> kTabs = {
      {"patients.tab.invoices", "#tab-invoices"},         {"patients.tab.payments", kPatientPaymentsTab},
      {"patients.tab.credit_notes", "#tab-credit-notes"}, {"request.tab", "#tab-requests"},
      {"appointment.tab", "#tab-appointments"},           {"nav.communications", "#tab-communications"},
  };
  tab_row("##patient-tabs", kTabs, &state.tab);
  const std::string& tab = state.tab;
  if (tab == "#tab-invoices") {
    state.invoices.set_query({{"cmd", "invoice.list"}, {"patient_id", state.open_patient}}, data_version);
    opened = draw_invoice_table(commands, state.invoices, pay, "##patient-invoices", false);
  } else if (tab == kPatientPaymentsTab) {
    draw_payments_tab(commands, state, mail_sender(cards ? &cards->server() : nullptr) == MailSender::Server);
  } else if (tab == "#tab-credit-notes") {
    draw_credit_notes_tab(commands, state);
  } else if (tab == "#tab-requests") {
    draw_requests_tab(commands, cards, state.open_patient, state.requests);
  } else if (tab == "#tab-appointments") {
    draw_appointments_tab(commands, cards, p, state.appointments);
  } else if (tab == "#tab-communications") {
    draw_communications(commands, data_version, state.communications, state.open_patient,
                        mail_sender(cards ? &cards->server() : nullptr));
  }
  draw_refund_dialog(commands, cards, state.refund);
  draw_payment_edit(commands, state.payment_edit);
  return opened;
}

}  // namespace

std::string draw_patients_screen(app::CommandLayer& commands, sync::CardPayments* cards, std::uint64_t data_version,
                                 PatientsState& state, PayDialogState& pay) {
  if (!state.open_patient.empty()) return draw_patient_page(commands, cards, data_version, state, pay);
  draw_list(commands, data_version, state);
  return "";
}

}  // namespace quittance::ui
