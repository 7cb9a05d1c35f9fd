// The yearly payment attestation's PDF. See attestation_pdf.h.
#include "pdf/attestation_pdf.h"

#include <string>

#include "core/date.h"
#include "core/money.h"
#include "pdf/document_fields.h"
#include "pdf/page_writer.h"

namespace quittance::pdf {

namespace {

using Json = nlohmann::json;


// Columns: date, what, reference (left edges), amount (right edge).
constexpr float kColWhat = kMargin + 75, kColRef = kRight - 190;

void draw(Writer& w, const Json& a) {
  const Json practice = a.value("practice", Json::object());
  const Json patient = a.value("patient", Json::object());
  const std::string year = std::to_string(int_of(a, "year"));
  const core::Currency currency = currency_of(a);
  const auto money = [&currency](std::int64_t minor) { return amount_fr(minor, currency); };

  // The practice on the left, the document on the right.
  w.right(kRight, kMargin + 10, "ATTESTATION DE PAIEMENT", 16, true);
  w.right(kRight, kMargin + 30, "Année " + year, 11, true);
  draw_practice(w, practice);
  std::string numbers;  // how the mutuelle identifies the practitioner
  for (const auto& [key, label] : {std::pair{"rpps", "RPPS : "}, std::pair{"adeli", "ADELI : "}, std::pair{"siret", "SIRET : "}}) {
    if (!text_of(practice, key).empty()) {
      w.paragraph(kMargin, label + text_of(practice, key), 260, 9);
      if (std::string(key) != "siret") numbers += (numbers.empty() ? "" : ", ") + std::string(label) + text_of(practice, key);
    }
  }
  w.y = std::max(w.y, kMargin + 80.0f) + 20;

  // The attestation itself.
  const std::string title = text_of(patient, "title");
  const std::string born = text_of(patient, "birth_date").empty()
                               ? ""
                               : std::string(" (") + (title == "Mme" ? "née" : title == "M." ? "né" : "né(e)") + " le " +
                                     date_fr(text_of(patient, "birth_date")) + ")";
  w.paragraph(kMargin,
              "Je soussigné(e), " + text_of(practice, "name") + (numbers.empty() ? "" : " (" + numbers + ")") +
                  ", atteste avoir reçu de " + text_of(patient, "full_name") + born + " la somme de " +
                  money(int_of(a, "total_paid")) + " en " + year + ", pour les actes ci-dessous.",
              kRight - kMargin, 11);
  w.y += 12;

  // A titled table; its header again on each page it runs onto.
  auto table = [&w](const char* title, const char* what, const char* ref) {
    w.ensure(40);
    w.text(kMargin, w.y, title, 11, true);
    w.y += 16;
    auto header = [&w, what, ref] {
      w.text(kMargin, w.y, "Date", 9, true);
      w.text(kColWhat, w.y, what, 9, true);
      w.text(kColRef, w.y, ref, 9, true);
      w.right(kRight, w.y, "Montant", 9, true);
      w.rule(w.y + 4);
      w.y += 16;
    };
    header();
    w.on_new_page = header;
  };
  auto row = [&w](const std::string& date, const std::string& what, const std::string& ref, const std::string& amount) {
    const std::vector<std::string> lines = w.wrap(what, kColRef - kColWhat - 10, 10);
    w.ensure(13.0f * static_cast<float>(std::max<std::size_t>(1, lines.size())));
    w.text(kMargin, w.y, date, 10);
    w.text(kColRef, w.y, ref, 10);
    w.right(kRight, w.y, amount, 10);
    for (const std::string& l : lines) {
      w.text(kColWhat, w.y, l, 10);
      w.y += 13;
    }
  };

  table("Actes", "Désignation", "Facture");
  for (const Json& act : a.value("acts", Json::array())) {
    row(date_fr(text_of(act, "date")), text_of(act, "label"), text_of(act, "invoice_number"), money(int_of(act, "amount")));
  }
  w.on_new_page = nullptr;
  w.y += 14;
  table(("Règlements reçus en " + year).c_str(), "Moyen de paiement", "Factures réglées");
  for (const Json& p : a.value("payments", Json::array())) {
    std::string invoices;
    for (const Json& n : p.value("invoices", Json::array())) invoices += (invoices.empty() ? "" : ", ") + n.get<std::string>();
    row(date_fr(text_of(p, "date")), text_of(p, "method"), invoices, money(int_of(p, "amount")));
  }
  for (const Json& r : a.value("refunds", Json::array())) {
    row(date_fr(text_of(r, "date")), "Remboursement (" + text_of(r, "method") + ")", "", money(-int_of(r, "amount")));
  }
  w.on_new_page = nullptr;
  w.rule(w.y - 6);
  w.y += 8;
  w.ensure(20);
  w.text(kColRef, w.y, "Total réglé en " + year, 11, true);
  w.right(kRight, w.y, money(int_of(a, "total_paid")), 11, true);
  w.y += 30;

  // Where the practitioner signs.
  w.ensure(120);
  w.paragraph(kMargin, "Attestation établie pour servir et valoir ce que de droit.", kRight - kMargin, 10);
  w.y += 6;
  w.paragraph(kMargin, "Fait le " + date_fr(text_of(a, "issued_on")) + ".", kRight - kMargin, 10);
  w.y += 10;
  w.text(kColRef, w.y, "Signature et cachet", 10, true);
  w.box(kColRef, w.y + 8, kRight - kColRef, 70);
  w.number_pages();
}

}  // namespace

PdfResult attestation_pdf(const nlohmann::json& attestation) {
  if (!attestation.is_object()) return PdfResult{{}, "not an attestation"};
  const std::string title = "Attestation de paiement " + std::to_string(int_of(attestation, "year"));
  return render_pdf(title, [&attestation](Writer& w) { draw(w, attestation); });
}

}  // namespace quittance::pdf
