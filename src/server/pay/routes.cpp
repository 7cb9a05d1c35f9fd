// The patient payment page's routes. See pay/routes.h.
#include "server/pay/routes.h"

#include "core/sha256.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <iterator>

#include "app/payment_requests.h"
#include "server/http/api_routes.h"
#include "server/http/api_support.h"
#include "server/http/rate_limit.h"

namespace quittance::server {

namespace {

struct Limits {
  explicit Limits(SharedDatabase& db)
      : calls("pay-calls", kMaxPayCalls, kPayCallWindowSeconds, &db),
        misses("pay-misses", kMaxUnknownLinks, kUnknownLinkWindowSeconds, &db) {}
  FailureLimiter calls;
  FailureLimiter misses;
  std::atomic<std::uint64_t> seen{0};  // calls, to sweep the limiters now and then
};

// Counts the call; false after answering 429. What is being guessed is a link, so the
// address is held back only for unknown links (misses); the calls themselves count against
// the link (its token's hash), so that a patient's own page polling while the bank confirms
// never locks that patient, or anyone behind the same proxy, out.
bool admit(const httplib::Request& req, httplib::Response& res, Limits& limits, std::int64_t now,
           const std::string& token) {
  const std::string link = "link:" + core::sha256_hex(token).substr(0, 32);
  const std::int64_t wait =
      std::max(limits.calls.retry_after(link, now), limits.misses.retry_after(req.remote_addr, now));
  if (wait > 0) {
    res.set_header("Retry-After", std::to_string(wait));
    send_api_error(res, 429, "too_many_requests", "too many requests: wait and retry");
    return false;
  }
  limits.calls.failed(link, now);
  if (++limits.seen % 1024 == 0) {
    limits.calls.forget_idle(now);
    limits.misses.forget_idle(now);
  }
  return true;
}

void answer(const httplib::Request& req, httplib::Response& res, Limits& limits, std::int64_t now, const ApiAnswer& a) {
  if (a.status == 404 && a.body["error"].value("code", "") == "unknown_link")
    limits.misses.failed(req.remote_addr, now);
  send_json(res, a.status, a.body);
}

// The books could not be read (a full disk, a damaged copy): said, never a crash.
void unavailable(httplib::Response& res, const std::exception& e) {
  std::cerr << "quittance-server: payment page: " << e.what() << '\n';
  send_api_error(res, 503, "unavailable", "the payment request cannot be read just now; try again");
}

// An invoice number as a file name: nothing a header could misread.
std::string safe_file_name(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool plain =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    out += plain ? c : '_';
  }
  return out.empty() || out == ".pdf" ? "facture.pdf" : out;
}

}  // namespace

std::string url_origin(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const std::size_t end = url.find_first_of("/?#", scheme + 3);
  return url.substr(0, end);
}

std::string pay_page_csp(const ServerConfig& config) {
  const std::string js = url_origin(config.stripe_js_url);
  const std::string api = url_origin(config.stripe_api_base);
  // Real Stripe.js opens 3-D Secure challenges in frames of hooks.stripe.com and shows card
  // brand images from *.stripe.com (Stripe's published CSP); the test double needs neither.
  const bool stripe = js == "https://js.stripe.com";
  return "default-src 'none'; script-src 'self' " + js + "; frame-src " + js +
         (stripe ? " https://hooks.stripe.com" : "") + "; connect-src 'self' " + api +
         "; style-src 'self'; img-src 'self' data:" + (stripe ? " https://*.stripe.com" : "") +
         "; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

void install_pay_routes(httplib::Server& server, std::shared_ptr<PayContext> ctx,
                        std::shared_ptr<SnapshotStore> books) {
  auto limits = std::make_shared<Limits>(ctx->db);
  server.Get(R"(/api/pay/([^/]+))", [ctx, books, limits](const httplib::Request& req, httplib::Response& res) {
    const std::int64_t now = ctx->now();
    if (!admit(req, res, *limits, now, req.matches[1])) return;
    try {
      answer(req, res, *limits, now, pay_view(*ctx, req.matches[1]));
    } catch (const store::StoreError& e) {
      unavailable(res, e);
    }
  });
  server.Post(R"(/api/pay/([^/]+)/intent)", [ctx, books, limits](const httplib::Request& req, httplib::Response& res) {
    const std::int64_t now = ctx->now();
    if (!admit(req, res, *limits, now, req.matches[1])) return;
    std::optional<Json> body = json_object_body(req, res, /*optional_body=*/true);
    if (!body) return;
    try {
      answer(req, res, *limits, now, pay_intent(*ctx, req.matches[1], *body));
    } catch (const store::StoreError& e) {
      unavailable(res, e);
    }
  });
  server.Get(R"(/api/pay/([^/]+)/invoices/([^/]+)/pdf)",
             [ctx, books, limits](const httplib::Request& req, httplib::Response& res) {
               const std::int64_t now = ctx->now();
               if (!admit(req, res, *limits, now, req.matches[1])) return;
               PdfAnswer pdf;
               try {
                 pdf = pay_invoice_pdf(*ctx, req.matches[1], req.matches[2]);
               } catch (const store::StoreError& e) {
                 return unavailable(res, e);
               }
               if (pdf.status != 200) return answer(req, res, *limits, now, {pdf.status, pdf.error});
               res.status = 200;
               res.set_header("Cache-Control", "no-store");
               res.set_header("X-Content-Type-Options", "nosniff");
               res.set_header("Content-Disposition", "attachment; filename=\"" + safe_file_name(pdf.file_name) + "\"");
               res.set_content(reinterpret_cast<const char*>(pdf.bytes.data()), pdf.bytes.size(), "application/pdf");
             });
}

void install_pay_page(httplib::Server& server, const std::string& web_dir, const ServerConfig& config) {
  const std::string csp = pay_page_csp(config);
  const std::string page = web_dir + "/pay.html";
  server.Get(R"(/pay/.*)", [csp, page](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Referrer-Policy", "same-origin");
    // Any path that could be a link is the page (it asks the API whether the link is one);
    // nothing else lives under /pay/.
    const std::string token = req.path.substr(5);
    std::ifstream in(page, std::ios::binary);
    if (!app::requests::is_valid_token(token) || !in) {
      res.status = 404;
      res.set_content("Not found\n", "text/plain; charset=utf-8");
      return;
    }
    res.set_header("Content-Security-Policy", csp);
    res.status = 200;
    res.set_content(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
                    "text/html; charset=utf-8");
  });
}

}  // namespace quittance::server
