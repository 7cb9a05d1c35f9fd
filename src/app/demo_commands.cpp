// `demo.load` (Paramètres → Charger des données de démonstration): fills an empty clinic with
// the demo clinic of demo_data.h, ending at today.
//
// Each entity is written by a real command, run by a second CommandLayer on the same database
// and the same actor, so the journal records each one (dated on the day of the story it tells)
// before demo.load's own entry. They all nest in demo.load's transaction: the first refusal
// stops the story and undoes everything, so a failure leaves nothing. Their command ids are made
// from demo.load's id (demo::Options::id_salt): the clinic is the same each time it is built
// from the same id and day, and demo.load's answer, replayed by its id, stays true.
#include "app/args.h"
#include "app/command_error.h"
#include "app/demo_data.h"
#include "app/registry.h"

namespace quittance::app {

namespace {

Json demo_load(Context& ctx) {
  const std::string size = has(ctx.cmd, "size") ? require_string(ctx.cmd, "size", 20) : "small";
  std::optional<demo::Options> options = demo::options_for_size(size, ctx.clock.today());
  if (!options) refuse("invalid_argument", "size must be \"small\" or \"large\"", "size");
  {
    auto st = ctx.db.prepare("SELECT EXISTS(SELECT 1 FROM patients)");
    st.step();
    if (st.column_int64(0) != 0) {
      refuse("demo_not_empty", "the clinic already has patients: demo data is never mixed into real books");
    }
  }
  options->id_salt = ctx.command_id;

  demo::SimulatedClock clock(options->start);
  CommandLayer nested(ctx.db, clock.clock());
  nested.set_series(ctx.series);  // the operation's, on whichever device replays it
  if (!nested.set_actor(ctx.actor)) refuse("forbidden", "the current user cannot write");
  demo::Hooks hooks;
  hooks.after_command = [](const Json& cmd, const Json& answer) {
    if (answer.value("ok", false)) return;
    const Json e = answer.value("error", Json::object());
    // Thrown through the generator: demo.load's transaction is rolled back by the layer.
    refuse(e.value("code", "internal_error"),
           "demo.load: " + cmd.value("cmd", std::string()) + " refused: " + e.value("message", std::string()));
  };
  const demo::Report report = demo::generate_clinic(nested, clock, *options, hooks);
  return Json{{"size", size},
              {"patients", report.count("patient.create")},
              {"invoices", report.count("invoice.create")},
              {"payments", report.count("payment.create")},
              {"credit_notes", report.count("credit_note.create") + report.count("invoice.cancel")},
              {"refunds", report.count("refund.create")},
              {"commands", report.commands}};
}

}  // namespace

void add_demo_commands(Registry& r) { r.push_back({"demo.load", true, core::Permission::ManageSettings, demo_load}); }

}  // namespace quittance::app
