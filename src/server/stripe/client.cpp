// Stripe over libcurl. See stripe/client.h.
#include "app/bounded_json.h"
#include "server/stripe/client.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <thread>

namespace quittance::server {

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Collects the one response header we act on.
std::size_t read_header(char* data, std::size_t size, std::size_t count, void* out) {
  std::string line(data, size * count);
  const std::string name = "stripe-should-retry:";
  if (line.size() > name.size()) {
    std::string head = line.substr(0, name.size());
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (head == name) *static_cast<std::string*>(out) = line.substr(name.size());
  }
  return size * count;
}

// Stripe's own advice first (Stripe-Should-Retry), else: not answered, a 5xx, or a 409 (the
// same idempotency key still being processed) may go better a moment later.
bool worth_retrying(const StripeResponse& r) {
  if (!r.answered()) return true;
  if (r.stripe_should_retry) return *r.stripe_should_retry;
  return r.status >= 500 || r.status == 409;
}

}  // namespace

const nlohmann::json& StripeResponse::error() const {
  static const nlohmann::json null_json;
  if (!body.is_object()) return null_json;
  auto it = body.find("error");
  return it != body.end() && it->is_object() ? *it : null_json;
}

void init_http_client() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

StripeClient::StripeClient(std::string api_base, std::string secret_key)
    : api_base_(std::move(api_base)), secret_key_(std::move(secret_key)) {}

StripeClient StripeClient::on_account(const std::string& account) const {
  StripeClient scoped = *this;
  scoped.account_ = account;
  return scoped;
}

StripeResponse StripeClient::post(const std::string& path, const FormParams& params,
                                  const std::string& idempotency_key) const {
  return with_retries("POST", api_base_ + path, form_encode(params), idempotency_key);
}

StripeResponse StripeClient::get(const std::string& path, const FormParams& query) const {
  std::string url = api_base_ + path;
  if (!query.empty()) url += "?" + form_encode(query);
  return with_retries("GET", url, "", "");
}

StripeResponse StripeClient::with_retries(const std::string& method, const std::string& url, const std::string& body,
                                          const std::string& idempotency_key) const {
  // A POST without a key is never repeated: it could do twice what it did once.
  const bool repeatable = method == "GET" || !idempotency_key.empty();
  for (int attempt = 0;; ++attempt) {
    StripeResponse r = send(method, url, body, idempotency_key);
    r.attempts = attempt + 1;
    if (!repeatable || attempt >= max_retries || !worth_retrying(r)) return r;
    std::this_thread::sleep_for(backoff * (1 << attempt));
  }
}

StripeResponse StripeClient::send(const std::string& method, const std::string& url, const std::string& body,
                                  const std::string& idempotency_key) const {
  init_http_client();
  StripeResponse r;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) {
    r.transport_error = "curl_easy_init failed";
    return r;
  }
  curl_slist* headers = nullptr;
  const std::string auth = "Authorization: Bearer " + secret_key_;
  const std::string version = std::string("Stripe-Version: ") + kStripeApiVersion;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, version.c_str());
  headers = curl_slist_append(headers, "User-Agent: Quittance/1 (quittance-server)");
  const std::string account = "Stripe-Account: " + account_;
  if (!account_.empty()) headers = curl_slist_append(headers, account.c_str());
  std::string key_header;
  if (!idempotency_key.empty()) {
    key_header = "Idempotency-Key: " + idempotency_key;
    headers = curl_slist_append(headers, key_header.c_str());
  }
  if (method == "POST") headers = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, curl_slist_free_all);

  std::string response_body, retry_header;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response_body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &retry_header);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // request threads must not get SIGALRM
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    r.transport_error = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    return r;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  r.status = static_cast<int>(status);
  r.body = app::parse_bounded_json_or_discarded(response_body);
  if (r.body.is_discarded()) r.body = nullptr;
  if (retry_header.find("true") != std::string::npos) r.stripe_should_retry = true;
  if (retry_header.find("false") != std::string::npos) r.stripe_should_retry = false;
  return r;
}

}  // namespace quittance::server
