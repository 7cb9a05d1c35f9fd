// Appointments and their categories as the books keep them (seed 004), shared by the
// appointment commands (appointment_commands.cpp), the money of a booking
// (appointment_money.cpp) and the server's facts that pay it (server_event_commands.cpp).
//
// When the invoice is made (docs/payment_requests.md, « Appointments »):
//   policy none      no money asked: no invoice made by the booking
//   full             the whole price (tax included) asked at booking; no invoice (no number spent) until the
//                    payment comes: then made, issued in the online payments' series (WEB)
//                    dated the payment's day, and paid by it
//   deposit          a deposit asked at booking; when paid, the invoice for the whole price is
//                    made: issued then (invoice_at 'payment') with the deposit against it, or a
//                    draft the practice issues after the session ('session'), which takes the
//                    deposit when issued; « Envoyer un lien pour le solde » asks the rest
// An appointment that is never paid (expired, cancelled) leaves no invoice and nothing due.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "app/registry.h"

namespace quittance::app::appointments {

struct Category {
  std::string id, name, service_id, label, policy;
  std::int64_t duration_min = 30, price = 0, deposit_value = 0, expiry_hours = 24;
  bool archived = false;
  std::string invoice_at = "payment";            // a deposit's invoice: issued at payment, or after the session
  std::optional<std::int64_t> refund_until_hours;  // refundable on cancellation until then; none: kept
};
std::optional<Category> find_category(store::Database& db, const std::string& id);

struct Appointment {
  std::string id, patient_id, category_id, starts_at, status, invoice_id, request_id, settlement;
  std::optional<std::int64_t> price;  // the line's total at booking, tax included (none: an earlier version's)
  Json invoice_line;                  // the invoice line agreed at booking, resolved (no service)
  std::string policy, invoice_at;     // the category's at booking
};
// Booked by appointment.create (an earlier version's operation): its invoice, if its policy
// asked for the whole price, was issued at booking, and the money code below leaves it as that
// version did, so that every device replays the log alike.
inline bool legacy(const Appointment& a) { return !a.price; }
std::optional<Appointment> find(store::Database& db, const std::string& id);
std::optional<Appointment> find_by_request(store::Database& db, const std::string& request_id);
std::optional<Appointment> find_by_invoice(store::Database& db, const std::string& invoice_id);

// The appointment's invoice line as the category describes it now (its service, or its label
// and price), for the day; `resolve_line` makes it the line kept at booking: label, unit price
// and tax rate spelled out (a service archived later cannot refuse it), checked, with its total.
Json invoice_line(const Category& c, const std::string& starts_at);
struct ResolvedLine {
  Json line;
  std::int64_t total = 0;  // tax included
};
ResolvedLine resolve_line(Context& ctx, const Category& c, const std::string& starts_at);

// Runs another domain's handler inside this command, under a derived id: what an appointment
// does and what it makes are one operation, replayed together everywhere.
Json run_inner(Context& ctx, Json (*handler)(Context&), const Json& cmd, const std::string& id);

// The appointment's request was paid by `payment_id` (a server fact): its invoice is made now,
// as its category says. Nothing for a request of no appointment, one booked with its invoice
// (before this version), or one cancelled meanwhile (the money stays credit, to refund).
void on_request_paid(Context& ctx, const std::string& request_id, const std::string& payment_id,
                     const std::string& paid_on);

// An invoice was issued: if it is an appointment's, the money paid at booking goes against it.
void after_invoice_issued(Context& ctx, const std::string& invoice_id);

// appointment.cancel's money: an unpaid booking leaves nothing due (its link cancelled, a draft
// deleted); an earlier version's booking only has its link cancelled, as then; a paid one is refunded
// (`settle` "refund": the invoice cancelled, the payment back to credit, to refund on the card)
// or kept (`settle` "keep": what was paid is what is owed, the rest credited). A paid booking
// cancelled without `settle` is refused, except in the log's order (an offline cancellation
// that the payment overtook): then cancelled, its money left as it stands. Returns
// {settlement, refund_due (the payments given back to credit), payment_id, credit_note_id}.
Json settle_cancellation(Context& ctx, const Appointment& a, const std::string& settle);

// What the appointment's money stands at: {asked, paid, invoiced, due, payment_id,
// refund_until} (refund_until: the local time until which the category refunds, or "").
Json money_of(store::Database& db, const Appointment& a);

}  // namespace quittance::app::appointments
