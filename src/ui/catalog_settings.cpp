// Catalogue settings. See catalog_settings.h.
#include "ui/catalog_settings.h"

#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

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

// Runs a command from a form; true when accepted, else the refusal is kept for display.
bool run(app::CommandLayer& commands, app::Json cmd, CatalogSettingsState& state) {
  cmd["id"] = app::new_command_id();
  app::Json answer = commands.exec(cmd);
  state.error_key = answer["ok"] == true ? "" : error_key(answer);
  return state.error_key.empty();
}

std::string percent(std::int64_t bp) {
  std::string s = std::to_string(bp / 100);
  if (bp % 100) s += "," + std::to_string(100 + bp % 100).substr(1);
  return s + " %";
}

// Words of a label, lower-cased (ASCII letters; accents kept as typed): « Carte bancaire (TPE) »
// gives carte, bancaire, tpe.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out(1);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c >= 0x80) {
      out.back() += static_cast<char>(std::tolower(c));
    } else if (!out.back().empty()) {
      out.emplace_back();
    }
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

// An active type the label being typed resembles (a word of three letters or more in common),
// or "": « TPE » beside « Carte bancaire (TPE) » is most likely the same thing twice.
std::string resembling(const app::Json& types, const std::string& typed) {
  const std::vector<std::string> mine = words(typed);
  for (const auto& t : types) {
    if (t.value("archived", false)) continue;
    const std::string label = t.value("label", std::string());
    for (const std::string& w : words(label)) {
      if (w.size() >= 3 && std::find(mine.begin(), mine.end(), w) != mine.end()) return label;
    }
  }
  return "";
}

}  // namespace

void draw_payment_types_settings(app::CommandLayer& commands, CatalogSettingsState& state) {
  heading(tr("catalog.payment_types"));
  // Kept in a local: a range-for over a temporary's member would dangle.
  const app::Json types = list_of(commands.query({{"cmd", "payment_type.list"}}));
  for (const auto& t : types) {
    const std::string id = t["payment_type_id"], text = t["label"];
    std::string line = text;
    if (t["builtin"] == true) line += "   " + std::string(tr("catalog.builtin"));
    if (t["archived"] == true) line += "   " + std::string(tr("catalog.archived"));
    label(line.c_str());
    if (t["builtin"] != true && t["archived"] != true) {
      beside(button_width(tr_id("catalog.archive", std::string("archive-type-") + id).c_str()));
      if (ImGui::SmallButton(tr_id("catalog.archive", std::string("archive-type-") + id).c_str())) {
        run(commands, {{"cmd", "payment_type.archive"}, {"payment_type_id", id}}, state);
      }
    }
  }
  ImGui::Spacing();
  text_field(tr("catalog.payment_type_label"), "##new-payment-type", &state.payment_type_label);
  if (const std::string like = resembling(types, state.payment_type_label); !like.empty()) {
    label(fill(tr("catalog.payment_type_resembles"), {{"label", like}}).c_str());
  }
  if (ImGui::Button(tr_id("catalog.add_payment_type", "add-payment-type").c_str()) &&
      run(commands, {{"cmd", "payment_type.create"}, {"label", state.payment_type_label}}, state)) {
    state.payment_type_label.clear();
  }
  error_text(state.error_key);
}

void draw_tax_rates_settings(app::CommandLayer& commands, CatalogSettingsState& state) {
  heading(tr("catalog.tax_rates"));
  const app::Json rates = list_of(commands.query({{"cmd", "tax_rate.list"}}));
  for (const auto& r : rates) {
    std::string line = r["name"].get<std::string>() + "   " + percent(r["rate_bp"]);
    if (r["archived"] == true) line += "   " + std::string(tr("catalog.archived"));
    label(line.c_str());
  }
  ImGui::Spacing();
  text_field(tr("catalog.tax_name"), "##new-tax-name", &state.tax_name);
  text_field(tr("catalog.tax_rate"), "##new-tax-rate", &state.tax_rate, 120);
  if (ImGui::Button(tr_id("catalog.add_tax_rate", "add-tax-rate").c_str())) {
    auto bp = core::parse_percent(state.tax_rate);
    if (!bp) {
      state.error_key = "error.invalid_percent";
    } else if (run(commands, {{"cmd", "tax_rate.create"}, {"name", state.tax_name}, {"rate_bp", *bp}}, state)) {
      state.tax_name.clear();
      state.tax_rate.clear();
    }
  }
  error_text(state.error_key);
}

void draw_services_settings(app::CommandLayer& commands, CatalogSettingsState& state) {
  heading(tr("catalog.services"));
  const app::Json services = list_of(commands.query({{"cmd", "service.list"}}));
  if (services.empty()) label(tr("catalog.no_services"));
  for (const auto& s : services) {
    std::string line = s["code"].get<std::string>() + "   " + s["label"].get<std::string>() + "   " + money(s["unit_price"]);
    if (s["archived"] == true) line += "   " + std::string(tr("catalog.archived"));
    label(line.c_str());
  }
  ImGui::Spacing();
  text_field(tr("catalog.service_code"), "##new-service-code", &state.service_code, 120);
  text_field(tr("catalog.service_label"), "##new-service-label", &state.service_label);
  text_field(tr("catalog.service_price"), "##new-service-price", &state.service_price, 120);
  label(tr("editor.tax"));
  tax_rate_combo("##new-service-tax", tr("editor.tax"), list_of(commands.query({{"cmd", "tax_rate.list"}})), &state.service_tax_id, 240);
  if (ImGui::Button(tr_id("catalog.add_service", "add-service").c_str())) {
    auto price = parse_money(state.service_price);
    if (!price) {
      state.error_key = "error.invalid_amount";
    } else if (run(commands, {{"cmd", "service.create"}, {"code", state.service_code}, {"label", state.service_label},
                              {"unit_price", *price}, {"tax_rate_id", state.service_tax_id}},
                   state)) {
      state.service_code.clear();
      state.service_label.clear();
      state.service_price.clear();
    }
  }
  error_text(state.error_key);
}

}  // namespace quittance::ui
