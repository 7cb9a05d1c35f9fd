// The table of commands: each domain file (settings_commands.cpp, invoice_commands.cpp, …)
// adds its own. A handler reads its arguments from the context, writes through the database,
// and returns its result, or refuses (command_error.h).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/clock.h"
#include "core/roles.h"
#include "store/database.h"

namespace quittance::app {

using Json = nlohmann::json;

struct Context {
  store::Database& db;
  const Json& cmd;
  const std::string& command_id;  // "" for a query
  const std::string& actor;       // user id
  core::Role role;
  const Clock& clock;
  const std::string& series;  // the document number series of the device that made the command
  // True when the command is an operation replayed in the server's order (sync): it happened,
  // so money is never refused for arriving late. An allocation beyond what is now due is cut to
  // it, the rest staying as account credit, and flagged for review (review_flags).
  bool replaying = false;
  // Refuses with "forbidden" unless the actor's role grants `permission`.
  void require(core::Permission permission) const;
};

using Handler = Json (*)(Context&);

struct CommandSpec {
  const char* name;
  bool writes;                   // journaled, needs "id"
  core::Permission permission;   // checked before the handler runs
  Handler run;
};

using Registry = std::vector<CommandSpec>;

// The command of that name (queries included), or null. The one table every caller shares.
const CommandSpec* find_command(std::string_view name);

void add_settings_commands(Registry& r);
void add_catalog_commands(Registry& r);
void add_patient_commands(Registry& r);
void add_patient_merge_commands(Registry& r);  // patient_merge.cpp
void add_invoice_commands(Registry& r);
void add_payment_commands(Registry& r);
void add_report_commands(Registry& r);
void add_server_event_commands(Registry& r);
void add_export_commands(Registry& r);
void add_demo_commands(Registry& r);
void add_review_commands(Registry& r);
void add_template_commands(Registry& r);
void add_message_commands(Registry& r);
void add_payment_request_commands(Registry& r);
void add_appointment_commands(Registry& r);
void add_attestation_commands(Registry& r);  // attestation_commands.cpp
void add_receipts_journal_commands(Registry& r);  // receipts_journal.cpp
void add_fec_export_commands(Registry& r);        // fec_export.cpp
void add_document_email_commands(Registry& r);    // document_email_commands.cpp
void add_statement_commands(Registry& r);  // statement_commands.cpp
void add_books_upgrade_commands(Registry& r);  // books_upgrade.cpp

}  // namespace quittance::app
