// Demo data: a realistic French practice told through the command layer. Its identity and a
// catalogue of acts (kinésithérapie, ostéopathie, psychologie, consultations, bilans; medical
// acts exempt from VAT, a workshop at 20 %), patients with French names (some minors billed to a
// parent, « Facturé à »), and their history: invoices of one to three lines, paid at the visit,
// in instalments or online (« Carte en ligne (Stripe) », with Stripe's fee), partly paid, unpaid
// of every age so aged receivables fills all its buckets, deposits used by « Payer depuis le
// compte », credit notes, cancellations, refunds, a few drafts.
//
// Two users: the `demo.load` command (Paramètres → Charger des données de démonstration,
// demo_commands.cpp) writes a small clinic in one transaction; the benchmark (tests/bench)
// writes a large one in batches. Every entity goes through the real command layer, so the
// database holds exactly what the product would have written, journal included, and a refused
// command is a bug — in the generator or in the product. No other I/O. Deterministic: the same
// options give the same clinic on every platform (the draws are our own, over mt19937_64).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/clock.h"
#include "app/commands.h"
#include "core/date.h"

namespace quittance::app::demo {

struct Options {
  int patients = 2000;
  int invoices = 100000;
  int payments = 150000;  // exactly this many payment.create, deposits included
  std::uint64_t seed = 42;
  core::Date start{2016, 1, 4};
  core::Date end{2026, 11, 20};  // the clinic's "today" when the story is told
  // "": entity ids (which are command ids) drawn from the seed. Otherwise each is a UUID made
  // from SHA-256 of this text and a counter: demo.load passes its own command id, so the ids
  // of what it writes are its own and the same every time it is answered.
  std::string id_salt;
};

// The sizes demo.load offers, ending at `today`: "small" (about 40 patients, a year) and
// "large" (about 150 patients, two years). nullopt for any other size.
std::optional<Options> options_for_size(std::string_view size, core::Date today);

// The story's calendar. The command layer takes its clock by value at construction, so it is
// given one whose functions read this object: the generator moves the date forward as its story
// goes, and what is dated "today" (a cancellation's credit note, the journal's instants) lands
// on the day it happens.
class SimulatedClock {
 public:
  explicit SimulatedClock(core::Date today) : today_(today) {}
  // Reads this object: it must outlive the CommandLayer built with it.
  Clock clock() const;
  void set_today(core::Date today) { today_ = today; }
  core::Date today() const { return today_; }

 private:
  core::Date today_;
};

struct Report {
  std::int64_t commands = 0;                        // writing commands sent
  std::int64_t refused = 0;                         // of which refused: anything but 0 is a bug
  std::vector<std::string> refusals;                // the first few, as "command -> answer"
  std::map<std::string, std::int64_t> per_command;  // writing commands sent, by name
  std::int64_t total_mismatches = 0;                // invoice totals differing from the core's arithmetic
  std::int64_t extra_deposits = 0;                  // deposits added only to reach the payment count
  double seconds = 0;                               // planning and telling, wall time
  // How many of `name` were sent.
  std::int64_t count(const std::string& name) const {
    auto it = per_command.find(name);
    return it == per_command.end() ? 0 : it->second;
  }
};

struct Hooks {
  // Called after each writing command with its answer. It may throw to stop the story
  // (demo.load stops at the first refusal) or commit a batch (the benchmark).
  std::function<void(const Json& command, const Json& answer)> after_command;
  // Receives a line now and then.
  std::function<void(const std::string&)> progress;
};

// Tells the story into `commands`' clinic, which must have no patients yet. `commands` must have
// been built with `clock.clock()`; the clock is left at options.end. Its commands run as
// `commands`' actor, who needs every permission (the owner); the few queries it makes
// (settings.get, patient.balance) go through it too.
Report generate_clinic(CommandLayer& commands, SimulatedClock& clock, const Options& options, const Hooks& hooks = {});

}  // namespace quittance::app::demo
