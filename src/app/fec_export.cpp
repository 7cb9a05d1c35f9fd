// The FEC export. See fec_export.h.
#include "app/fec_export.h"

#include <algorithm>
#include <vector>

#include "app/args.h"
#include "app/chart_of_accounts.h"
#include "app/command_error.h"
#include "app/ledger.h"
#include "app/receipts_journal.h"
#include "app/settings_keys.h"
#include "core/date.h"
#include "core/money.h"

namespace quittance::app {

namespace {

struct Posting {
  std::string account;
  std::string aux_num, aux_label;  // the patient, on the 411 lines
  std::int64_t debit = 0, credit = 0;
};

struct Entry {
  std::string date;  // ISO
  std::string piece_ref, label;
  std::vector<Posting> postings;
  // The cash-basis variant's own fields (A47 A-1 VIII 7°).
  std::string mode, nature, client;
};

struct Journal {
  const char* code;
  const char* label;
  std::vector<Entry> entries;
};

// The file has no quoting: a separator or line end inside a value would shift every field.
std::string clean(std::string s) {
  for (char& c : s) {
    if (c == '\t' || c == '\r' || c == '\n' || c == '|') c = ' ';
  }
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

std::string yyyymmdd(const std::string& iso) { return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2); }

// A payment's supporting piece: its cheque or transfer reference, else the invoices it settles,
// else its own id; a refund's, its id (its reference column holds the reason).
std::string piece_of(const Receipt& r) {
  std::string ref = !r.refund && !clean(r.reference).empty() ? r.reference : !r.refund && !r.invoices.empty() ? r.invoices : r.id;
  ref = clean(ref);
  return ref.size() > 60 ? ref.substr(0, 57) + "..." : ref;
}

std::string receipt_label(const Receipt& r) {
  std::string label = (r.refund ? "Remboursement " : "Règlement ") + r.method + " " + r.patient;
  if (!r.refund && !r.invoices.empty()) label += " – " + r.invoices;
  return clean(label);
}

void cash_journal(store::Database& db, const ChartOfAccounts& chart, const std::string& from, const std::string& to,
                  Journal& re) {
  for (const Receipt& r : receipts_between(db, from, to)) {
    const std::int64_t amount = r.refund ? -r.amount : r.amount;
    const std::string treasury = chart.method_account(r.payment_type_id);
    Entry e{r.date, piece_of(r), receipt_label(r), {}, clean(r.method),
            r.refund ? "Remboursement d'honoraires" : "Honoraires", clean(r.patient)};
    if (r.refund) {
      e.postings = {{chart.revenue, "", "", amount, 0}, {treasury, "", "", 0, amount}};
    } else {
      e.postings = {{treasury, "", "", amount, 0}, {chart.revenue, "", "", 0, amount}};
    }
    re.entries.push_back(std::move(e));
  }
}

// Invoices and credit notes issued in the period: their labels name the patient as printed
// (frozen), their 411 lines the patient's account as it is named now, the same on every line
// of the file (the payments' too), since one account has one name.
void sales_journal(store::Database& db, const ChartOfAccounts& chart, const std::string& from, const std::string& to,
                   Journal& ve) {
  auto st = db.prepare(
      "SELECT d.day, d.number, d.patient_id, COALESCE(json_extract(NULLIF(d.frozen, ''), '$.patient_name'), p.name),"
      " d.net, d.tax, d.total, d.credit, p.name FROM ("
      " SELECT issued_on AS day, number, patient_id, frozen, net, tax, total, 0 AS credit, rowid AS seq FROM invoices"
      "  WHERE state <> 'draft' AND issued_on >= ?1 AND issued_on <= ?2"
      " UNION ALL"
      " SELECT issued_on, number, patient_id, frozen, net, tax, total, 1, rowid FROM credit_notes"
      "  WHERE issued_on >= ?1 AND issued_on <= ?2) d"
      " JOIN patients p ON p.id = d.patient_id ORDER BY d.day, d.credit, d.number, d.seq");
  st.bind(1, from).bind(2, to);
  while (st.step()) {
    const std::int64_t net = st.column_int64(4), tax = st.column_int64(5), total = st.column_int64(6);
    if (total == 0) continue;  // a free act moves no money: no entry
    const bool credit_note = st.column_int64(7) != 0;
    const std::string number = clean(st.column_text(1)), patient_id = clean(st.column_text(2));
    const std::string printed = clean(st.column_text(3)), account = clean(st.column_text(8));
    Entry e{st.column_text(0), number, clean((credit_note ? "Avoir " : "Facture ") + number + " " + printed), {}, "", "", ""};
    // An invoice: the patient owes the total (411), the practice earned the net (706) and owes
    // the VAT; a credit note reverses it.
    auto side = [&](std::int64_t amount, bool debit) { return debit ? std::pair{amount, std::int64_t{0}} : std::pair{std::int64_t{0}, amount}; };
    auto [d411, c411] = side(total, !credit_note);
    auto [d706, c706] = side(net, credit_note);
    e.postings.push_back({chart.customers, patient_id, account, d411, c411});
    e.postings.push_back({chart.revenue, "", "", d706, c706});
    if (tax != 0) {
      auto [dvat, cvat] = side(tax, credit_note);
      e.postings.push_back({chart.vat, "", "", dvat, cvat});
    }
    ve.entries.push_back(std::move(e));
  }
}

// Payments and refunds: treasury against the patient's account.
void cash_in_journal(store::Database& db, const ChartOfAccounts& chart, const std::string& from, const std::string& to,
                     Journal& en) {
  for (const Receipt& r : receipts_between(db, from, to)) {
    const std::int64_t amount = r.refund ? -r.amount : r.amount;
    const std::string treasury = chart.method_account(r.payment_type_id);
    const std::string patient_id = clean(r.patient_id), patient = clean(r.patient);
    Entry e{r.date, piece_of(r), receipt_label(r), {}, "", "", ""};
    if (r.refund) {
      e.postings = {{chart.customers, patient_id, patient, amount, 0}, {treasury, "", "", 0, amount}};
    } else {
      e.postings = {{treasury, "", "", amount, 0}, {chart.customers, patient_id, patient, 0, amount}};
    }
    en.entries.push_back(std::move(e));
  }
}

constexpr const char* kGeneralHeader =
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\t"
    "PieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise";

Json export_fec(Context& ctx) {
  const std::string variant = require_string(ctx.cmd, "variant", 10);
  if (variant != "cash" && variant != "accrual") refuse("invalid_argument", "variant must be \"cash\" or \"accrual\"", "variant");
  const core::Date from_date = require_date(ctx.cmd, "from"), to_date = require_date(ctx.cmd, "to");
  if (to_date < from_date) refuse("invalid_argument", "\"to\" is before \"from\"", "to");
  std::string siren;
  for (char c : setting_or_default(ctx.db, "practice.siret")) {
    if (c >= '0' && c <= '9') siren += c;
  }
  if (siren.size() < 9) {
    refuse("siret_required", "the practice's SIRET is needed: the FEC file is named after its SIREN", "siret");
  }
  siren.resize(9);
  const std::string from = core::format_iso(from_date), to = core::format_iso(to_date);
  const ChartOfAccounts chart = chart_of_accounts(ctx.db);
  const bool cash = variant == "cash";

  std::vector<Journal> journals;
  if (cash) {
    journals.push_back({"RE", "Recettes", {}});
    cash_journal(ctx.db, chart, from, to, journals.back());
  } else {
    journals.push_back({"VE", "Ventes", {}});
    sales_journal(ctx.db, chart, from, to, journals.back());
    journals.push_back({"EN", "Encaissements", {}});
    cash_in_journal(ctx.db, chart, from, to, journals.back());
  }

  const auto currency = core::currency_from_code(ledger::practice_currency(ctx.db));
  const int digits = currency ? currency->minor_digits : 2;
  std::string text = std::string(kGeneralHeader) + (cash ? "\tDateRglt\tModeRglt\tNatOp\tIdClient" : "") + "\r\n";
  std::int64_t debit = 0, credit = 0, lines = 0, entries = 0;
  for (const Journal& j : journals) {
    std::int64_t number = 0;
    for (const Entry& e : j.entries) {  // already in date order
      char num[32];
      std::snprintf(num, sizeof num, "%s%06lld", j.code, static_cast<long long>(++number));
      const std::string date = yyyymmdd(e.date);
      for (const Posting& p : e.postings) {
        if (!core::add_to(debit, p.debit) || !core::add_to(credit, p.credit)) {
          refuse("amount_too_large", "the year's entries add up to too much", "to");
        }
        text += std::string(j.code) + '\t' + j.label + '\t' + num + '\t' + date + '\t' + p.account + '\t' +
                account_label(p.account) + '\t' + p.aux_num + '\t' + p.aux_label + '\t' + e.piece_ref + '\t' + date +
                '\t' + e.label + '\t' + core::decimal_comma(p.debit, digits) + '\t' +
                core::decimal_comma(p.credit, digits) + "\t\t\t" + date + "\t\t";
        if (cash) text += '\t' + date + '\t' + e.mode + '\t' + e.nature + '\t' + e.client;
        text += "\r\n";
        ++lines;
      }
      ++entries;
    }
  }
  return Json{{"filename", siren + "FEC" + yyyymmdd(to) + ".txt"},
              {"mime", "text/plain"},
              {"text", std::move(text)},
              {"entries", entries},
              {"lines", lines},
              {"debit", debit},
              {"credit", credit}};
}

// accounting.chart → {revenue, customers, vat, methods: [{payment_type_id, label, account}]}: the
// accounts the export posts to, defaults included, for « Comptes du FEC ». Methods that move no
// money (from the patient's account, a credit note) have none.
Json accounting_chart(Context& ctx) {
  const ChartOfAccounts chart = chart_of_accounts(ctx.db);
  Json methods = Json::array();
  auto st = ctx.db.prepare(
      "SELECT id, label FROM payment_types WHERE id NOT IN ('account', 'credit_note') ORDER BY position");
  while (st.step()) {
    methods.push_back({{"payment_type_id", st.column_text(0)}, {"label", st.column_text(1)},
                       {"account", chart.method_account(st.column_text(0))}});
  }
  return Json{{"revenue", chart.revenue}, {"customers", chart.customers}, {"vat", chart.vat}, {"methods", methods}};
}

}  // namespace

void add_fec_export_commands(Registry& r) {
  r.push_back({"export.fec", false, core::Permission::View, export_fec});
  r.push_back({"accounting.chart", false, core::Permission::View, accounting_chart});
}

}  // namespace quittance::app
