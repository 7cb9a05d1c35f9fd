// The patient payment page's HTTP surface (docs/payment_requests.md), no device token:
//   GET  /pay/TOKEN                             web/pay.html under a strict Content-Security-Policy
//   GET  /api/pay/TOKEN                         what the page shows
//   POST /api/pay/TOKEN/intent                  the intent the page confirms with Stripe.js
//   GET  /api/pay/TOKEN/invoices/ID/pdf         an invoice of a paid request, as PDF
// Every /api/pay/ call counts against its link (a page polls once a second while the bank
// confirms, so the limit is generous), and unknown links against the client address (the
// peer's, or the one a trusted proxy forwarded): 429 with Retry-After.
// The logic is in pay/page.h.
#pragma once
#include <httplib.h>

#include <cstdint>
#include <memory>
#include <string>

#include "server/config.h"
#include "server/pay/page.h"

namespace quittance::server {

inline constexpr int kMaxPayCalls = 600;  // per link, in the window below
inline constexpr std::int64_t kPayCallWindowSeconds = 5 * 60;
inline constexpr int kMaxUnknownLinks = 20;  // per address, in the window below
inline constexpr std::int64_t kUnknownLinkWindowSeconds = 10 * 60;

// "https://js.stripe.com" for "https://js.stripe.com/v3/": scheme, host and port.
std::string url_origin(const std::string& url);

// The page's Content-Security-Policy: scripts and frames from itself and Stripe.js's origin,
// calls to itself and Stripe's API origin, nothing inline.
std::string pay_page_csp(const ServerConfig& config);

// The /api/pay/ routes; installed before the /api/ fallback. `books` must outlive the server.
void install_pay_routes(httplib::Server& server, std::shared_ptr<PayContext> ctx, std::shared_ptr<SnapshotStore> books);

// GET /pay/TOKEN; installed before the static files.
void install_pay_page(httplib::Server& server, const std::string& web_dir, const ServerConfig& config);

}  // namespace quittance::server
