// Communications (seed 001): the billing emails the clinic's server scheduled, sent or could
// not send, as it told this device — for the whole practice (« Communications » in the menu)
// or one patient (their « Communications » tab). A scheduled one can be cancelled, a failed one
// sent again; the server confirms at its next pass.
#pragma once
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "sync/server_link.h"
#include "ui/paged_list.h"

namespace quittance::ui {

struct CommunicationsState {
  int filter = 0;  // index in the state choices: all, scheduled, sent, failed, cancelled
  PagedList list;
  std::string error_key;
  bool confirm_attestations = false;  // « Envoyer les attestations … » asked, not confirmed yet
  std::string attestations_sent;      // what the round queued
};

// Who sends this device's emails: no one yet (not paired), the clinic's server, or no one
// because this is the demo. The screens say so when it is not the server.
enum class MailSender { Unpaired, Server, Demo };
MailSender mail_sender(const sync::ServerLink* server);

// `patient_id` "" : every patient's.
void draw_communications(app::CommandLayer& commands, std::uint64_t data_version, CommunicationsState& state,
                         const std::string& patient_id, MailSender sender);

// The practice's emails, below the year's attestations for every patient who paid (the January
// round for the mutuelles: attestation.email_all), confirmed before anything is queued.
void draw_communications_screen(app::CommandLayer& commands, std::uint64_t data_version, CommunicationsState& state,
                                MailSender sender);

}  // namespace quittance::ui
