// The patient record: identity and contact corrected after creation, archived, and two records
// of one person merged with all their books (app/patient_commands.cpp, app/patient_merge.cpp).
#include <doctest/doctest.h>

#include "billing_clinic.h"

using quittance::testing::Clinic;
using quittance::testing::Json;

namespace {

Json patient(Clinic& c, const std::string& id) { return c.query({{"cmd", "patient.get"}, {"patient_id", id}}); }

std::int64_t listed(Clinic& c, Json query) {
  query["cmd"] = "patient.list";
  return c.query(query)["total"];
}

}  // namespace

TEST_CASE("a record has its civilité, names, birth date and notes; the name shown is « Prénom Nom »") {
  Clinic c;
  const std::string lea = c.exec({{"cmd", "patient.create"}, {"title", "Mme"}, {"first_name", "Léa"},
                                  {"last_name", "Martin"}, {"birth_date", "1984-03-21"}, {"email", "lea@example.fr"},
                                  {"notes", "Préfère les rendez-vous du matin"}})["patient_id"];
  Json p = patient(c, lea);
  CHECK(p["name"] == "Léa Martin");
  CHECK(p["title"] == "Mme");
  CHECK(p["birth_date"] == "1984-03-21");
  CHECK(p["notes"] == "Préfère les rendez-vous du matin");
  CHECK(p["archived"] == false);
  CHECK(listed(c, {{"search", "mart"}}) == 1);

  // Corrected: the last name, then the email; the search follows the new name.
  c.exec({{"cmd", "patient.update"}, {"patient_id", lea}, {"last_name", "Martin-Durand"}});
  CHECK(patient(c, lea)["name"] == "Léa Martin-Durand");
  CHECK(listed(c, {{"search", "durand"}}) == 1);
  c.exec({{"cmd", "patient.update"}, {"patient_id", lea}, {"email", "lea.martin@example.fr"}, {"phone", "06 12 34 56 78"},
          {"address", "3 rue des Lilas\n69003 Lyon"}});
  p = patient(c, lea);
  CHECK(p["email"] == "lea.martin@example.fr");
  CHECK(p["address"] == "3 rue des Lilas\n69003 Lyon");

  // The invoice is addressed with the civilité.
  const std::string inv = c.invoice(lea, 5000);
  CHECK(c.query({{"cmd", "invoice.document"}, {"invoice_id", inv}})["bill_to"]["name"] == "Mme Léa Martin-Durand");

  // A record made with a bare name keeps it until parts are given.
  const std::string paul = c.patient("Paul Bernard");
  CHECK(patient(c, paul)["first_name"] == "");
  c.exec({{"cmd", "patient.update"}, {"patient_id", paul}, {"first_name", "Paul"}, {"last_name", "Bernardi"}});
  CHECK(patient(c, paul)["name"] == "Paul Bernardi");
}

TEST_CASE("bad details are refused with the field named, and nothing changes") {
  Clinic c;
  const std::string lea = c.patient("Léa Martin");
  auto field_of = [&](Json cmd) {
    const Json answer = c.try_exec(cmd);
    REQUIRE(answer["ok"] == false);
    return answer["error"]["field"].get<std::string>();
  };
  CHECK(field_of({{"cmd", "patient.update"}, {"patient_id", lea}, {"title", "Dr"}}) == "title");
  CHECK(field_of({{"cmd", "patient.update"}, {"patient_id", lea}, {"birth_date", "1984-02-30"}}) == "birth_date");
  CHECK(field_of({{"cmd", "patient.update"}, {"patient_id", lea}, {"birth_date", "2030-01-01"}}) == "birth_date");
  CHECK(field_of({{"cmd", "patient.update"}, {"patient_id", lea}, {"email", "lea@"}}) == "email");
  CHECK(field_of({{"cmd", "patient.update"}, {"patient_id", lea}, {"first_name", " "}, {"last_name", ""}}) == "last_name");
  CHECK(field_of({{"cmd", "patient.create"}, {"first_name", ""}}) == "name");
  CHECK(patient(c, lea)["name"] == "Léa Martin");
  CHECK(patient(c, lea)["title"] == "");
}

TEST_CASE("a « Facturé à » payer is corrected; an archived patient leaves the list and search, books kept") {
  Clinic c;
  const std::string tom = c.patient("Tom Petit");
  const std::string mum = c.exec({{"cmd", "contact.create"}, {"patient_id", tom}, {"name", "Anne Petit"},
                                  {"relation", "Mère"}, {"email", "anne@example.fr"}})["contact_id"];
  CHECK(c.refusal({{"cmd", "contact.create"}, {"patient_id", tom}, {"name", "X"}, {"email", "x@"}}) == "invalid_argument");
  c.exec({{"cmd", "contact.update"}, {"contact_id", mum}, {"email", "anne.petit@example.fr"}, {"address", "Lyon"}});
  const Json contact = patient(c, tom)["contacts"][0];
  CHECK(contact["email"] == "anne.petit@example.fr");
  CHECK(contact["address"] == "Lyon");
  CHECK(c.refusal({{"cmd", "contact.update"}, {"contact_id", "nope"}, {"name", "X"}}) == "not_found");

  const std::string inv = c.invoice(tom, 4000);
  c.exec({{"cmd", "patient.archive"}, {"patient_id", tom}});
  CHECK(listed(c, {}) == 0);
  CHECK(listed(c, {{"search", "petit"}}) == 0);
  CHECK(listed(c, {{"archived", true}}) == 1);
  CHECK(c.due(inv) == 4000);  // the books stay
  CHECK(c.query({{"cmd", "invoice.list"}, {"search", "petit"}})["total"] == 1);
  c.exec({{"cmd", "patient.archive"}, {"patient_id", tom}, {"archived", false}});
  CHECK(listed(c, {}) == 1);
}

TEST_CASE("merging two records of one person moves every invoice, payment, credit and contact, and fills the blanks") {
  Clinic c;
  const std::string kept = c.exec({{"cmd", "patient.create"}, {"first_name", "Léa"}, {"last_name", "Martin"},
                                   {"notes", "Genou droit"}})["patient_id"];
  const std::string twice = c.exec({{"cmd", "patient.create"}, {"name", "Lea Martin"}, {"email", "lea@example.fr"},
                                    {"phone", "0612345678"}, {"notes", "Créée en double à l'accueil"}})["patient_id"];
  const std::string a = c.invoice(kept, 5000);
  const std::string b = c.invoice(twice, 7000);
  c.exec({{"cmd", "payment.create"}, {"patient_id", twice}, {"payment_type_id", "cash"}, {"amount", 9000},
          {"allocations", {{{"invoice_id", b}, {"amount", 7000}}}}});  // 20,00 € left as credit
  c.exec({{"cmd", "contact.create"}, {"patient_id", twice}, {"name", "Mutuelle Santé Plus"}});
  const std::int64_t due_before = c.balance(kept)["due"].get<std::int64_t>() + c.balance(twice)["due"].get<std::int64_t>();

  const Json merged = c.exec({{"cmd", "patient.merge"}, {"patient_id", kept}, {"duplicate_id", twice}});
  CHECK(merged["moved"]["invoices"] == 1);
  CHECK(merged["moved"]["payments"] == 1);
  CHECK(merged["moved"]["contacts"] == 1);

  const Json p = patient(c, kept);
  CHECK(p["email"] == "lea@example.fr");  // a blank filled
  CHECK(p["phone"] == "0612345678");
  CHECK(p["name"] == "Léa Martin");       // the kept record's own win
  CHECK(p["notes"] == "Genou droit\nCréée en double à l'accueil");
  CHECK(p["contacts"].size() == 1);
  const Json balance = c.balance(kept);
  CHECK(balance["due"] == due_before);
  CHECK(balance["credit"] == 2000);
  CHECK(balance["payments_credit"] == 2000);
  CHECK(c.query({{"cmd", "invoice.get"}, {"invoice_id", b}})["patient_id"] == kept);
  const Json gone = patient(c, twice);
  CHECK(gone["archived"] == true);
  CHECK(gone["merged_into"] == kept);
  CHECK(gone["merged_into_name"] == "Léa Martin");
  CHECK(c.balance(twice)["due"] == 0);
  CHECK(listed(c, {}) == 1);

  // The credit the duplicate held now pays the kept record's invoice.
  c.exec({{"cmd", "invoice.pay_from_account"}, {"invoice_id", a}, {"amount", 2000}});
  CHECK(c.due(a) == 3000);

  // An invoice that reached the duplicate afterwards (made offline elsewhere) is moved by merging again.
  const std::string late = c.invoice(twice, 3000);
  CHECK(c.exec({{"cmd", "patient.merge"}, {"patient_id", kept}, {"duplicate_id", twice}})["moved"]["invoices"] == 1);
  CHECK(c.query({{"cmd", "invoice.get"}, {"invoice_id", late}})["patient_id"] == kept);

  // The journal keeps each merge and what it moved.
  const Json journal = c.query({{"cmd", "journal.list"}, {"limit", 500}});
  int merges = 0;
  for (const Json& e : journal["items"]) {
    if (e["name"] != "patient.merge") continue;
    ++merges;
    CHECK(e["result"]["duplicate_id"] == twice);
    CHECK(e["result"]["moved"]["invoices"] == 1);
  }
  CHECK(merges == 2);
}

TEST_CASE("merges that would lose track are refused") {
  Clinic c;
  const std::string a = c.patient("Léa Martin");
  const std::string b = c.patient("Lea Martin");
  const std::string other = c.patient("Paul Bernard");
  CHECK(c.refusal({{"cmd", "patient.merge"}, {"patient_id", a}, {"duplicate_id", a}}) == "invalid_argument");
  CHECK(c.refusal({{"cmd", "patient.merge"}, {"patient_id", a}, {"duplicate_id", "nope"}}) == "not_found");
  c.exec({{"cmd", "patient.merge"}, {"patient_id", a}, {"duplicate_id", b}});
  CHECK(c.refusal({{"cmd", "patient.merge"}, {"patient_id", b}, {"duplicate_id", other}}) == "merged");
  CHECK(c.refusal({{"cmd", "patient.merge"}, {"patient_id", other}, {"duplicate_id", b}}) == "merged");
  CHECK(c.refusal({{"cmd", "patient.archive"}, {"patient_id", b}, {"archived", false}}) == "merged");

  // A saved card stays with the record it was saved for.
  c.db().exec("INSERT INTO patient_cards VALUES ('" + other + "', 'visa', '4242', 12, 2030, '2026-11-01T10:00:00Z')");
  CHECK(c.refusal({{"cmd", "patient.merge"}, {"patient_id", a}, {"duplicate_id", other}}) == "card_on_duplicate");
  c.exec({{"cmd", "patient.merge"}, {"patient_id", other}, {"duplicate_id", a}});  // the other way round
}

namespace {

// A fact the server writes, applied as a device applies it.
Json apply_fact(Clinic& c, std::int64_t seq, const std::string& kind, const Json& data) {
  return c.commands().exec({{"cmd", "server_event.apply"},
                            {"id", "srv-" + std::to_string(seq)},
                            {"event", {{"seq", seq}, {"kind", kind}, {"data", data}}}});
}

}  // namespace

TEST_CASE("money and emails the server began for a record merged meanwhile reach the record kept") {
  Clinic c;
  const std::string kept = c.patient("Léa Martin");
  const std::string twice = c.exec({{"cmd", "patient.create"}, {"name", "Lea Martin"}, {"email", "lea@example.fr"}})["patient_id"];
  const std::string inv = c.invoice(twice, 6000);
  // A link for the invoice, opened by the patient before the merge, paid after it.
  const std::string request = c.exec({{"cmd", "payment_request.create"}, {"patient_id", twice},
                                      {"token", quittance::testing::link_token(1)}, {"invoice_ids", {inv}}})["request_id"];
  c.exec({{"cmd", "patient.merge"}, {"patient_id", kept}, {"duplicate_id", twice}});
  const Json paid = apply_fact(c, 1, "payment.succeeded",
                               {{"payment_intent_id", "pi_late"}, {"request_id", request}, {"invoice_id", ""},
                                {"patient_id", twice}, {"amount", 6000}, {"fee", 90}, {"paid_on", "2026-11-02"}});
  REQUIRE_MESSAGE(paid["ok"] == true, paid.dump());
  CHECK(paid["result"]["applied"] == true);
  CHECK(c.status(inv) == "paid");
  CHECK(c.balance(kept)["paid"] == 6000);
  CHECK(c.balance(twice)["paid"] == 0);

  // A card payment at the desk under way during the merge, for the invoice that moved.
  const std::string inv2 = c.invoice(kept, 4000);
  REQUIRE(apply_fact(c, 2, "payment.succeeded",
                     {{"payment_intent_id", "pi_desk"}, {"invoice_id", inv2}, {"patient_id", twice}, {"amount", 4000},
                      {"fee", 60}, {"paid_on", "2026-11-02"}})["ok"] == true);
  CHECK(c.status(inv2) == "paid");

  // The server's outbox planned a reminder for the duplicate: the device files it under the kept record.
  REQUIRE(apply_fact(c, 3, "message.update",
                     {{"message_id", "system-reminder-7d:" + inv}, {"invoice_id", inv}, {"patient_id", twice},
                      {"template_id", "system-reminder-7d"}, {"template_name", "Relance à 7 jours"},
                      {"recipient", "lea@example.fr"}, {"due_at", "2026-11-09T10:00:00Z"}, {"state", "scheduled"}})["ok"] == true);
  CHECK(c.query({{"cmd", "message.list"}, {"patient_id", kept}})["total"] == 1);
  CHECK(patient(c, twice)["left_behind"] == 0);
}

TEST_CASE("merging again moves what came late without repeating the notes; names are trimmed") {
  Clinic c;
  const std::string kept = c.exec({{"cmd", "patient.create"}, {"first_name", "  Léa "}, {"last_name", "Martin "}})["patient_id"];
  CHECK(patient(c, kept)["name"] == "Léa Martin");
  CHECK(patient(c, kept)["first_name"] == "Léa");
  const std::string twice = c.exec({{"cmd", "patient.create"}, {"name", "Lea Martin"}, {"notes", "Doublon"}})["patient_id"];
  c.exec({{"cmd", "patient.merge"}, {"patient_id", kept}, {"duplicate_id", twice}});
  c.invoice(twice, 3000);  // made offline elsewhere, after the merge in the log's order
  CHECK(patient(c, twice)["left_behind"] == 1);
  c.exec({{"cmd", "patient.merge"}, {"patient_id", kept}, {"duplicate_id", twice}});
  CHECK(patient(c, kept)["notes"] == "Doublon");
  CHECK(patient(c, twice)["left_behind"] == 0);
}

TEST_CASE("payments_credit is what « Payer depuis le compte » can take: not a credit note's rest") {
  Clinic c;
  const std::string p = c.patient("Léa Martin");
  const std::string inv = c.invoice(p, 5000);
  c.exec({{"cmd", "payment.create"}, {"patient_id", p}, {"payment_type_id", "cash"}, {"amount", 1500}});
  c.exec({{"cmd", "credit_note.create"}, {"patient_id", p}, {"lines", {{{"label", "Geste"}, {"unit_price", 1000}}}}});
  const Json b = c.balance(p);
  CHECK(b["credit"] == 2500);
  CHECK(b["payments_credit"] == 1500);
  CHECK(c.refusal({{"cmd", "invoice.pay_from_account"}, {"invoice_id", inv}, {"amount", 2500}}) == "insufficient_credit");
  c.exec({{"cmd", "invoice.pay_from_account"}, {"invoice_id", inv}, {"amount", b["payments_credit"]}});
  CHECK(c.due(inv) == 3500);
}
