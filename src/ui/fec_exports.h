// The FEC files in « Exports pour le comptable » (app/fec_export.h): the receipts in the BNC
// cash-basis variant, or invoices and payments in the general format, over the screen's period;
// and « Comptes du FEC », the accounts they post to, which the accountant may ask to change.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "app/commands.h"

namespace quittance::ui {

struct ExportsState;

struct FecState {
  bool show_accounts = false;
  std::uint64_t loaded_version = UINT64_MAX;    // the books' version the fields were read at
  std::map<std::string, std::string> accounts;  // "revenue", "customers", "vat", "<payment type id>" → as typed
  app::Json chart;                              // accounting.chart's answer when read
  std::string message_key, error_key;           // the accounts' save
};

// The two downloads (buttons `button_width` wide, over state.from–state.to, said in
// state.csv_message) and the accounts, shown on demand.
void draw_fec_exports(app::CommandLayer& commands, std::uint64_t data_version, ExportsState& state, float button_width);

}  // namespace quittance::ui
