// Communications (seed 001): the billing emails the clinic's server scheduled, sent or could
// not send, as it told this device — for the whole practice (« Communications » in the menu)
// or one patient (their « Communications » tab). A scheduled one can be cancelled, a failed one
// sent again; the server confirms at its next pass.
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "ui/paged_list.h"

namespace quittance::ui {

struct CommunicationsState {
  int filter = 0;  // index in the state choices: all, scheduled, sent, failed, cancelled
  PagedList list;
  std::string error_key;
};

// `patient_id` "" : every patient's. `paired`: whether a server sends them (else it says so).
void draw_communications(app::CommandLayer& commands, std::uint64_t data_version, CommunicationsState& state,
                         const std::string& patient_id, bool paired);

void draw_communications_screen(app::CommandLayer& commands, std::uint64_t data_version, CommunicationsState& state,
                                bool paired);

}  // namespace quittance::ui
