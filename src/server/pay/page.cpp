// The patient payment page's server side. See pay/page.h.
#include "server/pay/page.h"

#include <algorithm>
#include <cctype>
#include <iostream>
#include <optional>
#include <variant>

#include "app/settings_keys.h"
#include "core/email_address.h"
#include "core/schedule.h"
#include "pdf/invoice_pdf.h"
#include "server/devices/devices.h"
#include "server/http/json_lenient.h"
#include "server/pay/links.h"
#include "server/stripe/records.h"
#include "server/sync/server_events.h"
#include "zone/local_time.h"

namespace quittance::server {

namespace {

// [SECTION] The request as the page sees it

// What the routes know of a link once it is found.
struct Request {
  std::string clinic_id;
  Json view;  // payment_request.view's result, as the books have it
  std::string request_id, patient_id, kind;
  std::string time_zone;                // the practice's (« practice.time_zone »): dates what the page records
  std::string books_state;              // the view's: payable, paid, expired, cancelled
  std::string state;                    // with the server's own facts: payable, processing, paid, expired, cancelled
  std::optional<ChargeRecord> paid_by;  // the server's payment of it that succeeded
  std::vector<ChargeRecord> charges;    // every payment asked from its page, newest first
  std::vector<CardSetup> setups;        // every card set-up asked from its page, newest first
};

ApiAnswer error_answer(int status, const std::string& code, const std::string& message) {
  return {status, api_error(code, message)};
}

ApiAnswer unknown_link() { return error_answer(404, "unknown_link", "no payment request for this link"); }

using lenient::integer;
using lenient::text;

// The request behind `token`, or nullopt when the link is unknown: not a token, not indexed,
// or no longer (or never) in its clinic's books. Throws store::StoreError when the books
// cannot be read.
std::optional<Request> find_request(PayContext& ctx, const std::string& token) {
  std::optional<std::string> clinic = ctx.db.with([&](Sql& d) { return find_pay_link(d, token); });
  if (!clinic) return std::nullopt;
  Request r;
  Json answer = ctx.books.read(ctx.db, *clinic, [&](store::Database& books, app::CommandLayer& commands) {
    r.time_zone = app::setting_or_default(books, "practice.time_zone");
    return commands.query({{"cmd", "payment_request.view"}, {"token", token}});
  });
  if (!answer.value("ok", false) || !answer["result"].is_object()) return std::nullopt;
  r.clinic_id = *clinic;
  r.view = std::move(answer["result"]);
  r.request_id = text(r.view, "request_id");
  r.patient_id = text(r.view, "patient_id");
  r.kind = text(r.view, "kind");
  r.books_state = text(r.view, "state");
  ctx.db.with([&](Sql& d) {
    r.charges = find_request_charges(d, r.clinic_id, r.request_id);
    r.setups = find_request_setups(d, r.clinic_id, r.request_id);
  });
  // The server's facts come first: money that moved is not undone by the books' lag (nor by a
  // cancellation or an expiry that came after the patient paid).
  bool processing = false;
  for (const ChargeRecord& c : r.charges) {
    if (c.status == "succeeded" && !r.paid_by) r.paid_by = c;
    processing = processing || c.status == "processing";
  }
  const bool card_saved =
      std::any_of(r.setups.begin(), r.setups.end(), [](const CardSetup& s) { return !s.payment_method_id.empty(); });
  if (r.paid_by || (r.kind == "card" && card_saved)) {
    r.state = "paid";
  } else if (processing) {
    r.state = "processing";
  } else if (r.books_state == "payable" && core::format_utc_instant(ctx.now()) >= text(r.view, "expires_at")) {
    r.state = "expired";  // by the server's clock (the books' copy reads the system's)
  } else {
    r.state = r.books_state;
  }
  return r;
}

// Where a payment of the request went, as the books will put it (requests::shares_of): its
// invoices in order, each up to what it owes. Only for a payment the books do not have yet.
std::int64_t share_of(const Request& r, const std::string& invoice_id) {
  if (!r.paid_by || r.books_state == "paid") return 0;
  std::int64_t left = r.paid_by->amount - r.paid_by->surcharge;
  for (const Json& inv : r.view.value("invoices", Json::array())) {
    const std::int64_t part = std::min(left, std::max<std::int64_t>(0, integer(inv, "due")));
    if (text(inv, "invoice_id") == invoice_id) return part;
    left -= part;
  }
  return 0;
}

std::string pdf_path(const std::string& token, const std::string& invoice_id) {
  return "/api/pay/" + token + "/invoices/" + invoice_id + "/pdf";
}

// [SECTION] GET /api/pay/TOKEN

Json page_of(const PayContext& ctx, const Request& r, const std::string& token) {
  const Json& practice = r.view.value("practice", Json::object());
  if (r.state == "expired" || r.state == "cancelled")
    return {{"ok", true},
            {"state", r.state},
            {"kind", r.kind},
            {"practice", {{"name", practice.value("name", "")}, {"email", practice.value("email", "")}}}};
  Json page = r.view;
  for (const char* key : {"request_id", "patient_id", "patient_email"}) page.erase(key);
  page["ok"] = true;
  page["state"] = r.state;
  // Stripe.js on the page works in the clinic's account (its `stripeAccount`), where the
  // intent is; none in single mode.
  const ClinicStripe access = ctx.stripe->for_account(r.clinic_id);
  page["stripe"] = {{"publishable_key", ctx.publishable_key}, {"js_url", ctx.js_url}};
  if (access.client && !access.client->account().empty()) page["stripe"]["account"] = access.client->account();
  if (r.state == "paid") {
    // What was paid, fee included, rather than what is left (nothing, once the books know).
    if (r.paid_by) {
      page["amount"] = r.paid_by->amount - r.paid_by->surcharge;
      page["fee"] = r.paid_by->surcharge;
      page["total"] = r.paid_by->amount;
    }
    for (Json& inv : page["invoices"]) {
      const std::string id = text(inv, "invoice_id");
      inv["due"] = std::max<std::int64_t>(0, integer(inv, "due") - share_of(r, id));
      inv["pdf"] = pdf_path(token, id);
    }
  }
  return page;
}

// [SECTION] POST /api/pay/TOKEN/intent

ApiAnswer stripe_unreachable(const StripeResponse& r, const char* what) {
  std::cerr << "quittance-server: payment page: Stripe unreachable (" << what << ", " << r.attempts
            << " attempts): " << r.transport_error << '\n';
  return error_answer(502, "stripe_unreachable", "Stripe could not be reached; try again");
}

ApiAnswer stripe_refused(const StripeResponse& r, const char* what) {
  const Json& e = r.error();
  std::cerr << "quittance-server: payment page: Stripe refused " << what << ": HTTP " << r.status << ' '
            << text(e, "type") << ' ' << text(e, "code") << '\n';
  return error_answer(502, "stripe_error", "Stripe refused the request");
}

// A 4xx that no retry changes (not a rate limit, nor the key in use by a concurrent request).
bool definitive_refusal(const StripeResponse& r) {
  return r.answered() && r.status >= 400 && r.status < 500 && r.status != 409 && r.status != 429;
}

bool confirmable(const std::string& status) {
  return status == "requires_payment_method" || status == "requires_confirmation" || status == "requires_action";
}

// An intent Stripe says is done or under way: the webhook will tell the books.
std::optional<ApiAnswer> settled_at_stripe(const std::string& status) {
  if (status == "succeeded") return error_answer(409, "already_paid", "this request is paid");
  if (status == "processing")
    return error_answer(409, "payment_processing", "a payment of this request is being processed by the bank");
  return std::nullopt;
}

ApiAnswer intent_answer(const Request& r, const std::string& mode, const std::string& client_secret) {
  const bool setup = mode == "setup";
  return {200,
          {{"ok", true},
           {"mode", mode},
           {"client_secret", client_secret},
           {"amount", setup ? 0 : integer(r.view, "amount")},
           {"fee", setup ? 0 : integer(r.view, "fee")},
           {"total", setup ? 0 : integer(r.view, "total")}}};
}

// The patient's Stripe customer, made the first time (a card kept needs one).
std::variant<std::string, ApiAnswer> customer_for(PayContext& ctx, const StripeClient& stripe, const Request& r) {
  std::optional<std::string> customer =
      ctx.db.with([&](Sql& d) { return find_customer(d, r.clinic_id, r.patient_id); });
  if (customer) return *customer;
  FormParams params = {{"name", text(r.view, "patient_name")},
                       {"metadata[clinic_id]", r.clinic_id},
                       {"metadata[patient_id]", r.patient_id}};
  if (const std::string email = text(r.view, "patient_email"); core::valid_email_address(email))
    params.emplace_back("email", email);
  StripeResponse made = stripe.post("/v1/customers", params, "quittance-customer-pay-" + r.request_id);
  if (!made.answered()) return stripe_unreachable(made, "customer");
  if (!made.ok() || text(made.body, "id").empty()) return stripe_refused(made, "customer");
  return ctx.db.with([&](Sql& d) {
    return keep_customer(d, r.clinic_id, r.patient_id, text(made.body, "id"), ctx.now());
  });
}

std::string describe(const Request& r) {
  if (r.kind == "deposit") {
    const Json appointment = r.view.value("appointment", Json());
    return appointment.is_object() && appointment.value("payment", "") == "full" ? "Rendez-vous" : "Acompte";
  }
  std::string numbers;
  for (const Json& inv : r.view.value("invoices", Json::array())) {
    if (integer(inv, "due") <= 0) continue;
    numbers += (numbers.empty() ? "" : ", ") + text(inv, "number");
  }
  return (numbers.find(',') == std::string::npos ? "Facture " : "Factures ") + numbers;
}

// A card request: a SetupIntent for the patient's customer, kept in card_setups with the
// request, so that setup_intent.succeeded becomes card.saved with the request's id.
ApiAnswer setup_intent(PayContext& ctx, const StripeClient& stripe, const Request& r) {
  // The latest set-up, while the patient can still confirm it (a reload, a second tab).
  if (!r.setups.empty()) {
    const CardSetup& last = r.setups.front();
    StripeResponse got = stripe.get("/v1/setup_intents/" + last.setup_intent_id);
    if (!got.answered()) return stripe_unreachable(got, "setup intent");
    if (got.ok()) {
      const std::string status = text(got.body, "status");
      if (status == "succeeded") return error_answer(409, "already_paid", "the card is saved already");
      if (confirmable(status)) return intent_answer(r, "setup", text(got.body, "client_secret"));
    } else if (!definitive_refusal(got)) {
      return stripe_refused(got, "setup intent");
    }
  }
  auto customer = customer_for(ctx, stripe, r);
  if (auto* refusal = std::get_if<ApiAnswer>(&customer)) return *refusal;
  StripeResponse made = stripe.post("/v1/setup_intents",
                                         {{"customer", std::get<std::string>(customer)},
                                          {"usage", "off_session"},
                                          {"automatic_payment_methods[enabled]", "true"},
                                          {"metadata[clinic_id]", r.clinic_id},
                                          {"metadata[patient_id]", r.patient_id},
                                          {"metadata[request_id]", r.request_id}},
                                         "quittance-pay-setup-" + r.request_id + "-" + std::to_string(r.setups.size()));
  if (!made.answered()) return stripe_unreachable(made, "setup intent");
  const std::string id = text(made.body, "id");
  if (!made.ok() || id.empty()) return stripe_refused(made, "setup intent");
  ctx.db.with([&](Sql& d) {
    insert_card_setup(d, id, CardSetup{r.clinic_id, r.patient_id, r.request_id, "", ""}, "pay-" + id, ctx.now());
  });
  if (text(made.body, "status") == "succeeded") return error_answer(409, "already_paid", "the card is saved already");
  return intent_answer(r, "setup", text(made.body, "client_secret"));
}

// Invoices or a deposit: one PaymentIntent for the books' total, reused while the page is
// reloaded (same amount, same choice about the card), canceled when either changed.
ApiAnswer payment_intent(PayContext& ctx, const StripeClient& stripe, const Request& r, bool save_card) {
  const std::int64_t total = integer(r.view, "total");
  if (total <= 0) return error_answer(409, "already_paid", "nothing is left to pay on this request");
  int canceled = 0;
  for (const ChargeRecord& c : r.charges) canceled += c.decline_code == "canceled";
  for (const ChargeRecord& c : r.charges) {
    if (c.decline_code == "canceled" || c.payment_intent_id.empty()) continue;
    if (c.status != "pending" && c.status != "failed") continue;  // succeeded, processing: seen above
    StripeResponse got = stripe.get("/v1/payment_intents/" + c.payment_intent_id);
    if (!got.answered()) return stripe_unreachable(got, "payment intent");
    std::string status = got.ok() ? text(got.body, "status") : "";
    if (!got.ok() && !definitive_refusal(got)) return stripe_refused(got, "payment intent");
    if (auto settled = settled_at_stripe(status)) return *settled;
    const bool keeps_card = text(got.body, "setup_future_usage") == "off_session";
    if (confirmable(status) && c.amount == total && keeps_card == save_card)
      return intent_answer(r, "payment", text(got.body, "client_secret"));
    // Stale: canceled, so that a page left open cannot pay the old amount.
    if (confirmable(status)) {
      StripeResponse cancel =
          stripe.post("/v1/payment_intents/" + c.payment_intent_id + "/cancel",
                           {{"cancellation_reason", "abandoned"}}, "quittance-pay-cancel-" + c.payment_intent_id);
      if (!cancel.answered()) return stripe_unreachable(cancel, "payment intent cancel");
      if (!cancel.ok()) {
        // Confirmed meanwhile, in another tab?
        StripeResponse again = stripe.get("/v1/payment_intents/" + c.payment_intent_id);
        if (auto settled = settled_at_stripe(again.ok() ? text(again.body, "status") : "")) return *settled;
        return stripe_refused(cancel, "payment intent cancel");
      }
    }
    ctx.db.with([&](Sql& d) { cancel_request_charge(d, c.payment_intent_id, ctx.now()); });
    ++canceled;
  }

  const std::int64_t fee = integer(r.view, "fee");
  std::string currency = text(r.view, "currency");
  for (char& ch : currency) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  FormParams params = {{"amount", std::to_string(total)},
                       {"currency", currency},
                       {"automatic_payment_methods[enabled]", "true"},
                       {"description", describe(r)},
                       {"metadata[clinic_id]", r.clinic_id},
                       {"metadata[request_id]", r.request_id},
                       {"metadata[patient_id]", r.patient_id},
                       {"metadata[surcharge]", std::to_string(fee)}};
  if (save_card) {
    auto customer = customer_for(ctx, stripe, r);
    if (auto* refusal = std::get_if<ApiAnswer>(&customer)) return *refusal;
    params.emplace_back("customer", std::get<std::string>(customer));
    params.emplace_back("setup_future_usage", "off_session");
  }
  // The same request, amount and choice give the same key: two clicks, or an answer lost, give
  // one intent. An intent canceled above is not given back: the key counts them.
  std::string key = "quittance-pay-" + r.request_id + "-" + std::to_string(total) + "-" + (save_card ? "1" : "0");
  if (canceled > 0) key += "-" + std::to_string(canceled);
  StripeResponse made = stripe.post("/v1/payment_intents", params, key);
  if (!made.answered()) return stripe_unreachable(made, "payment intent");
  const std::string id = text(made.body, "id");
  if (!made.ok() || id.empty()) return stripe_refused(made, "payment intent");
  ChargeRecord charge;
  charge.clinic_id = r.clinic_id;
  charge.payment_intent_id = id;
  charge.patient_id = r.patient_id;
  charge.amount = total;
  charge.currency = text(r.view, "currency");
  // The day the patient paid on the practice's calendar; Stripe's success dates it again (webhook.cpp).
  charge.paid_on = core::format_iso(zone::local_date(ctx.now(), r.time_zone));
  charge.request_id = r.request_id;
  charge.surcharge = fee;
  ctx.db.with([&](Sql& d) { insert_charge(d, charge, ctx.now()); });
  if (auto settled = settled_at_stripe(text(made.body, "status"))) return *settled;
  return intent_answer(r, "payment", text(made.body, "client_secret"));
}

}  // namespace

// [SECTION] The routes' logic

ApiAnswer pay_view(PayContext& ctx, const std::string& token) {
  std::optional<Request> r = find_request(ctx, token);
  if (!r) return unknown_link();
  if (r->state == "payable") {
    // The devices learn that the patient opened the page; once per request (the event's key).
    ctx.db.with([&](Sql& d) {
      emit_event(d, r->clinic_id, "request_opened:" + r->request_id, "payment_request.update",
                 {{"request_id", r->request_id}, {"state", "opened"}, {"at", core::format_utc_instant(ctx.now())}}, ctx.now());
    });
  }
  return {200, page_of(ctx, *r, token)};
}

ApiAnswer pay_intent(PayContext& ctx, const std::string& token, const Json& body) {
  bool wants_card = false;
  if (auto it = body.find("save_card"); it != body.end()) {
    if (!it->is_boolean()) {
      ApiAnswer bad = error_answer(400, "invalid_argument", "\"save_card\" must be true or false");
      bad.body["error"]["field"] = "save_card";
      return bad;
    }
    wants_card = it->get<bool>();
  }
  std::optional<Request> r = find_request(ctx, token);
  if (!r) return unknown_link();
  if (r->state == "paid") return error_answer(409, "already_paid", "this request is paid");
  if (r->state == "processing")
    return error_answer(409, "payment_processing", "a payment of this request is being processed by the bank");
  if (r->state == "expired") return error_answer(410, "link_expired", "this payment link has expired");
  if (r->state == "cancelled") return error_answer(410, "link_cancelled", "the practice cancelled this request");
  // On the clinic's own account, and only while it may take charges.
  const ClinicStripe access = ctx.stripe->for_payments(r->clinic_id);
  if (!access.client)
    return error_answer(503, "payments_unavailable", "card payments are not available for this practice now");
  if (r->kind == "card") return setup_intent(ctx, *access.client, *r);
  // Consent counts only where the page offered it.
  const std::string offer = text(r->view, "save_card");
  return payment_intent(ctx, *access.client, *r, wants_card && (offer == "offered" || offer == "required"));
}

PdfAnswer pay_invoice_pdf(PayContext& ctx, const std::string& token, const std::string& invoice_id) {
  PdfAnswer out;
  auto refuse = [&out](int status, const std::string& code, const std::string& message) {
    out.status = status;
    out.error = api_error(code, message);
    return out;
  };
  std::optional<Request> r = find_request(ctx, token);
  if (!r) return refuse(404, "unknown_link", "no payment request for this link");
  bool of_request = false;
  for (const Json& inv : r->view.value("invoices", Json::array())) of_request |= text(inv, "invoice_id") == invoice_id;
  if (r->state != "paid" || !of_request)
    return refuse(404, "not_found", "an invoice's PDF is given once its request is paid");
  Json answer = ctx.books.read(ctx.db, r->clinic_id, [&](store::Database&, app::CommandLayer& commands) {
    return commands.query({{"cmd", "invoice.document"}, {"invoice_id", invoice_id}});
  });
  if (!answer.value("ok", false)) return refuse(404, "not_found", "no such invoice");
  Json document = std::move(answer["result"]);
  // Paid here and not yet in the books: the patient's copy says so all the same.
  if (const std::int64_t share = share_of(*r, invoice_id); share > 0) {
    Json& inv = document["invoice"];
    inv["allocations"].push_back({{"source_kind", "payment"},
                                  {"source_id", r->paid_by->payment_intent_id},
                                  {"amount", share},
                                  {"date", r->paid_by->paid_on},
                                  {"type", "Carte bancaire (en ligne)"},
                                  {"credit_note_number", ""}});
    inv["settled"] = integer(inv, "settled") + share;
    inv["due"] = std::max<std::int64_t>(0, integer(inv, "due") - share);
  }
  const pdf::PdfResult file = pdf::invoice_pdf(document);
  if (!file.ok()) {
    std::cerr << "quittance-server: payment page: invoice PDF failed: " << file.error << '\n';
    return refuse(500, "internal", "the PDF could not be made");
  }
  out.bytes = file.bytes;
  out.file_name = text(document["invoice"], "number") + ".pdf";
  return out;
}

}  // namespace quittance::server
