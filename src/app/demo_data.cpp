// The demo clinic's generator. See demo_data.h.
//
// Two passes. First a plan drawn from the seed: when each patient arrives, who comes on which
// day for which acts, and how each invoice ends (paid at once or in instalments, partly paid,
// due, paid from a deposit, corrected by a credit note, cancelled). Then the story told as
// commands in date order. Planning first is what makes the payment count exact and the order
// right: document numbers follow the calendar (invoice.issue refuses a date before the series'
// last one, and so does a credit note), so events must be replayed sorted by date.
#include "app/demo_data.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <initializer_list>
#include <iterator>
#include <random>

#include "app/command_id.h"
#include "core/fees.h"
#include "core/invoice_math.h"
#include "core/sha256.h"

namespace quittance::app::demo {

Clock SimulatedClock::clock() const {
  return Clock{[this] { return core::format_iso(today_) + "T09:00:00Z"; }, [this] { return today_; }};
}

namespace {

// Draws built on mt19937_64, whose output the standard fixes, rather than std::*_distribution,
// whose algorithms it leaves to the library: the same seed gives the same clinic everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t bits() { return engine_(); }
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  int between(int lo, int hi) {                                               // [lo, hi]
    return lo + static_cast<int>(engine_() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(double p) { return unit() < p; }
  // An index drawn in proportion to `weights`.
  int weighted(std::initializer_list<double> weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = unit() * total;
    int i = 0;
    for (double w : weights) {
      if (x < w) return i;
      x -= w;
      ++i;
    }
    return i - 1;
  }

 private:
  std::mt19937_64 engine_;
};

// Entity ids (which are command ids): version-4 UUIDs, as the interface would send, drawn
// from the seed, or made from SHA-256 of a salt and a counter (Options::id_salt).
class Ids {
 public:
  Ids(std::uint64_t seed, std::string salt) : random_(seed ^ 0x9e3779b97f4a7c15ULL), salt_(std::move(salt)) {}
  std::string next() {
    std::uint64_t hi = 0, lo = 0;
    if (salt_.empty()) {
      hi = random_.bits();
      lo = random_.bits();
    } else {
      core::Sha256 h;
      h.update(salt_);
      h.update("\x1f");
      h.update(std::to_string(++counter_));
      const auto digest = h.finish();
      for (int i = 0; i < 8; ++i) {
        hi = hi << 8 | digest[i];
        lo = lo << 8 | digest[8 + i];
      }
    }
    return format_uuid_v4(hi, lo);
  }

 private:
  Random random_;  // apart from the story's draws, so ids do not shift the story
  std::string salt_;
  std::uint64_t counter_ = 0;
};

template <class T, std::size_t N>
constexpr int count_of(const T (&)[N]) {
  return static_cast<int>(N);
}

// --- Names and places ----------------------------------------------------------------------

const char* const kWomen[] = {"Léa",    "Emma",    "Chloé",  "Manon",    "Camille",  "Inès",   "Jade",      "Louise",
                              "Zoé",    "Lina",    "Clara",  "Alice",    "Juliette", "Sarah",  "Anaïs",     "Mathilde",
                              "Élise",  "Margaux", "Océane", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise",
                              "Hélène", "Agnès",   "Maëlle", "Céline",   "Bérénice", "Noémie"};
const char* const kMen[] = {"Lucas",   "Hugo",    "Louis",  "Gabriel", "Jules",  "Arthur",   "Nathan",   "Théo",
                            "Raphaël", "Léo",     "Tom",    "Paul",    "Mathis", "Noé",      "Antoine",  "Maxime",
                            "Julien",  "Nicolas", "Thomas", "Pierre",  "Jérôme", "François", "Stéphane", "Benoît",
                            "Cédric",  "Rémi",    "Loïc",   "Adrien",  "Noël"};
const char* const kLastNames[] = {
    "Martin",     "Bernard",   "Thomas",  "Petit",   "Robert",  "Richard",  "Durand",   "Dubois",    "Moreau",
    "Laurent",    "Simon",     "Michel",  "Lefèvre", "Leroy",   "Roux",     "David",    "Bertrand",  "Morel",
    "Fournier",   "Girard",    "Bonnet",  "Dupont",  "Lambert", "Fontaine", "Rousseau", "Vincent",   "Muller",
    "Faure",      "André",     "Mercier", "Blanc",   "Guérin",  "Boyer",    "Garnier",  "Chevalier", "Legrand",
    "Gauthier",   "Perrin",    "Robin",   "Clément", "Morin",   "Henry",    "Roussel",  "Mathieu",   "Masson",
    "Marchand",   "Duval",     "Denis",   "Dumont",  "Lemaire", "Noël",     "Meyer",    "Dufour",    "Meunier",
    "Brun",       "Blanchard", "Giraud",  "Joly",    "Rivière", "Le Gall",  "Da Silva", "Lévêque",   "Prévost",
    "Barthélemy", "Ménard",    "Carré",   "Crête",   "Dupré",   "Œuvrard"};
const char* const kStreets[] = {"rue de la République",
                                "avenue Jean Jaurès",
                                "rue Victor Hugo",
                                "cours Lafayette",
                                "rue Garibaldi",
                                "boulevard des Belges",
                                "rue Paul Bert",
                                "chemin des Pins",
                                "rue du Professeur Grignard",
                                "place Bellecour",
                                "montée de la Grande-Côte",
                                "avenue des Frères Lumière"};
const char* const kTowns[] = {"69001 Lyon",         "69003 Lyon",      "69006 Lyon",   "69007 Lyon",
                              "69100 Villeurbanne", "69500 Bron",      "69130 Écully", "69300 Caluire-et-Cuire",
                              "69800 Saint-Priest", "69200 Vénissieux"};
const char* const kMutuelles[] = {"MGEN", "Harmonie Mutuelle", "Malakoff Humanis", "AG2R La Mondiale",
                                  "Alan", "MAAF Santé",        "Swiss Life",       "April"};
const char* const kDoctors[] = {"Dr Martin", "Dr Nguyen", "Dr Benali", "Dr Lefort", "Dr Rossi", "Dr Chabert"};
const char* const kCancelReasons[] = {"Facture émise par erreur", "Erreur de patient", "Séance annulée par le patient",
                                      "Doublon de facture", "Erreur sur le tarif"};

// The practice's identity (settings.set), written only where the clinic has none yet. The SIRET
// passes the Luhn check, as a real one does.
const std::pair<const char*, const char*> kPractice[] = {
    {"practice.name", "Cabinet pluridisciplinaire du Parc"},
    {"practice.address", "8 allée du Parc, 69006 Lyon"},
    {"practice.siret", "81234567600017"},
    {"practice.cancellation_terms", "Toute séance non décommandée au moins 24 heures à l'avance pourra être facturée."},
};

// Lower-case ASCII for an e-mail address: French accents and ligatures folded, spaces as dots.
std::string email_part(const std::string& name) {
  static const std::pair<const char*, const char*> kFold[] = {
      {"é", "e"}, {"è", "e"}, {"ê", "e"},  {"ë", "e"},  {"É", "e"}, {"È", "e"}, {"à", "a"},
      {"â", "a"}, {"î", "i"}, {"ï", "i"},  {"ô", "o"},  {"ö", "o"}, {"ù", "u"}, {"û", "u"},
      {"ü", "u"}, {"ç", "c"}, {"œ", "oe"}, {"Œ", "oe"}, {"æ", "ae"}};
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    bool folded = false;
    for (const auto& [from, to] : kFold) {
      const std::string f = from;
      if (name.compare(i, f.size(), f) == 0) {
        out += to;
        i += f.size();
        folded = true;
        break;
      }
    }
    if (folded) continue;
    const char c = name[i++];
    if (c == ' ')
      out += '.';
    else if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else
      out += c;
  }
  return out;
}

// --- The catalogue -----------------------------------------------------------------------------

enum class Discipline : std::uint8_t { Kine, Osteo, Psy, Consult };

struct Act {
  const char* code;
  const char* label;
  std::int64_t price;  // cents
  bool vat;            // TVA 20 % (a non-therapeutic workshop); medical acts are exempt
  bool free_text;      // typed on the invoice, not a catalogue service
};

// clang-format off
enum ActIndex : std::int8_t {
  AMK8, AMS75, BDK, IFD, DRL, OST, OST_NRS, OST_SPT, OST_1, PSY, PSY_MSP, PSY_ENF, PSY_CPL, PSY_BIL, BIL_NPS,
  CS, CS_1, TLC, BIL_POS, CERT, ATL
};
// clang-format on

const Act kActs[] = {
    {"AMK", "Séance de kinésithérapie (AMK 8)", 1720, false, false},
    {"AMS", "Rééducation du rachis (AMS 7,5)", 1613, false, false},
    {"AMK-BDK", "Bilan-diagnostic kinésithérapique", 5000, false, false},
    {"IFD", "Indemnité forfaitaire de déplacement", 250, false, false},
    {"AMK-DLM", "Drainage lymphatique manuel", 2500, false, false},
    {"OST", "Séance d'ostéopathie", 6000, false, false},
    {"OST-NRS", "Ostéopathie du nourrisson", 5500, false, false},
    {"OST-SPT", "Ostéopathie du sportif", 7000, false, false},
    {"OST-1", "Bilan ostéopathique (première consultation)", 7000, false, false},
    {"PSY", "Séance de psychothérapie (45 min)", 6000, false, false},
    {"PSY-MSP", "Séance « Mon soutien psy »", 5000, false, false},
    {"PSY-ENF", "Consultation psychologique enfant", 5500, false, false},
    {"PSY-CPL", "Thérapie de couple (1 h 15)", 9000, false, false},
    {"PSY-BIL", "Bilan psychologique", 25000, false, false},
    {"PSY-BNP", "Bilan neuropsychologique", 38000, false, false},
    {"CS", "Consultation", 3000, false, false},
    {"CS-1", "Première consultation", 5000, false, false},
    {"TLC", "Téléconsultation", 2500, false, false},
    {"BIL-POS", "Bilan postural", 8000, false, false},
    {"CERT", "Certificat de non contre-indication au sport", 2500, false, true},
    {"ATL", "Atelier collectif de prévention du dos", 3000, true, false},
};

// --- The plan ----------------------------------------------------------------------------------

struct Patient {
  std::string id, contact_id;  // contact: the parent a minor's invoices go to
  std::int32_t arrival = 0;    // day number of the first visit (and of patient.create)
  Discipline discipline = Discipline::Consult;
  ActIndex main_act = CS;
  bool female = false, minor = false, home = false, student = false;
  int first = 0, last = 0;
};

enum class Fate : std::uint8_t { Paid, PartlyPaid, Due, Draft, Deposit, CreditNote, Cancelled };

struct PlannedLine {
  std::int8_t act;
  std::int16_t days_before;  // service date = issue date - days_before
};

struct PlannedInvoice {
  std::string id;
  std::int32_t day = 0;
  std::int32_t patient = 0;
  Fate fate = Fate::Paid;
  std::uint8_t slots = 0;  // payment.create commands for this invoice
  std::uint8_t line_count = 0;
  bool to_contact = false, kine_prescription = false;
  PlannedLine lines[3]{};
  std::int64_t total = 0;
  std::int64_t last_line = 0;  // the last line's total: what a credit note for a session not given is
  std::int64_t part = 0;       // PartlyPaid: what is paid; CreditNote: the credit note's amount
  bool refund = false;         // must be refunded: Cancelled, its payment; Deposit, what the invoice left of it
  // Set as the story is told: the payment of a cancelled invoice, which its refund draws on.
  std::string payment_id, payment_type;
};

// In the order they happen within a day: a patient exists before a deposit, a deposit before
// the invoice it pays, an invoice before its payments, a credit note before the rest is paid.
// A refund comes last: of a cancelled invoice's payment (the day it is cancelled, so nothing
// else draws on that payment meanwhile) or of what a deposit left on the account.
enum class Kind : std::uint8_t {
  Patient,
  Deposit,
  ExtraDeposit,
  Issue,
  CreditNote,
  Payment,
  PayFromAccount,
  Cancel,
  Refund
};

struct Event {
  std::int32_t day;
  Kind kind;
  std::uint8_t part;     // which instalment
  std::int32_t subject;  // invoice index; patient index for Patient and ExtraDeposit
};

// 0 = Monday; 1970-01-01 was a Thursday.
int weekday(std::int64_t day) { return static_cast<int>(((day % 7) + 7 + 3) % 7); }

// How busy a day is: closed on Sundays, short Saturdays, quieter in August and at Christmas,
// and a practice that grows over the years.
double day_weight(std::int64_t day, double progress) {
  const int wd = weekday(day);
  if (wd == 6) return 0;
  const core::Date d = core::civil_from_days(day);
  double w = wd == 5 ? 0.35 : 1.0;
  if (d.month == 8) w *= 0.45;
  if ((d.month == 12 && d.day >= 24) || (d.month == 1 && d.day == 1)) w *= 0.2;
  return w * (0.55 + 0.9 * progress);
}

// The line as the invoice has it: the act's price and rate, the student rate in psychology.
core::LineInput line_input(const Act& act, const Patient& p) {
  core::LineInput in;
  in.unit_price = act.price;
  in.tax_rate_bp = act.vat ? 2000 : 0;
  if (p.student && p.discipline == Discipline::Psy) {
    in.discount_kind = core::DiscountKind::Percent;
    in.discount_value = 2000;
  }
  return in;
}

// The invoice's total by the core's arithmetic (the command's answer is checked against it);
// keeps its last line's.
std::int64_t invoice_total(PlannedInvoice& inv, const Patient& p) {
  std::vector<core::LineAmounts> amounts;
  for (int i = 0; i < inv.line_count; ++i)
    amounts.push_back(core::compute_line(line_input(kActs[inv.lines[i].act], p)).amounts);
  inv.last_line = amounts.empty() ? 0 : amounts.back().total;
  return core::sum_lines(amounts).value_or(core::DocumentTotals{}).total;
}

void plan_lines(PlannedInvoice& inv, const Patient& p, bool first_visit, Random& r) {
  auto add = [&](std::int8_t act, int days_before) {
    if (inv.line_count < 3) inv.lines[inv.line_count++] = {act, static_cast<std::int16_t>(days_before)};
  };
  // Sessions grouped on one invoice, oldest first, `gap` days apart or so.
  auto sessions = [&](std::int8_t act, int n, int gap_lo, int gap_hi) {
    int offsets[3] = {0, 0, 0};
    for (int i = 1; i < n; ++i) offsets[i] = offsets[i - 1] + r.between(gap_lo, gap_hi);
    for (int i = n - 1; i >= 0; --i) add(act, offsets[i]);
  };
  switch (p.discipline) {
    case Discipline::Kine:
      if (first_visit) {
        add(BDK, 0);
        add(p.main_act, 0);
      } else {
        int n = r.weighted({40, 35, 25}) + 1;
        if (p.home) n = std::min(n, 2);
        sessions(p.main_act, n, 2, 5);
        inv.kine_prescription = true;
      }
      if (p.home) add(IFD, 0);
      if (r.chance(0.04)) add(ATL, 0);
      break;
    case Discipline::Osteo:
      add(first_visit && !p.minor ? OST_1 : p.main_act, 0);
      if (r.chance(0.04)) add(ATL, 0);
      break;
    case Discipline::Psy:
      if (first_visit && !p.minor && r.chance(0.35)) {
        add(r.chance(0.15) ? BIL_NPS : PSY_BIL, 0);
      } else {
        sessions(p.main_act, r.weighted({75, 18, 7}) + 1, 7, 7);  // weekly sessions, invoiced monthly
      }
      break;
    case Discipline::Consult:
      if (first_visit) {
        add(CS_1, 0);
      } else {
        switch (r.weighted({60, 25, 10, 5})) {
          case 0:
            add(CS, 0);
            break;
          case 1:
            add(TLC, 0);
            break;
          case 2:
            add(BIL_POS, 0);
            break;
          default:
            add(CS, 0);
            add(CERT, 0);
            break;
        }
      }
      break;
  }
  // No service before the patient's first visit.
  for (int i = 0; i < inv.line_count; ++i) {
    inv.lines[i].days_before =
        static_cast<std::int16_t>(std::min<std::int32_t>(inv.lines[i].days_before, inv.day - p.arrival));
  }
}

const ActIndex kKineActs[] = {AMK8, AMS75, DRL};
const ActIndex kPsyActs[] = {PSY, PSY_MSP, PSY_CPL};

Patient plan_patient(Random& r, Ids& ids) {
  Patient p;
  p.id = ids.next();
  p.female = r.chance(0.58);
  p.first = r.between(0, (p.female ? count_of(kWomen) : count_of(kMen)) - 1);
  p.last = r.between(0, count_of(kLastNames) - 1);
  p.discipline = static_cast<Discipline>(r.weighted({40, 20, 28, 12}));
  switch (p.discipline) {
    case Discipline::Kine:
      p.minor = r.chance(0.05);
      p.main_act = kKineActs[r.weighted({55, 30, 15})];
      p.home = !p.minor && r.chance(0.12);
      break;
    case Discipline::Osteo:
      p.minor = r.chance(0.15);
      p.main_act = p.minor ? OST_NRS : (r.chance(0.8) ? OST : OST_SPT);
      break;
    case Discipline::Psy:
      p.minor = r.chance(0.2);
      p.main_act = p.minor ? PSY_ENF : kPsyActs[r.weighted({55, 30, 15})];
      p.student = !p.minor && p.main_act != PSY_CPL && r.chance(0.12);
      break;
    case Discipline::Consult:
      p.main_act = CS;
      break;
  }
  if (p.minor) p.contact_id = ids.next();
  return p;
}

// A deposit taken ahead of an invoice: a round sum, 50 € at a time; what is left stays as credit.
std::int64_t deposit_for(std::int64_t total) { return (total + 4999) / 5000 * 5000; }

// Gives an invoice its fate, and what goes with it: how many payments, and the part paid or
// credited.
void set_fate(PlannedInvoice& inv, Fate fate, Random& r) {
  inv.fate = fate;
  inv.slots = 0;
  inv.part = 0;
  switch (fate) {
    case Fate::Due:
    case Fate::Draft:
      break;
    case Fate::PartlyPaid:
      inv.slots = 1;
      inv.part = std::clamp<std::int64_t>(inv.total * r.between(30, 70) / 100 / 100 * 100, 100, inv.total - 1);
      break;
    case Fate::Cancelled:
      inv.slots = r.chance(0.5) ? 1 : 0;
      break;
    case Fate::CreditNote:
      inv.slots = r.chance(0.85) ? 1 : 0;
      // A session not given (the last line) or a gesture on a single act.
      inv.part = inv.line_count > 1 ? inv.last_line
                                    : std::max<std::int64_t>(100, inv.total * r.between(30, 50) / 100 / 100 * 100);
      inv.part = std::min(inv.part, inv.total - 1);
      break;
    case Fate::Deposit:
      inv.slots = 1;
      break;
    case Fate::Paid:
      inv.slots = static_cast<std::uint8_t>(r.weighted({56, 30, 11, 3}) + 1);
      break;
  }
}

// How an invoice ends: mostly paid, but recent invoices are often still open and a few old
// ones never get paid, so every bucket of aged receivables has something in it.
void plan_fate(PlannedInvoice& inv, std::int32_t end_day, Random& r) {
  const int age = end_day - inv.day;
  double due = 0.008, partly = 0.004, draft = 0.0005;  // a few drafts forgotten long ago
  if (age <= 30)
    due = 0.30, partly = 0.08, draft = 0.01;
  else if (age <= 60)
    due = 0.10, partly = 0.05;
  else if (age <= 90)
    due = 0.05, partly = 0.03;
  const bool bilan = inv.total >= 20000;
  const double deposit = bilan ? 0.5 : 0.03;
  static const Fate kFates[] = {Fate::Due,        Fate::PartlyPaid, Fate::Draft, Fate::Cancelled,
                                Fate::CreditNote, Fate::Deposit,    Fate::Paid};
  set_fate(inv, kFates[r.weighted({due, partly, draft, 0.006, 0.015, deposit, 1.0})], r);
}

// A small clinic (the demo's) drawn by the odds above could miss a case: it must still show
// every status, every age of unpaid invoice, deposits, credit notes, a cancellation and refunds.
// What is missing is taken from paid invoices of the right age. A large clinic has all of it
// already and is left as drawn.
void ensure_variety(std::vector<PlannedInvoice>& invoices, std::int32_t end_day, Random& r) {
  constexpr int kAny = 1 << 30;
  struct Quota {
    Fate fate;
    int min_age, max_age;  // days before the end
    int count;
  };
  static const Quota kQuotas[] = {
      {Fate::Due, 0, 30, 2},         {Fate::Due, 31, 60, 2},       {Fate::Due, 61, 90, 2},
      {Fate::Due, 91, kAny, 2},      {Fate::PartlyPaid, 0, 60, 1}, {Fate::PartlyPaid, 61, kAny, 2},
      {Fate::Draft, 0, 10, 3},       {Fate::Deposit, 0, kAny, 3},  {Fate::CreditNote, 0, kAny, 2},
      {Fate::Cancelled, 0, kAny, 2},
  };
  for (const Quota& q : kQuotas) {
    int have = 0;
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < invoices.size(); ++i) {
      const PlannedInvoice& inv = invoices[i];
      const int age = end_day - inv.day;
      if (age < q.min_age || age > q.max_age) continue;
      if (inv.fate == q.fate) ++have;
      if (inv.fate == Fate::Paid && inv.total > 200) candidates.push_back(i);
    }
    for (; have < q.count && !candidates.empty(); ++have) {
      const std::size_t pick = r.bits() % candidates.size();
      set_fate(invoices[candidates[pick]], q.fate, r);
      candidates.erase(candidates.begin() + static_cast<std::ptrdiff_t>(pick));
    }
  }
  // Refunds: of a cancelled invoice's payment, and of what a deposit left over.
  auto paid_cancelled = [](const PlannedInvoice& inv) { return inv.fate == Fate::Cancelled && inv.slots > 0; };
  if (std::none_of(invoices.begin(), invoices.end(), paid_cancelled)) {
    auto it = std::find_if(invoices.begin(), invoices.end(),
                           [](const PlannedInvoice& inv) { return inv.fate == Fate::Cancelled; });
    if (it != invoices.end()) it->slots = 1;
  }
  auto ensure_refund = [&](auto&& refundable) {
    if (std::any_of(invoices.begin(), invoices.end(),
                    [&](const PlannedInvoice& inv) { return refundable(inv) && inv.refund; }))
      return;
    auto it = std::find_if(invoices.begin(), invoices.end(), refundable);
    if (it != invoices.end()) it->refund = true;
  };
  ensure_refund(paid_cancelled);
  ensure_refund(
      [](const PlannedInvoice& inv) { return inv.fate == Fate::Deposit && deposit_for(inv.total) > inv.total; });
}

// Adjusts instalment counts (1 to 4) so the invoices take exactly `target` payments; returns
// how many deposits must be added to reach it when instalments alone cannot.
std::int64_t balance_payments(std::vector<PlannedInvoice>& invoices, std::int64_t target, Random& r) {
  std::int64_t slots = 0;
  for (const PlannedInvoice& inv : invoices) slots += inv.slots;
  std::vector<std::size_t> order(invoices.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[r.bits() % i]);
  for (int pass = 0; pass < 4 && slots < target; ++pass) {
    for (std::size_t i : order) {
      if (slots >= target) break;
      PlannedInvoice& inv = invoices[i];
      if (inv.fate == Fate::Paid && inv.slots < 4) ++inv.slots, ++slots;
    }
  }
  for (int pass = 0; pass < 4 && slots > target; ++pass) {
    for (std::size_t i : order) {
      if (slots <= target) break;
      PlannedInvoice& inv = invoices[i];
      if (inv.fate == Fate::Paid && inv.slots > 1) --inv.slots, --slots;
    }
  }
  // Still too many (a tiny payment count): leave invoices unpaid.
  for (std::size_t i : order) {
    if (slots <= target) break;
    PlannedInvoice& inv = invoices[i];
    if (inv.slots == 0) continue;
    slots -= inv.slots;
    inv.slots = 0;
    if (inv.fate != Fate::Cancelled && inv.fate != Fate::CreditNote) inv.fate = Fate::Due;
  }
  return std::max<std::int64_t>(0, target - slots);
}

// Instalment `i` of `k`: whole euros, the last one takes the rest.
std::int64_t instalment(std::int64_t total, int k, int i) {
  std::int64_t share = total / k;
  if (share >= 100) share -= share % 100;
  return i + 1 < k ? share : total - share * (k - 1);
}

// How a payment is made. At the visit, mostly by card at the terminal; later, by transfer (the
// mutuelle's part), cheque or the payment link of an e-mail (« Carte en ligne (Stripe) »);
// a deposit, often online when the appointment is booked (seed 004).
const char* payment_type(Random& r, int role) {  // 0: at the visit, 1: later, 2: deposit
  static const char* const kTypes[] = {"card_terminal", "cheque", "cash", "transfer", "card_online"};
  switch (role) {
    case 0:
      return kTypes[r.weighted({50, 25, 15, 10, 4})];
    case 1:
      return kTypes[r.weighted({15, 30, 0, 40, 25})];
    default:
      return kTypes[r.weighted({15, 30, 0, 25, 30})];
  }
}

}  // namespace

std::optional<Options> options_for_size(std::string_view size, core::Date today) {
  Options o;
  int days = 0;  // of history, today included
  if (size == "small") {
    o.patients = 40, o.invoices = 320, o.payments = 360, days = 365;
  } else if (size == "large") {
    o.patients = 150, o.invoices = 2400, o.payments = 2700, days = 730;
  } else {
    return std::nullopt;
  }
  o.end = today;
  o.start = core::civil_from_days(core::days_from_civil(today) - (days - 1));
  return o;
}

Report generate_clinic(CommandLayer& commands, SimulatedClock& clock, const Options& options, const Hooks& hooks) {
  const auto started = std::chrono::steady_clock::now();
  Report report;
  Random r(options.seed);
  Ids ids(options.seed, options.id_salt);
  const std::int32_t start_day = static_cast<std::int32_t>(core::days_from_civil(options.start));
  const std::int32_t end_day = static_cast<std::int32_t>(core::days_from_civil(options.end));
  const int n_invoices = std::max(1, options.invoices);
  const int n_patients = std::max(1, options.patients);

  // Issue days: drawn from the days' weights, sorted.
  std::vector<double> cumulative;
  double sum = 0;
  for (std::int32_t d = start_day; d <= end_day; ++d) {
    sum += day_weight(d, static_cast<double>(d - start_day) / std::max(1, end_day - start_day));
    cumulative.push_back(sum);
  }
  std::vector<PlannedInvoice> invoices(static_cast<std::size_t>(n_invoices));
  for (PlannedInvoice& inv : invoices) {
    const auto at = std::upper_bound(cumulative.begin(), cumulative.end(), r.unit() * sum) - cumulative.begin();
    inv.day = start_day + static_cast<std::int32_t>(std::min<std::ptrdiff_t>(at, end_day - start_day));
  }
  std::sort(invoices.begin(), invoices.end(),
            [](const PlannedInvoice& a, const PlannedInvoice& b) { return a.day < b.day; });

  // Patients arrive in step with the invoices; a visit is mostly from someone in an ongoing
  // course of care (the latest arrivals), otherwise anyone who has come before.
  std::vector<Patient> patients;
  std::vector<std::int64_t> arrival_index(static_cast<std::size_t>(n_patients));
  for (int k = 0; k < n_patients; ++k) {
    patients.push_back(plan_patient(r, ids));
    arrival_index[k] = static_cast<std::int64_t>(k) * n_invoices / n_patients;
    patients[k].arrival = invoices[arrival_index[k]].day;
  }
  const int recent_window = std::max(10, n_patients / 20);
  int arrived = 0;
  for (int j = 0; j < n_invoices; ++j) {
    PlannedInvoice& inv = invoices[j];
    inv.id = ids.next();
    bool first_visit = false;
    int first_of = -1;
    while (arrived < n_patients && arrival_index[arrived] <= j) {
      if (arrival_index[arrived] == j && first_of < 0) first_of = arrived;
      ++arrived;
    }
    if (first_of >= 0) {
      inv.patient = first_of;
      first_visit = true;
    } else if (r.chance(0.65)) {
      inv.patient = arrived - 1 - r.between(0, std::min(arrived, recent_window) - 1);
    } else {
      inv.patient = r.between(0, arrived - 1);
    }
    const Patient& p = patients[inv.patient];
    plan_lines(inv, p, first_visit, r);
    inv.to_contact = p.minor && r.chance(0.85);
    inv.total = invoice_total(inv, p);
    plan_fate(inv, end_day, r);
  }
  ensure_variety(invoices, end_day, r);
  report.extra_deposits = balance_payments(invoices, std::max(0, options.payments), r);

  // The story, as dated events.
  std::vector<Event> events;
  events.reserve(static_cast<std::size_t>(n_invoices) * 3 + patients.size());
  for (int k = 0; k < n_patients; ++k) events.push_back({patients[k].arrival, Kind::Patient, 0, k});
  for (std::int64_t i = 0; i < report.extra_deposits; ++i) {
    const int k = r.between(0, n_patients - 1);
    events.push_back({r.between(patients[k].arrival, end_day), Kind::ExtraDeposit, 0, k});
  }
  auto clamp_day = [&](std::int64_t d) { return static_cast<std::int32_t>(std::min<std::int64_t>(d, end_day)); };
  for (int j = 0; j < n_invoices; ++j) {
    const PlannedInvoice& inv = invoices[j];
    events.push_back({inv.day, Kind::Issue, 0, j});
    switch (inv.fate) {
      case Fate::Paid: {
        std::int64_t d = inv.day + (r.chance(0.8) ? 0 : r.between(1, 20));
        for (int i = 0; i < inv.slots; ++i) {
          events.push_back({clamp_day(d), Kind::Payment, static_cast<std::uint8_t>(i), j});
          d += r.between(10, 45);
        }
        break;
      }
      case Fate::PartlyPaid:
        events.push_back({clamp_day(inv.day + (r.chance(0.6) ? 0 : r.between(1, 15))), Kind::Payment, 0, j});
        break;
      case Fate::Deposit: {
        events.push_back({std::max(patients[inv.patient].arrival, inv.day - r.between(0, 21)), Kind::Deposit, 0, j});
        events.push_back({inv.day, Kind::PayFromAccount, 0, j});
        // What is left of the deposit is refunded at the end of the course of care, or kept.
        const std::int32_t on = clamp_day(inv.day + r.between(15, 60));
        if ((r.chance(0.25) || inv.refund) && deposit_for(inv.total) > inv.total)
          events.push_back({on, Kind::Refund, 0, j});
        break;
      }
      case Fate::CreditNote: {
        const std::int32_t cn = clamp_day(inv.day + r.between(1, 25));
        events.push_back({cn, Kind::CreditNote, 0, j});
        if (inv.slots) events.push_back({clamp_day(cn + r.between(0, 20)), Kind::Payment, 0, j});
        break;
      }
      case Fate::Cancelled: {
        if (inv.slots) events.push_back({inv.day, Kind::Payment, 0, j});
        const std::int32_t on = clamp_day(inv.day + r.between(0, 15));
        events.push_back({on, Kind::Cancel, 0, j});
        // Its payment, now account credit, mostly goes back to the patient the same day.
        if ((r.chance(0.7) || inv.refund) && inv.slots) events.push_back({on, Kind::Refund, 0, j});
        break;
      }
      case Fate::Due:
      case Fate::Draft:
        break;
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.day != b.day ? a.day < b.day : a.kind < b.kind; });

  // --- Telling it through the command layer ---------------------------------------------------
  auto send = [&](Json cmd) -> Json {
    if (!cmd.contains("id")) cmd["id"] = ids.next();
    Json answer = commands.exec(cmd);
    ++report.commands;
    ++report.per_command[cmd["cmd"].get<std::string>()];
    if (answer["ok"] != true) {
      ++report.refused;
      if (report.refusals.size() < 10) report.refusals.push_back(cmd.dump() + " -> " + answer.dump());
    }
    if (hooks.after_command) hooks.after_command(cmd, answer);
    return answer;
  };
  auto iso = [](std::int64_t day) { return core::format_iso(core::civil_from_days(day)); };
  auto cheque_number = [&] { return "Chèque n° " + std::to_string(r.between(1000000, 9999999)); };
  // Stripe's fee on a card payment, kept with it for the accounts (seed 002).
  const core::FeeSchedule card_fees = core::fee_schedule_for("card").value();
  auto pay = [&](PlannedInvoice& inv, std::int32_t day, std::int64_t amount, int role) {
    const std::string id = ids.next();
    const char* type = payment_type(r, role);
    Json cmd = {{"cmd", "payment.create"},
                {"id", id},
                {"patient_id", patients[inv.patient].id},
                {"payment_type_id", type},
                {"amount", amount},
                {"paid_on", iso(day)},
                {"allocations", {{{"invoice_id", inv.id}, {"amount", amount}}}}};
    if (cmd["payment_type_id"] == "cheque") cmd["reference"] = cheque_number();
    if (cmd["payment_type_id"] == "transfer" && role == 1) {
      cmd["reference"] = std::string("VIR ") + kMutuelles[r.between(0, count_of(kMutuelles) - 1)] + " " +
                         std::to_string(r.between(100000, 999999));
      cmd["note"] = "Part complémentaire (mutuelle)";
    }
    // No processor_ref: these payments are not in Stripe, so a refund of one is recorded by hand.
    if (cmd["payment_type_id"] == "card_online") {
      cmd["fee"] = core::fee_for(amount, card_fees);
      cmd["note"] = "Lien de paiement envoyé par e-mail";
    }
    send(std::move(cmd));
    inv.payment_id = id;
    inv.payment_type = type;
  };
  auto deposit = [&](const Patient& p, std::int32_t day, std::int64_t amount) {
    Json cmd = {{"cmd", "payment.create"}, {"patient_id", p.id},  {"payment_type_id", payment_type(r, 2)},
                {"amount", amount},        {"paid_on", iso(day)}, {"note", "Acompte"}};
    if (cmd["payment_type_id"] == "cheque") cmd["reference"] = cheque_number();
    if (cmd["payment_type_id"] == "card_online") {
      cmd["fee"] = core::fee_for(amount, card_fees);
      cmd["note"] = "Acompte réglé en ligne à la prise de rendez-vous";
    }
    send(std::move(cmd));
  };

  // The practice: its identity where none is set yet, its VAT rates, its acts.
  clock.set_today(options.start);
  for (const auto& [key, value] : kPractice) {
    const Json current = commands.query({{"cmd", "settings.get"}, {"key", key}});
    if (current["ok"] == true && current["result"] == "")
      send({{"cmd", "settings.set"}, {"key", key}, {"value", value}});
  }
  auto tax_rate = [&](const char* name, int rate_bp, const char* fallback) -> std::string {
    Json answer = send({{"cmd", "tax_rate.create"}, {"name", name}, {"rate_bp", rate_bp}});
    return answer["ok"] == true ? answer["result"]["tax_rate_id"].get<std::string>() : fallback;
  };
  const std::string vat = tax_rate("TVA 20 %", 2000, "exempt");
  // Medical and paramedical care (art. 261-4-1° CGI); the built-in « Exonéré de TVA » stays.
  const std::string exempt = tax_rate("Exonéré (art. 261-4-1° CGI)", 0, "exempt");
  std::vector<std::string> service_ids(std::size(kActs));
  for (std::size_t a = 0; a < std::size(kActs); ++a) {
    if (kActs[a].free_text) continue;
    service_ids[a] = ids.next();
    Json cmd = {{"cmd", "service.create"},
                {"id", service_ids[a]},
                {"code", kActs[a].code},
                {"label", kActs[a].label},
                {"unit_price", kActs[a].price}};
    cmd["tax_rate_id"] = kActs[a].vat ? vat : exempt;
    send(std::move(cmd));
  }

  std::size_t done = 0, next_report = events.size() / 10;
  for (const Event& e : events) {
    clock.set_today(core::civil_from_days(e.day));
    switch (e.kind) {
      case Kind::Patient: {
        const Patient& p = patients[e.subject];
        const std::string first = p.female ? kWomen[p.first] : kMen[p.first], last = kLastNames[p.last];
        Json cmd = {
            {"cmd", "patient.create"}, {"id", p.id}, {"name", first + " " + last}, {"reminders", r.chance(0.9)}};
        if (r.chance(0.7))
          cmd["email"] = email_part(first) + "." + email_part(last) + std::to_string(r.between(1, 99)) + "@exemple.fr";
        if (r.chance(0.85)) {
          char phone[32];
          std::snprintf(phone, sizeof phone, "0%d %02d %02d %02d %02d", r.chance(0.8) ? 6 : 4, r.between(0, 99),
                        r.between(0, 99), r.between(0, 99), r.between(0, 99));
          cmd["phone"] = phone;
        }
        if (r.chance(0.6)) {
          cmd["address"] = std::to_string(r.between(1, 120)) + " " + kStreets[r.between(0, count_of(kStreets) - 1)] +
                           ", " + kTowns[r.between(0, count_of(kTowns) - 1)];
        }
        send(std::move(cmd));
        if (p.minor) {
          const bool mother = r.chance(0.6);
          const std::string parent =
              mother ? kWomen[r.between(0, count_of(kWomen) - 1)] : kMen[r.between(0, count_of(kMen) - 1)];
          send({{"cmd", "contact.create"},
                {"id", p.contact_id},
                {"patient_id", p.id},
                {"name", parent + " " + last},
                {"relation", mother ? "Mère" : "Père"},
                {"email", email_part(parent) + "." + email_part(last) + "@exemple.fr"}});
        }
        break;
      }
      case Kind::Issue: {
        const PlannedInvoice& inv = invoices[e.subject];
        const Patient& p = patients[inv.patient];
        Json lines = Json::array();
        for (int i = 0; i < inv.line_count; ++i) {
          const Act& act = kActs[inv.lines[i].act];
          Json line = {{"service_date", iso(inv.day - inv.lines[i].days_before)}};
          if (act.free_text) {
            line["label"] = act.label;
            line["unit_price"] = act.price;
          } else {
            line["service_id"] = service_ids[inv.lines[i].act];
          }
          if (p.student && p.discipline == Discipline::Psy) line["discount_percent"] = "20";
          lines.push_back(std::move(line));
        }
        Json cmd = {{"cmd", "invoice.create"}, {"id", inv.id}, {"patient_id", p.id}, {"lines", std::move(lines)}};
        if (inv.to_contact) cmd["contact_id"] = p.contact_id;
        if (inv.kine_prescription) {
          cmd["notes"] = std::string("Prescription du ") + kDoctors[r.between(0, count_of(kDoctors) - 1)] + " du " +
                         core::format_fr(core::civil_from_days(p.arrival));
        }
        if (p.student && p.discipline == Discipline::Psy) cmd["notes"] = "Tarif étudiant (-20 %)";
        Json answer = send(std::move(cmd));
        if (answer["ok"] == true && answer["result"]["total"] != inv.total) ++report.total_mismatches;
        if (inv.fate != Fate::Draft)
          send({{"cmd", "invoice.issue"}, {"invoice_id", inv.id}, {"issued_on", iso(inv.day)}});
        break;
      }
      case Kind::Payment: {
        PlannedInvoice& inv = invoices[e.subject];
        switch (inv.fate) {
          case Fate::Paid:
            pay(inv, e.day, instalment(inv.total, inv.slots, e.part), e.part == 0 ? 0 : 1);
            break;
          case Fate::PartlyPaid:
            pay(inv, e.day, inv.part, 0);
            break;
          case Fate::CreditNote:
            pay(inv, e.day, inv.total - inv.part, 1);
            break;
          default:
            pay(inv, e.day, inv.total, 0);
            break;  // Cancelled: paid, then cancelled
        }
        break;
      }
      case Kind::Deposit: {
        // Taken ahead of a bilan or a course of sessions.
        const PlannedInvoice& inv = invoices[e.subject];
        deposit(patients[inv.patient], e.day, deposit_for(inv.total));
        break;
      }
      case Kind::ExtraDeposit:
        deposit(patients[e.subject], e.day, r.between(1, 6) * 5000);
        break;
      case Kind::PayFromAccount: {
        const PlannedInvoice& inv = invoices[e.subject];
        send({{"cmd", "invoice.pay_from_account"}, {"invoice_id", inv.id}, {"amount", inv.total}});
        break;
      }
      case Kind::CreditNote: {
        const PlannedInvoice& inv = invoices[e.subject];
        const Patient& p = patients[inv.patient];
        const bool session = inv.line_count > 1;
        const std::string cn = ids.next();
        // The session not given, as the invoice had it (price, discount, rate); or a gesture.
        Json line = {{"service_date", iso(inv.day)}, {"label", "Remise sur la séance"}, {"unit_price", inv.part}};
        if (session) {
          const Act& act = kActs[inv.lines[inv.line_count - 1].act];
          line["label"] = std::string("Non réalisé : ") + act.label;
          line["unit_price"] = act.price;
          line["tax_rate_id"] = act.vat ? vat : exempt;
          if (p.student && p.discipline == Discipline::Psy) line["discount_percent"] = "20";
        }
        send({{"cmd", "credit_note.create"},
              {"id", cn},
              {"patient_id", p.id},
              {"invoice_id", inv.id},
              {"issued_on", iso(e.day)},
              {"note", session ? "Acte non réalisé" : "Geste commercial"},
              {"internal_note", session ? "Patient absent, séance facturée par erreur" : "Séance écourtée"},
              {"lines", Json::array({std::move(line)})}});
        send({{"cmd", "credit_note.apply"}, {"credit_note_id", cn}, {"invoice_id", inv.id}, {"amount", inv.part}});
        break;
      }
      case Kind::Cancel:
        send({{"cmd", "invoice.cancel"},
              {"invoice_id", invoices[e.subject].id},
              {"reason", kCancelReasons[r.between(0, count_of(kCancelReasons) - 1)]}});
        break;
      case Kind::Refund: {
        const PlannedInvoice& inv = invoices[e.subject];
        const Patient& p = patients[inv.patient];
        if (inv.fate == Fate::Cancelled) {  // its payment, released by the cancellation
          Json cmd = {{"cmd", "refund.create"},
                      {"patient_id", p.id},
                      {"payment_id", inv.payment_id},
                      {"amount", inv.total},
                      {"payment_type_id", inv.payment_type},
                      {"refunded_on", iso(e.day)},
                      {"reason", "Facture annulée : règlement rendu au patient"}};
          if (inv.payment_type == "card_online") cmd["details"] = "Remboursé depuis le tableau de bord Stripe";
          send(std::move(cmd));
          break;
        }
        // What the deposit left on the account, by transfer; never more than the credit there is.
        const Json balance = commands.query({{"cmd", "patient.balance"}, {"patient_id", p.id}});
        const std::int64_t credit = balance["ok"] == true ? balance["result"]["credit"].get<std::int64_t>() : 0;
        const std::int64_t amount = std::min(deposit_for(inv.total) - inv.total, credit);
        if (amount > 0) {
          send({{"cmd", "refund.create"},
                {"patient_id", p.id},
                {"amount", amount},
                {"payment_type_id", "transfer"},
                {"refunded_on", iso(e.day)},
                {"reason", "Solde de l'acompte remboursé en fin de prise en charge"}});
        }
        break;
      }
    }
    if (++done >= next_report && hooks.progress && next_report > 0) {
      hooks.progress(std::to_string(done * 100 / events.size()) + " % — " + iso(e.day) + ", " +
                     std::to_string(report.commands) + " commands");
      next_report += events.size() / 10;
    }
  }
  clock.set_today(options.end);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace quittance::app::demo
