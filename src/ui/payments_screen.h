// « Paiements »: every payment the practice received, newest first, for a period (this month by
// default) and a payment type, with how many and how much. Deleted payments stay listed, marked,
// and out of the sum. A row leads to its patient, where it is edited or refunded.
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "ui/paged_list.h"

namespace quittance::ui {

struct PaymentsState {
  int period = 0;        // index in the period choices: this month, last month, this year, all
  std::string type_id;   // "" for every type
  PagedList list;
};

// Returns the patient whose row was opened this frame, or "".
std::string draw_payments_screen(app::CommandLayer& commands, std::uint64_t data_version, PaymentsState& state);

}  // namespace quittance::ui
