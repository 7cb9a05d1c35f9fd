// Invoice editor. See invoice_editor.h.
#include "ui/invoice_editor.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/command_id.h"
#include "core/invoice_math.h"
#include "ui/form.h"
#include "ui/format.h"
#include "ui/i18n.h"
#include "ui/reflow.h"
#include "ui/theme.h"
#include "ui/widget_log.h"

namespace quittance::ui {

namespace {

// The line as the core computes it, or nullopt while what is typed is not a valid line.
std::optional<core::LineAmounts> compute(const LineEdit& l, std::int64_t rate_bp) {
  auto price = parse_money(l.unit_price);
  auto qty = core::parse_quantity(l.quantity);
  if (!price || *price < 0 || !qty) return std::nullopt;
  core::LineInput in{*qty, *price, core::DiscountKind::None, 0, rate_bp};
  if (l.discount_amount > 0) {
    in.discount_kind = core::DiscountKind::Amount;
    in.discount_value = l.discount_amount;
  } else if (!l.discount.empty()) {
    auto bp = core::parse_percent(l.discount);
    if (!bp) return std::nullopt;
    in.discount_kind = core::DiscountKind::Percent;
    in.discount_value = *bp;
  }
  core::LineResult r = core::compute_line(in);
  if (!r.ok()) return std::nullopt;
  return r.amounts;
}

app::Json line_json(const LineEdit& l) {
  app::Json j = {{"label", l.label}, {"service_date", *input_date_to_iso(l.service_date)}, {"quantity", l.quantity},
                 {"tax_rate_id", l.tax_rate_id}};
  if (!l.service_id.empty()) j["service_id"] = l.service_id;
  if (auto price = parse_money(l.unit_price)) j["unit_price"] = *price;
  if (l.discount_amount > 0) {
    j["discount_amount"] = l.discount_amount;
  } else if (!l.discount.empty()) {
    j["discount_percent"] = l.discount;
  }
  return j;
}

// The lines as the commands take them, or the error key of the first one that is not valid.
std::string read_lines(const InvoiceEditorState& state, app::Json* lines) {
  *lines = app::Json::array();
  for (const LineEdit& l : state.lines) {
    if (!parse_money(l.unit_price)) return "error.invalid_amount";
    if (!input_date_to_iso(l.service_date)) return "error.invalid_date";
    lines->push_back(line_json(l));
  }
  return "";
}

// Saves the draft (creating it the first time); "" on success, else the error key.
std::string save(app::CommandLayer& commands, InvoiceEditorState& state) {
  app::Json lines;
  if (std::string error = read_lines(state, &lines); !error.empty()) return error;
  app::Json cmd = {{"id", app::new_command_id()}, {"lines", lines}, {"notes", state.notes}, {"contact_id", state.contact_id}};
  if (state.draft_id.empty()) {
    cmd["cmd"] = "invoice.create";
    cmd["patient_id"] = state.patient_id;
  } else {
    cmd["cmd"] = "invoice.update";
    cmd["invoice_id"] = state.draft_id;
  }
  app::Json answer = commands.exec(cmd);
  if (answer["ok"] != true) return error_key(answer);
  state.draft_id = answer["result"]["invoice_id"];
  return "";
}

// Issues the credit note; "" on success, else the error key.
std::string issue_credit_note(app::CommandLayer& commands, const InvoiceEditorState& state) {
  app::Json lines;
  if (std::string error = read_lines(state, &lines); !error.empty()) return error;
  app::Json cmd = {{"cmd", "credit_note.create"}, {"id", app::new_command_id()}, {"patient_id", state.patient_id},
                   {"lines", lines}, {"note", state.notes}, {"internal_note", state.internal_note}};
  if (!state.corrects.empty()) cmd["invoice_id"] = state.corrects;
  app::Json answer = commands.exec(cmd);
  return answer["ok"] == true ? "" : error_key(answer);
}

// « Facture corrigée »: the patient's issued invoices, or none.
void draw_corrected_invoice(app::CommandLayer& commands, InvoiceEditorState& state) {
  const app::Json invoices = result_of(commands.query({{"cmd", "invoice.list"}, {"patient_id", state.patient_id}, {"limit", 200}})).value("items", app::Json::array());
  std::string current = tr("credit_note.no_invoice");
  for (const auto& inv : invoices) {
    if (inv["invoice_id"] == state.corrects) current = inv["number"].get<std::string>();
  }
  label(tr("credit_note.corrects"));
  ImGui::SetNextItemWidth(fit(360));
  const bool choosing = ImGui::BeginCombo("##corrects", current.c_str());
  name_last_widget(tr("credit_note.corrects"), current.c_str());
  if (!choosing) return;
  if (ImGui::Selectable(tr("credit_note.no_invoice"), state.corrects.empty())) state.corrects.clear();
  for (const auto& inv : invoices) {
    if (inv["status"] == "draft") continue;
    const std::string id = inv["invoice_id"];
    const std::string text = inv["number"].get<std::string>() + " — " + date(inv["issued_on"]) + " — " +
                             money(inv["total"]) + "##corrects-" + id;
    if (ImGui::Selectable(text.c_str(), state.corrects == id)) state.corrects = id;
  }
  ImGui::EndCombo();
}

// « Facturé à »: the patient, or one of their contacts (patient page → « Ajouter un payeur »).
void draw_billed_to(const app::Json& patient, InvoiceEditorState& state) {
  const app::Json contacts = patient.value("contacts", app::Json::array());
  std::string current = patient.value("name", std::string());
  for (const auto& c : contacts) {
    if (c.value("contact_id", std::string()) == state.contact_id) current = c.value("name", std::string());
  }
  label(tr("editor.billed_to"));
  ImGui::SetNextItemWidth(fit(360));
  const bool choosing = ImGui::BeginCombo("##billed-to", current.c_str());
  name_last_widget(tr("editor.billed_to"), current.c_str());
  if (!choosing) return;
  if (ImGui::Selectable((patient.value("name", std::string()) + "##billed-patient").c_str(), state.contact_id.empty())) {
    state.contact_id.clear();
  }
  for (const auto& c : contacts) {
    const std::string id = c.value("contact_id", std::string()), relation = c.value("relation", std::string());
    const std::string text = c.value("name", std::string()) + (relation.empty() ? "" : " (" + relation + ")") + "##billed-" + id;
    if (ImGui::Selectable(text.c_str(), state.contact_id == id)) state.contact_id = id;
  }
  ImGui::EndCombo();
}

}  // namespace

void open_credit_note_editor(InvoiceEditorState& state, const std::string& patient_id) {
  open_invoice_editor(state, patient_id);
  state.kind = InvoiceEditorState::Kind::CreditNote;
}

void open_invoice_editor(InvoiceEditorState& state, const std::string& patient_id) {
  state = InvoiceEditorState{};
  state.open = true;
  state.patient_id = patient_id;
  state.lines.push_back(LineEdit{});
  state.lines.back().service_date = today_input();
}

namespace {

// The catalogue's tax rate a saved line was made with: lines keep the rate's name and value,
// not its id (editing a rate never changes a document).
std::string tax_rate_of(const app::Json& rates, const app::Json& line) {
  for (const auto& r : rates) {
    if (r.value("rate_bp", std::int64_t{-1}) == line.value("tax_rate_bp", std::int64_t{0}) &&
        r.value("name", std::string()) == line.value("tax_name", std::string())) {
      return r.value("tax_rate_id", std::string());
    }
  }
  for (const auto& r : rates) {
    if (r.value("rate_bp", std::int64_t{-1}) == line.value("tax_rate_bp", std::int64_t{0})) return r.value("tax_rate_id", std::string());
  }
  return "exempt";
}

}  // namespace

bool open_draft_editor(app::CommandLayer& commands, InvoiceEditorState& state, const std::string& invoice_id) {
  const app::Json answer = commands.query({{"cmd", "invoice.get"}, {"invoice_id", invoice_id}});
  if (!answer.value("ok", false) || answer["result"].value("status", std::string()) != "draft") return false;
  const app::Json& inv = answer["result"];
  const app::Json rates_answer = commands.query({{"cmd", "tax_rate.list"}});
  const app::Json rates = rates_answer.value("ok", false) ? rates_answer["result"] : app::Json::array();
  open_invoice_editor(state, inv.value("patient_id", std::string()));
  state.draft_id = invoice_id;
  state.notes = inv.value("notes", std::string());
  state.contact_id = inv.value("contact_id", std::string());
  state.lines.clear();
  for (const auto& l : inv.value("lines", app::Json::array())) {
    LineEdit e;
    if (l.contains("service_id") && l["service_id"].is_string()) e.service_id = l["service_id"];
    e.label = l.value("label", std::string());
    e.service_date = date(l.value("service_date", std::string()));
    e.quantity = decimal_text(l.value("quantity_milli", std::int64_t{1000}), 1000);
    e.unit_price = input_amount(l.value("unit_price", std::int64_t{0}));
    const std::string kind = l.value("discount_kind", std::string("none"));
    if (kind == "percent") e.discount = decimal_text(l.value("discount_value", std::int64_t{0}), 100);
    if (kind == "amount") e.discount_amount = l.value("discount_value", std::int64_t{0});
    e.tax_rate_id = tax_rate_of(rates, l);
    state.lines.push_back(e);
  }
  if (state.lines.empty()) state.lines.push_back(LineEdit{});
  return true;
}

namespace {

// The catalogue the lines pick from, read once a frame: services and tax rates.
struct Catalogue {
  app::Json services, rates;
  std::int64_t rate_of(const std::string& id) const {
    for (const auto& r : rates) {
      if (r.value("tax_rate_id", std::string()) == id) return r.value("rate_bp", std::int64_t{0});
    }
    return 0;
  }
};

Catalogue read_catalogue(app::CommandLayer& commands) {
  return {list_of(commands.query({{"cmd", "service.list"}})), list_of(commands.query({{"cmd", "tax_rate.list"}}))};
}

// The act: from the catalogue, which fills label, price and tax rate. Captioned like every field
// (« Ligne libre » alone read as the line's own name).
void draw_service_picker(LineEdit& l, const app::Json& services) {
  label(tr("editor.service"));
  ImGui::SetNextItemWidth(fit(360));
  const char* shown = l.service_id.empty() ? tr("editor.free_line") : l.label.c_str();
  const bool choosing = ImGui::BeginCombo("##service", shown);
  name_last_widget(tr("editor.service"), shown);
  if (!choosing) return;
  if (ImGui::Selectable(tr("editor.free_line"), l.service_id.empty())) l.service_id.clear();
  for (const auto& s : services) {
    if (s.value("archived", false)) continue;
    const std::string id = s.value("service_id", std::string());
    const std::int64_t price = s.value("unit_price", std::int64_t{0});
    const std::string text = s.value("code", std::string()) + " — " + s.value("label", std::string()) + " — " +
                             money(price) + "##service-" + id;
    if (ImGui::Selectable(text.c_str(), l.service_id == id)) {
      l.service_id = id;
      l.label = s.value("label", std::string());
      l.unit_price = input_amount(price);
      l.tax_rate_id = s.value("tax_rate_id", std::string());
    }
  }
  ImGui::EndCombo();
}

// Date, quantity, price, discount and tax side by side: labels on one row, fields on the next.
// Fields carry the line number in their ids ("##qty-2") so each is addressable; the labels stay plain.
void draw_line_fields(LineEdit& l, const std::string& n, const app::Json& rates) {
  // Side by side, each caption over its field, going on to the next line when the window is
  // narrow (reflow.h).
  struct Field {
    const char* caption;
    std::string* value;
    const char* id;
    float width;
  };
  const Field fields[] = {{tr("editor.date"), &l.service_date, "##date-", 130},
                          {tr("editor.quantity"), &l.quantity, "##qty-", 80},
                          {tr("editor.unit_price"), &l.unit_price, "##price-", 110},
                          {tr("editor.discount"), &l.discount, "##discount-", 80}};
  bool first = true;
  for (const Field& f : fields) {
    side_field(f.caption, (f.id + n).c_str(), f.value, f.width, !first);
    first = false;
  }
  constexpr float kTaxWidth = 180.0f;
  begin_side_group(kTaxWidth, true);
  label(tr("editor.tax"));
  tax_rate_combo("##tax", tr("editor.tax"), rates, &l.tax_rate_id, kTaxWidth);
  ImGui::EndGroup();
}

// Line `i`, with its total as the core computes it (nullopt while incomplete). True when the
// person removed it.
bool draw_line(InvoiceEditorState& state, std::size_t i, const Catalogue& catalogue,
               std::optional<core::LineAmounts>* amounts) {
  LineEdit& l = state.lines[i];
  const std::string n = std::to_string(i + 1);
  ImGui::PushID(static_cast<int>(i));
  heading((std::string(tr("editor.line")) + " " + n).c_str());
  draw_service_picker(l, catalogue.services);
  text_field(tr("editor.label"), ("##label-" + n).c_str(), &l.label, 360);
  draw_line_fields(l, n, catalogue.rates);
  *amounts = compute(l, catalogue.rate_of(l.tax_rate_id));
  if (*amounts) {
    label((std::string(tr("editor.line_total")) + " " + money((*amounts)->total)).c_str());
  } else {
    label(tr("editor.line_incomplete"));
  }
  const bool removed = state.lines.size() > 1 && ImGui::SmallButton(tr_id("editor.remove_line", "remove").c_str());
  ImGui::PopID();
  if (removed) state.lines.erase(state.lines.begin() + static_cast<std::ptrdiff_t>(i));
  return removed;
}

// Saves the draft, then issues it: "" or the catalogue key of the refusal.
std::string save_and_issue(app::CommandLayer& commands, InvoiceEditorState& state) {
  if (std::string key = save(commands, state); !key.empty()) return key;
  const app::Json answer =
      commands.exec({{"cmd", "invoice.issue"}, {"id", app::new_command_id()}, {"invoice_id", state.draft_id}});
  return answer["ok"] == true ? "" : error_key(answer);
}

// The buttons: issue the credit note; or save the draft, or issue the invoice; or cancel.
void draw_actions(app::CommandLayer& commands, InvoiceEditorState& state, bool credit_note) {
  auto act = [&](std::string error) {
    state.error_key = std::move(error);
    if (state.error_key.empty()) state.open = false;
  };
  if (credit_note) {
    if (ImGui::Button(tr_id("credit_note.issue", "issue-credit-note").c_str())) act(issue_credit_note(commands, state));
  } else {
    if (ImGui::Button(tr_id("editor.save_draft", "save-draft").c_str())) act(save(commands, state));
    beside(button_width(tr_id("editor.issue", "issue").c_str()));
    if (ImGui::Button(tr_id("editor.issue", "issue").c_str())) act(save_and_issue(commands, state));
  }
  beside(button_width(tr_id("pay.cancel", "editor-cancel").c_str()));
  if (ImGui::Button(tr_id("pay.cancel", "editor-cancel").c_str())) state.open = false;
}

}  // namespace

bool draw_invoice_editor(app::CommandLayer& commands, InvoiceEditorState& state) {
  const app::Json patient = result_of(commands.query({{"cmd", "patient.get"}, {"patient_id", state.patient_id}}));
  const bool credit_note = state.kind == InvoiceEditorState::Kind::CreditNote;
  title((std::string(tr(credit_note ? "credit_note.title" : "editor.title")) + " — " +
         patient.value("name", std::string()))
            .c_str());
  if (credit_note) {
    draw_corrected_invoice(commands, state);
  } else {
    draw_billed_to(patient, state);
  }
  const Catalogue catalogue = read_catalogue(commands);
  std::vector<core::LineAmounts> computed;
  bool all_valid = true;
  for (std::size_t i = 0; i < state.lines.size(); ++i) {
    std::optional<core::LineAmounts> amounts;
    if (draw_line(state, i, catalogue, &amounts)) break;
    if (amounts) {
      computed.push_back(*amounts);
    } else {
      all_valid = false;
    }
  }
  ImGui::Spacing();
  if (ImGui::Button(tr_id("editor.add_line", "add-line").c_str())) {
    LineEdit l;
    l.service_date = today_input();
    state.lines.push_back(l);
  }
  text_field(tr(credit_note ? "credit_note.note" : "editor.notes"), "##notes", &state.notes, 600);
  if (credit_note) text_field(tr("credit_note.internal_note"), "##internal-note", &state.internal_note, 600);

  ImGui::Separator();
  const auto totals = core::sum_lines(computed);
  if (all_valid && totals) {
    label((std::string(tr("editor.net")) + " " + money(totals->net) + "     " + tr("editor.vat") + " " +
           money(totals->tax) + "     " + tr("editor.total") + " " + money(totals->total))
              .c_str());
  }
  error_text(state.error_key);
  draw_actions(commands, state, credit_note);
  return state.open;
}

}  // namespace quittance::ui
