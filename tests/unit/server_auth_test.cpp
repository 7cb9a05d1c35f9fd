// quittance-server's API over real sockets on 127.0.0.1: device tokens, pairing, request body
// rules, the Stripe webhook and CORS. Each test runs its own server (its configuration and a
// clock the test can move) on a fresh data folder; the clinic and its first device are made
// the way create-clinic makes them. Also the pure parts behind them: the environment, the
// create-clinic command line, names, codes and tokens.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "core/schedule.h"
#include "core/sha256.h"
#include "server/config.h"
#include "server/devices/devices.h"
#include "server/devices/tokens.h"
#include "server/http/api_routes.h"
#include "server/http/static_files.h"
#include "server/options.h"
#include "server/routes.h"
#include "server/store/server_db.h"
#include "server/stripe/signature.h"
#include "server_fixture.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;
namespace fs = std::filesystem;

namespace {

// Sends `request` as written on a new connection and returns all that comes back until the
// server closes it (5 s at most).
std::string raw_exchange(int port, const std::string& request) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return answer;
}

using Err = std::pair<int, std::string>;

std::string event_json(const std::string& id, const std::string& type = "payment_intent.succeeded") {
  return Json{{"id", id}, {"object", "event"}, {"type", type}, {"data", {{"object", {{"id", "pi_1"}}}}}}.dump();
}

}  // namespace

// --- devices and tokens ----------------------------------------------------------------------

TEST_CASE("a clinic's first device is known by its token, which is stored only hashed") {
  ApiServer s;
  CHECK(s.admin.device_token.size() == 64);
  CHECK(s.admin.clinic_id.size() == 36);
  CHECK(s.admin.device_id.size() == 36);
  CHECK(s.admin.clinic_id != s.admin.device_id);

  auto res = s.get("/api/whoami", ApiServer::bearer(s.admin.device_token));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(body_of(res) == Json{{"ok", true},
                             {"clinic_id", s.admin.clinic_id},
                             {"device_id", s.admin.device_id},
                             {"device_name", std::string(kFirstDeviceName)},
                             {"series", ""},  // a token for scripts: it issues no documents
                             {"device_role", "owner"},
                             {"card_payments", false},
                             {"online_payments", {{"mode", "none"}, {"state", "unavailable"}}},  // no Stripe key
                             {"pay_base_url", ""}});  // QUITTANCE_PUBLIC_URL unset
  CHECK(res->get_header_value("Cache-Control") == "no-store");

  // The database holds the SHA-256 of the token, and the token nowhere.
  CHECK(s.count("SELECT count(*) FROM devices WHERE token_hash = '" + core::sha256_hex(s.admin.device_token) + "'") ==
        1);
  CHECK(s.count("SELECT count(*) FROM devices WHERE token_hash || id || name LIKE '%" + s.admin.device_token + "%'") ==
        0);
  CHECK(s.count("SELECT count(*) FROM clinics WHERE name = 'Cabinet Hélène Crête'") == 1);
}

TEST_CASE("whoami without a token, with a wrong one or a revoked one is a 401") {
  ApiServer s;
  auto none = s.get("/api/whoami");
  CHECK(error_of(none) == Err{401, "unauthorized"});
  CHECK(none->get_header_value("WWW-Authenticate") == "Bearer");

  const std::string unknown = new_device_token();
  for (const httplib::Headers& headers :
       std::vector<httplib::Headers>{ApiServer::bearer(unknown),
                                     ApiServer::bearer("not-a-token"),
                                     ApiServer::bearer(""),
                                     {{"Authorization", s.admin.device_token}},             // no scheme
                                     {{"Authorization", "Basic " + s.admin.device_token}},  // another scheme
                                     {{"Authorization", "Bearer" + s.admin.device_token}},  // no space
                                     {{"Authorization", "Bearer " + s.admin.device_token + " x"}},
                                     ApiServer::bearer(s.admin.device_token.substr(0, 63)),
                                     ApiServer::bearer(std::string(64, 'A'))}) {
    CAPTURE(headers.begin() != headers.end() ? headers.begin()->second : "");
    auto res = s.get("/api/whoami", headers);
    CHECK(error_of(res) == Err{401, "unauthorized"});
    // The token is never echoed back.
    CHECK(res->body.find(s.admin.device_token) == std::string::npos);
  }
  // The scheme is case-insensitive (RFC 9110), blanks around the token are tolerated.
  auto lower = s.get("/api/whoami", {{"Authorization", "bearer   " + s.admin.device_token + " "}});
  REQUIRE(lower);
  CHECK(lower->status == 200);

  s.db->with([&](Sql& d) {
    d.prepare("UPDATE devices SET revoked = 1 WHERE id = ?").bind(1, s.admin.device_id).step();
  });
  CHECK(error_of(s.get("/api/whoami", ApiServer::bearer(s.admin.device_token))) == Err{401, "unauthorized"});
}

TEST_CASE("the /api/ namespace needs a token except the webhook and /api/pay/") {
  ApiServer s;
  CHECK(error_of(s.get("/api/nothing-here")) == Err{401, "unauthorized"});
  CHECK(error_of(s.post("/api/devices/pairing-code", "")) == Err{401, "unauthorized"});
  CHECK(error_of(s.get("/api/nothing-here", ApiServer::bearer(s.admin.device_token))) == Err{404, "not_found"});
  CHECK(error_of(s.get("/api/pay/some-invoice")) == Err{404, "unknown_link"});  // the payment page's API
  CHECK(error_of(s.get("/api/pay/some/thing")) == Err{404, "not_found"});
  CHECK(error_of(s.get("/api/stripe/webhook")) == Err{404, "not_found"});  // GET: no such route, no 401
  // The webhook's own checks answer, not the token check.
  CHECK(error_of(s.post("/api/stripe/webhook", event_json("evt_x"))).first == 400);
}

TEST_CASE("an exception in a handler is a JSON 500 that tells nothing of the database") {
  ApiServer s;
  s.db->with([](Sql& d) { d.exec("DROP TABLE pairing_codes"); });
  auto res = s.post("/api/devices/pairing-code", "", "", ApiServer::bearer(s.admin.device_token));
  CHECK(error_of(res) == Err{500, "internal"});
  CHECK(res->body.find("pairing_codes") == std::string::npos);
  CHECK(s.get("/healthz")->status == 200);  // and the server goes on
}

// --- pairing ----------------------------------------------------------------------------------

TEST_CASE("pairing: a code lets one new device join the clinic, once") {
  ApiServer s;
  const std::int64_t before = s.now();
  auto made = s.post("/api/devices/pairing-code", "", "", ApiServer::bearer(s.admin.device_token));
  const std::int64_t after = s.now();
  REQUIRE(made);
  CHECK(made->status == 201);
  Json code_body = body_of(made);
  const std::string code = code_body["code"];
  CHECK(code.size() == 8);
  CHECK(code.find_first_not_of(kPairingAlphabet) == std::string::npos);
  CHECK(code_body["expires_in"] == 600);
  const std::string expires_at = code_body["expires_at"];
  CHECK((expires_at == core::format_utc_instant(before + 600) || expires_at == core::format_utc_instant(after + 600)));
  CHECK(s.count("SELECT count(*) FROM pairing_codes WHERE code_hash = '" + core::sha256_hex(code) + "'") == 1);
  CHECK(s.count("SELECT count(*) FROM pairing_codes WHERE code_hash = '" + code + "'") == 0);

  // Typed as a person would: lower case, with a dash.
  const std::string typed = "  " + code.substr(0, 4) + "-" + code.substr(4) + " ";
  std::string lowered = typed;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto paired = s.post("/api/devices/pair", Json{{"code", lowered}, {"name", "Accueil"}}.dump());
  REQUIRE(paired);
  CHECK(paired->status == 201);
  Json device = body_of(paired);
  CHECK(device["clinic_id"] == s.admin.clinic_id);
  CHECK(device["device_id"] != s.admin.device_id);
  const std::string token = device["device_token"];
  CHECK(token != s.admin.device_token);

  auto who = s.get("/api/whoami", ApiServer::bearer(token));
  REQUIRE(who);
  CHECK(body_of(who)["device_name"] == "Accueil");
  CHECK(body_of(who)["clinic_id"] == s.admin.clinic_id);

  // The same code again: spent, and nothing created.
  auto again = s.post("/api/devices/pair", Json{{"code", code}, {"name", "Second"}}.dump());
  CHECK(error_of(again) == Err{410, "code_used"});
  CHECK(s.count("SELECT count(*) FROM devices") == 2);
  CHECK(s.count("SELECT count(*) FROM pairing_codes WHERE used = 1") == 1);
}

TEST_CASE("pairing: unknown and malformed codes are a 400, nothing created") {
  ApiServer s;
  for (const std::string& code : {std::string("ABCDEFGH"), std::string("23456789"), std::string("ABC"),
                                  std::string("ABCDEFGHJ"), std::string("0OIL1OIL"), std::string("")}) {
    CAPTURE(code);
    CHECK(error_of(s.post("/api/devices/pair", Json{{"code", code}, {"name", "Accueil"}}.dump())) ==
          Err{400, "invalid_code"});
  }
  CHECK(s.count("SELECT count(*) FROM devices") == 1);
}

TEST_CASE("pairing: a code expires after 10 minutes, and a refused name does not spend it") {
  ApiServer s;
  auto new_code = [&s] {
    auto res = s.post("/api/devices/pairing-code", "{}", "application/json", ApiServer::bearer(s.admin.device_token));
    REQUIRE(res);
    REQUIRE(res->status == 201);
    return body_of(res)["code"].get<std::string>();
  };
  const std::string late = new_code();
  const std::string in_time = new_code();
  CHECK(late != in_time);

  s.skew = 590;  // within the 10 minutes (with room for a slow second or two)
  auto bad_name = s.post("/api/devices/pair", Json{{"code", in_time}, {"name", " \t "}}.dump());
  CHECK(error_of(bad_name) == Err{400, "invalid_argument"});
  auto ok = s.post("/api/devices/pair", Json{{"code", in_time}, {"name", "Cabinet 2"}}.dump());
  REQUIRE(ok);
  CHECK(ok->status == 201);

  s.skew = 600;  // expires_at is reached: refused
  CHECK(error_of(s.post("/api/devices/pair", Json{{"code", late}, {"name", "Trop tard"}}.dump())) ==
        Err{410, "code_expired"});
  CHECK(s.count("SELECT count(*) FROM devices") == 2);
  CHECK(s.count("SELECT count(*) FROM pairing_codes WHERE used = 0") == 1);  // the late one, unspent

  // A code whose expires_at was written in the past, straight into the database.
  const std::string old = new_code();
  s.db->with([&](Sql& d) {
    d.prepare("UPDATE pairing_codes SET expires_at = 1000 WHERE code_hash = ?").bind(1, core::sha256_hex(old)).step();
  });
  CHECK(error_of(s.post("/api/devices/pair", Json{{"code", old}, {"name", "Vieux"}}.dump())) ==
        Err{410, "code_expired"});
}

TEST_CASE("pairing: the request's fields are checked") {
  ApiServer s;
  CHECK(error_of(s.post("/api/devices/pair", R"({"name":"Accueil"})")) == Err{400, "invalid_argument"});
  CHECK(error_of(s.post("/api/devices/pair", R"({"code":12345678,"name":"Accueil"})")) == Err{400, "invalid_argument"});
  CHECK(error_of(s.post("/api/devices/pair", R"({"code":"ABCDEFGH"})")) == Err{400, "invalid_argument"});
  CHECK(error_of(s.post("/api/devices/pair", R"({"code":"ABCDEFGH","name":"a\u0000b"})")) ==
        Err{400, "invalid_argument"});
  CHECK(error_of(s.post("/api/devices/pair", Json{{"code", "ABCDEFGH"}, {"name", std::string(101, 'x')}}.dump())) ==
        Err{400, "invalid_argument"});
  CHECK(error_of(s.post("/api/devices/pair", "[1,2]")) == Err{400, "invalid_argument"});
  CHECK(error_of(s.post("/api/devices/pair", "\"text\"")) == Err{400, "invalid_argument"});
}

// --- request bodies ---------------------------------------------------------------------------

TEST_CASE("bodies: too large 413, wrong type 415, malformed 400, and the server keeps serving") {
  ApiServer s;
  const std::string big = Json{{"code", "ABCDEFGH"}, {"name", std::string(kMaxJsonBody, 'x')}}.dump();
  CHECK(error_of(s.post("/api/devices/pair", big)) == Err{413, "payload_too_large"});
  // Past httplib's own limit: its 413, dressed as JSON.
  CHECK(error_of(s.post("/api/stripe/webhook", std::string(kMaxRequestBody + 1, ' '))) ==
        Err{413, "payload_too_large"});

  const std::string pair = Json{{"code", "ABCDEFGH"}, {"name", "Accueil"}}.dump();
  CHECK(error_of(s.post("/api/devices/pair", pair, "text/plain")) == Err{415, "unsupported_media_type"});
  CHECK(error_of(s.post("/api/devices/pair", pair, "application/x-www-form-urlencoded")) ==
        Err{415, "unsupported_media_type"});
  CHECK(error_of(s.post("/api/devices/pair", pair, "")) == Err{415, "unsupported_media_type"});
  CHECK(error_of(s.post("/api/devices/pair", pair, "application/jsonx")) == Err{415, "unsupported_media_type"});
  // With parameters and in any case, JSON is JSON.
  CHECK(error_of(s.post("/api/devices/pair", pair, "Application/JSON; charset=utf-8")) == Err{400, "invalid_code"});

  for (const std::string& bad : {std::string("{"), std::string("{\"code\":}"), std::string("not json"),
                                 std::string("{\"name\":\"\xff\"}"), std::string(60000, '[')}) {
    CAPTURE(bad.substr(0, 20));
    CHECK(error_of(s.post("/api/devices/pair", bad)) == Err{400, "malformed_json"});
  }
  // Deep but valid nesting is refused while parsing (a value that deep would overflow the
  // stack when copied or dumped), and the server keeps serving.
  for (std::size_t depth : {65, 20000, 32000}) {
    CAPTURE(depth);
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    CHECK(error_of(s.post("/api/devices/pair", deep)) == Err{400, "malformed_json"});
  }
  const std::string at_bound = std::string(64, '[') + std::string(64, ']');
  CHECK(error_of(s.post("/api/devices/pair", at_bound)) == Err{400, "invalid_argument"});

  // An authenticated route checks the token before the body.
  CHECK(error_of(s.post("/api/devices/pairing-code", "{", "application/json")) == Err{401, "unauthorized"});
  CHECK(error_of(s.post("/api/devices/pairing-code", "{", "application/json",
                        ApiServer::bearer(s.admin.device_token))) == Err{400, "malformed_json"});
  CHECK(error_of(s.post("/api/devices/pairing-code", "x", "text/plain", ApiServer::bearer(s.admin.device_token))) ==
        Err{415, "unsupported_media_type"});
  CHECK(s.get("/healthz")->status == 200);
}

TEST_CASE("bodies: chunked and compressed requests are refused before they are read") {
  ApiServer s;
  // A chunked body is not held to httplib's payload limit: refused outright, whatever its size.
  auto chunked_post = [&s](std::size_t total) {
    auto sent = std::make_shared<std::size_t>(0);
    return s.client().Post(
        "/api/devices/pair",
        [sent, total](std::size_t, httplib::DataSink& sink) {
          if (*sent < total) {
            std::string chunk(std::min<std::size_t>(64 * 1024, total - *sent), ' ');
            sink.write(chunk.data(), chunk.size());
            *sent += chunk.size();
          } else {
            sink.done();
          }
          return true;
        },
        "application/json");
  };
  // The server answers and closes with the body unread: now and then the client's write meets
  // the close (a reset) before it reads the answer, under the sanitizers mostly. A lost answer
  // is tried again; five in a row would be a real failure.
  httplib::Result small = chunked_post(100);
  for (int attempt = 1; attempt < 5 && !small; ++attempt) small = chunked_post(100);
  REQUIRE(small);
  CHECK(error_of(small) == Err{411, "length_required"});
  CHECK(small->get_header_value("Connection") == "close");  // its body is left unread
  // 2 MiB: the server answers at once and closes, so the client may fail to send it all
  // before it reads the answer. Either way the body is neither read nor handled.
  auto big = chunked_post(2 * kMaxRequestBody);
  if (big) CHECK(error_of(big) == Err{411, "length_required"});

  // No Content-Length at all (curl -X POST without -d): httplib's client always sends one, so
  // this request is written by hand.
  const std::string bare = raw_exchange(s.port,
                                        "POST /api/devices/pairing-code HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        "Authorization: Bearer " +
                                            s.admin.device_token + "\r\nConnection: close\r\n\r\n");
  CHECK(bare.rfind("HTTP/1.1 411 ", 0) == 0);
  CHECK(bare.find("\"code\":\"length_required\"") != std::string::npos);
  CHECK(s.count("SELECT count(*) FROM pairing_codes") == 0);

  // A gzip body would be inflated without limit.
  const std::string gz = gzip_compress(std::string(4 * 1024 * 1024, ' '));
  auto zipped = s.post("/api/devices/pair", gz, "application/json", {{"Content-Encoding", "gzip"}});
  CHECK(error_of(zipped) == Err{415, "unsupported_encoding"});
  auto zipped_hook = s.post("/api/stripe/webhook", gz, "application/json", {{"Content-Encoding", "gzip"}});
  CHECK(error_of(zipped_hook) == Err{415, "unsupported_encoding"});
  CHECK(s.count("SELECT count(*) FROM stripe_events") == 0);
  CHECK(s.get("/healthz")->status == 200);
}

// --- Stripe webhook ---------------------------------------------------------------------------

TEST_CASE("webhook: a signed event is stored once, however often it is delivered") {
  ApiServer s;
  const std::string body = event_json("evt_1NG8Du2eZvKYlo2CUI79vXWy");
  auto first = s.deliver(body, s.now());
  REQUIRE(first);
  CHECK(first->status == 200);
  CHECK(body_of(first) == Json{{"ok", true}, {"event_id", "evt_1NG8Du2eZvKYlo2CUI79vXWy"}, {"duplicate", false}});
  const std::string received_at = s.db->with([](Sql& d) {
    SqlStatement st = d.prepare("SELECT received_at, type, payload FROM stripe_events");
    REQUIRE(st.step());
    CHECK(st.column_text(1) == "payment_intent.succeeded");
    return st.column_text(0) + "|" + st.column_text(2);
  });
  CHECK(received_at.substr(received_at.find('|') + 1) == body);  // the raw body, byte for byte

  s.skew = 5;  // later deliveries, as Stripe's retries come
  for (int i = 0; i < 2; ++i) {
    auto again = s.deliver(body, s.now());
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(body_of(again)["duplicate"] == true);
  }
  CHECK(s.count("SELECT count(*) FROM stripe_events") == 1);
  CHECK(s.db->with([](Sql& d) {
    SqlStatement st = d.prepare("SELECT received_at || '|' || payload FROM stripe_events");
    REQUIRE(st.step());
    return st.column_text(0);
  }) == received_at);  // the first copy, untouched

  auto other = s.deliver(event_json("evt_2", "charge.refunded"), s.now());
  REQUIRE(other);
  CHECK(other->status == 200);
  CHECK(s.count("SELECT count(*) FROM stripe_events") == 2);
}

TEST_CASE("webhook: forged, tampered, stale or unsigned deliveries are a 400 and store nothing") {
  ApiServer s;
  const std::string body = event_json("evt_forged");
  auto reason = [](const httplib::Result& res) {
    REQUIRE(res);
    Json b = Json::parse(res->body);
    CHECK(b["error"]["code"] == "invalid_signature");
    return std::make_pair(res->status, b["error"]["reason"].get<std::string>());
  };
  using Reason = std::pair<int, std::string>;
  CHECK(reason(s.deliver(body, s.now(), "whsec_wrong")) == Reason{400, "no_matching_signature"});
  CHECK(reason(s.deliver(body, s.now() - 301)) == Reason{400, "timestamp_outside_tolerance"});
  CHECK(reason(s.deliver(body, s.now() + 301)) == Reason{400, "timestamp_outside_tolerance"});
  CHECK(reason(s.post("/api/stripe/webhook", body)) == Reason{400, "missing_header"});
  CHECK(reason(s.post("/api/stripe/webhook", body, "application/json", {{"Stripe-Signature", "t=1,v2=x"}})) ==
        Reason{400, "malformed_header"});

  // Signed for one body, delivered with another.
  const std::string ts = std::to_string(s.now());
  auto tampered = s.post("/api/stripe/webhook", event_json("evt_other"), "application/json",
                         {{"Stripe-Signature", "t=" + ts + ",v1=" + stripe_signature_v1(ts, body, kWebhookSecret)}});
  CHECK(reason(tampered) == Reason{400, "no_matching_signature"});

  // Genuinely signed but not an event.
  CHECK(error_of(s.deliver("[1]", s.now())) == Err{400, "malformed_json"});
  CHECK(error_of(s.deliver(R"({"type":"x"})", s.now())) == Err{400, "invalid_event"});
  CHECK(error_of(s.deliver(R"({"id":"","type":"x"})", s.now())) == Err{400, "invalid_event"});
  CHECK(error_of(s.deliver(R"({"id":"evt_3","type":7})", s.now())) == Err{400, "invalid_event"});
  CHECK(s.count("SELECT count(*) FROM stripe_events") == 0);
}

TEST_CASE("webhook: without STRIPE_WEBHOOK_SECRET it answers 503 and stores nothing") {
  ServerConfig config = test_config();
  config.stripe_webhook_secret.clear();
  ApiServer s(config);
  // Even a delivery "signed" with the empty secret.
  CHECK(error_of(s.deliver(event_json("evt_1"), s.now(), "")) == Err{503, "webhook_not_configured"});
  CHECK(error_of(s.deliver(event_json("evt_1"), s.now())) == Err{503, "webhook_not_configured"});
  CHECK(s.count("SELECT count(*) FROM stripe_events") == 0);
}

// --- CORS -------------------------------------------------------------------------------------

TEST_CASE("CORS: the allowed origin gets its preflight and its headers, another origin nothing") {
  ApiServer s;
  const httplib::Headers preflight = {{"Origin", kOrigin},
                                      {"Access-Control-Request-Method", "POST"},
                                      {"Access-Control-Request-Headers", "authorization, content-type"}};
  auto ok = s.client().Options("/api/devices/pairing-code", preflight);
  REQUIRE(ok);
  CHECK(ok->status == 204);
  CHECK(ok->get_header_value("Access-Control-Allow-Origin") == kOrigin);
  CHECK(ok->get_header_value("Access-Control-Allow-Headers") == "Authorization, Content-Type");
  CHECK(ok->get_header_value("Access-Control-Allow-Methods").find("POST") != std::string::npos);
  CHECK(ok->get_header_value("Vary") == "Origin");

  auto evil = s.client().Options("/api/devices/pairing-code",
                                 {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  REQUIRE(evil);
  CHECK_FALSE(evil->has_header("Access-Control-Allow-Origin"));
  CHECK_FALSE(evil->has_header("Access-Control-Allow-Headers"));
  // A look-alike of the allowed origin is another origin.
  auto suffix = s.get("/api/whoami",
                      {{"Origin", kOrigin + ".evil.example"}, {"Authorization", "Bearer " + s.admin.device_token}});
  REQUIRE(suffix);
  CHECK(suffix->status == 200);
  CHECK_FALSE(suffix->has_header("Access-Control-Allow-Origin"));

  // Actual requests, errors included (the page must be able to read a 401).
  auto who = s.get("/api/whoami", {{"Origin", kOrigin}, {"Authorization", "Bearer " + s.admin.device_token}});
  REQUIRE(who);
  CHECK(who->status == 200);
  CHECK(who->get_header_value("Access-Control-Allow-Origin") == kOrigin);
  auto denied = s.get("/api/whoami", {{"Origin", kOrigin}});
  REQUIRE(denied);
  CHECK(denied->status == 401);
  CHECK(denied->get_header_value("Access-Control-Allow-Origin") == kOrigin);
  auto too_big =
      s.post("/api/stripe/webhook", std::string(kMaxRequestBody + 1, ' '), "application/json", {{"Origin", kOrigin}});
  REQUIRE(too_big);
  CHECK(too_big->status == 413);
  CHECK(too_big->get_header_value("Access-Control-Allow-Origin") == kOrigin);
  // Outside /api/, no CORS at all.
  auto health = s.get("/healthz", {{"Origin", kOrigin}});
  REQUIRE(health);
  CHECK_FALSE(health->has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("CORS: without QUITTANCE_ALLOWED_ORIGIN no origin is allowed") {
  ServerConfig config = test_config();
  config.allowed_origin.clear();
  ApiServer s(config);
  auto preflight = s.client().Options("/api/whoami", {{"Origin", kOrigin}, {"Access-Control-Request-Method", "GET"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK_FALSE(preflight->has_header("Access-Control-Allow-Origin"));
  auto who = s.get("/api/whoami", {{"Origin", kOrigin}, {"Authorization", "Bearer " + s.admin.device_token}});
  REQUIRE(who);
  CHECK(who->status == 200);
  CHECK_FALSE(who->has_header("Access-Control-Allow-Origin"));
}

// --- pure parts -------------------------------------------------------------------------------

TEST_CASE("configuration from the environment: defaults, normalised URLs, refused values") {
  auto from = [](std::map<std::string, std::string> env) {
    return config_from_environment([env](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  };
  ParsedConfig empty = from({});
  REQUIRE(empty.ok());
  CHECK(empty.config.stripe_api_base == "https://api.stripe.com");
  CHECK(empty.config.stripe_webhook_secret.empty());
  CHECK(empty.config.allowed_origin.empty());

  ParsedConfig full = from({{"STRIPE_SECRET_KEY", "sk_test_1"},
                            {"STRIPE_WEBHOOK_SECRET", "whsec_1"},
                            {"STRIPE_API_BASE", "http://127.0.0.1:12111/"},
                            {"QUITTANCE_PUBLIC_URL", "https://pay.example.fr/"},
                            {"QUITTANCE_ALLOWED_ORIGIN", "https://app.example.fr:8443"}});
  REQUIRE(full.ok());
  CHECK(full.config.stripe_secret_key == "sk_test_1");
  CHECK(full.config.stripe_webhook_secret == "whsec_1");
  CHECK(full.config.stripe_api_base == "http://127.0.0.1:12111");
  CHECK(full.config.public_url == "https://pay.example.fr");
  CHECK(full.config.allowed_origin == "https://app.example.fr:8443");

  CHECK(from({{"STRIPE_API_BASE", ""}}).config.stripe_api_base == "https://api.stripe.com");  // empty: unset
  for (const char* origin : {"*", "https://app.example.fr/", "app.example.fr", "https://", "https://a b",
                             "https://app.example.fr/path", "null"}) {
    CAPTURE(origin);
    ParsedConfig bad = from({{"QUITTANCE_ALLOWED_ORIGIN", origin}});
    CHECK_FALSE(bad.ok());
    CHECK(bad.error.find("QUITTANCE_ALLOWED_ORIGIN") != std::string::npos);
  }
  CHECK(from({{"STRIPE_API_BASE", "ftp://x"}}).error.find("STRIPE_API_BASE") != std::string::npos);
  CHECK(from({{"QUITTANCE_PUBLIC_URL", "pay.example.fr"}}).error.find("QUITTANCE_PUBLIC_URL") != std::string::npos);
  // Stripe's mode: single by default with a key (one clinic's own account), platform on demand
  // with its Connect secret and public address; none without a key.
  CHECK(empty.config.stripe_mode == StripeMode::none);
  CHECK(full.config.stripe_mode == StripeMode::single);
  CHECK(full.config.stripe_dashboard_url == "https://dashboard.stripe.com/test/dashboard");
  ParsedConfig platform = from({{"STRIPE_SECRET_KEY", "sk_live_1"},
                                {"STRIPE_MODE", "platform"},
                                {"STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_c"},
                                {"STRIPE_PUBLISHABLE_KEY", "pk_live_1"},
                                {"QUITTANCE_PUBLIC_URL", "https://quittance.example.fr"}});
  REQUIRE(platform.ok());
  CHECK(platform.config.stripe_mode == StripeMode::platform);
  CHECK(platform.config.stripe_connect_webhook_secret == "whsec_c");
  CHECK(platform.config.stripe_dashboard_url == "https://dashboard.stripe.com/");
  CHECK(from({{"STRIPE_MODE", "platform"}}).error.find("STRIPE_SECRET_KEY") != std::string::npos);
  CHECK(from({{"STRIPE_SECRET_KEY", "sk_1"}, {"STRIPE_MODE", "connect"}}).error.find("STRIPE_MODE") != std::string::npos);
  CHECK(from({{"STRIPE_SECRET_KEY", "sk_1"}, {"STRIPE_MODE", "platform"}, {"QUITTANCE_PUBLIC_URL", "https://q.fr"}})
            .error.find("STRIPE_CONNECT_WEBHOOK_SECRET") != std::string::npos);
  CHECK(from({{"STRIPE_SECRET_KEY", "sk_1"}, {"STRIPE_MODE", "platform"}, {"STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_c"}})
            .error.find("QUITTANCE_PUBLIC_URL") != std::string::npos);
  CHECK(from({{"STRIPE_SECRET_KEY", "sk_1"},
              {"STRIPE_MODE", "platform"},
              {"STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_c"},
              {"QUITTANCE_PUBLIC_URL", "https://q.fr"}})
            .error.find("STRIPE_PUBLISHABLE_KEY") != std::string::npos);
  CHECK(from({{"STRIPE_SECRET_KEY", "sk_1"}, {"STRIPE_CONNECT_WEBHOOK_SECRET", "whsec_c"}})
            .error.find("STRIPE_MODE") != std::string::npos);
  CHECK(from({{"STRIPE_SECRET_KEY", "sk_1"}, {"STRIPE_DASHBOARD_URL", "dashboard"}}).error.find("STRIPE_DASHBOARD_URL") !=
        std::string::npos);

  // A secret is never part of an error message.
  ParsedConfig secret_and_bad = from({{"STRIPE_SECRET_KEY", "sk_live_SECRET"}, {"STRIPE_API_BASE", "x"}});
  CHECK(secret_and_bad.error.find("sk_live_SECRET") == std::string::npos);

  // SMTP: off unless SMTP_URL is set; then SMTP_FROM is required.
  CHECK(empty.config.smtp.url.empty());
  ParsedConfig mail = from({{"SMTP_URL", "smtps://smtp.example.fr:465"},
                            {"SMTP_USER", "cabinet"},
                            {"SMTP_PASSWORD", "pw-SECRET"},
                            {"SMTP_FROM", "\"Cabinet Hélène Dupré\" <factures@cabinet-exemple.fr>"}});
  REQUIRE(mail.ok());
  CHECK(mail.config.smtp.url == "smtps://smtp.example.fr:465");
  CHECK(mail.config.smtp.user == "cabinet");
  CHECK(mail.config.smtp.password == "pw-SECRET");
  CHECK(mail.config.smtp.from_name == "Cabinet Hélène Dupré");
  CHECK(mail.config.smtp.from_address == "factures@cabinet-exemple.fr");
  ParsedConfig bare = from({{"SMTP_URL", "smtp://127.0.0.1:2525"}, {"SMTP_FROM", "factures@cabinet-exemple.fr"}});
  REQUIRE(bare.ok());
  CHECK(bare.config.smtp.from_name.empty());
  CHECK(bare.config.smtp.from_address == "factures@cabinet-exemple.fr");
  CHECK(from({{"SMTP_URL", "smtp://h:587"}, {"SMTP_FROM", "Cabinet <a@b.fr>"}}).config.smtp.from_name == "Cabinet");

  auto error_of = [&from](std::map<std::string, std::string> env) { return from(std::move(env)).error; };
  const std::string from_ok = "a@b.fr";

  // MAIL_HOURS: the sending window, 08:00–20:00 unless set to two hours in order.
  CHECK(empty.config.mail_opens == 8);
  CHECK(empty.config.mail_closes == 20);
  const ParsedConfig always = from({{"MAIL_HOURS", "0-24"}});
  REQUIRE(always.ok());
  CHECK(always.config.mail_opens == 0);
  CHECK(always.config.mail_closes == 24);
  for (const char* bad : {"20-8", "8-25", "-1-20", "8", "8-20h", "huit-vingt", "8-8"}) {
    CAPTURE(bad);
    CHECK(error_of({{"MAIL_HOURS", bad}}).find("MAIL_HOURS") != std::string::npos);
  }
  CHECK(error_of({{"SMTP_URL", "smtp://h:587"}}).find("SMTP_FROM") != std::string::npos);
  for (const char* url : {"http://h", "h:587", "smtp://", "smtp://h 1", "smtp:///x", "smtps://user:pw-SECRET@h:465"}) {
    CAPTURE(url);
    const std::string error = error_of({{"SMTP_URL", url}, {"SMTP_FROM", from_ok}});
    CHECK(error.find("SMTP_URL") != std::string::npos);
    CHECK(error.find("pw-SECRET") == std::string::npos);  // the URL is not repeated: it may hold one
  }
  for (const char* bad_from : {"factures", "Cabinet <factures>", "Cabinet <a@b.fr", "a@b.fr\r\nBcc: c@d.fr"}) {
    CAPTURE(bad_from);
    CHECK(error_of({{"SMTP_URL", "smtp://h:587"}, {"SMTP_FROM", bad_from}}).find("SMTP_FROM") != std::string::npos);
  }
  CHECK(error_of({{"SMTP_URL", "smtp://h:587"}, {"SMTP_FROM", from_ok}, {"SMTP_USER", "u"}}).find("SMTP_PASSWORD") !=
        std::string::npos);
  const std::string orphan = error_of({{"SMTP_PASSWORD", "pw-SECRET"}, {"SMTP_USER", "u"}});
  CHECK(orphan.find("SMTP_URL") != std::string::npos);
  CHECK(orphan.find("pw-SECRET") == std::string::npos);
  CHECK(error_of({{"SMTP_FROM", from_ok}}).find("SMTP_URL") != std::string::npos);
}

TEST_CASE("options: create-clinic takes --name and --data, and only them") {
  ParsedOptions p = parse_options({"create-clinic", "--name", "  Cabinet Dupont ", "--data", "d"});
  REQUIRE(p.ok());
  CHECK(p.options.command == Command::create_clinic);
  CHECK(p.options.clinic_name == "Cabinet Dupont");
  CHECK(p.options.data_dir == "d");
  CHECK(parse_options({"create-clinic", "--data=d", "--name=Cabinet"}).options.clinic_name == "Cabinet");
  CHECK(parse_options({"--data", "d"}).options.command == Command::serve);
  CHECK(parse_options({"create-clinic", "--help"}).help);

  CHECK(parse_options({"create-clinic", "--data", "d"}).error == "create-clinic: --name NAME is required");
  CHECK(parse_options({"create-clinic", "--name", "x"}).error == "create-clinic: --data DIR is required");
  CHECK(parse_options({"create-clinic", "--name", "x", "--data", "d", "--port", "1"}).error ==
        "unknown option for create-clinic: --port");
  CHECK(parse_options({"create-clinic", "--name", "   ", "--data", "d"}).error == "--name: the name is empty");
  CHECK(parse_options({"create-clinic", "--name", "a\x01", "--data", "d"}).error ==
        "--name: the name contains a control character");
  CHECK(parse_options({"create-clinic", "--name", "\xff", "--data", "d"}).error ==
        "--name: the name is not valid UTF-8");
  CHECK(parse_options({"create-clinc", "--data", "d"}).error ==
        "unknown command: create-clinc (the commands are create-clinic, pairing-code and import-books)");
  CHECK_FALSE(parse_options({"--data", "d", "create-clinic"}).ok());  // the command comes first

  const ParsedOptions import = parse_options({"import-books", "--books", "b.db", "--data", "d"});
  REQUIRE(import.ok());
  CHECK(import.options.command == Command::import_books);
  CHECK(import.options.books_file == "b.db");
  CHECK(parse_options({"import-books", "--data", "d"}).error == "import-books: --books FILE is required");
  CHECK(parse_options({"import-books", "--books", "b.db"}).error == "import-books: --data DIR is required");
  CHECK(parse_options({"import-books", "--books", "b.db", "--data", "d", "--port", "1"}).error ==
        "unknown option for import-books: --port");

  const ParsedOptions code = parse_options({"pairing-code", "--data", "d", "--clinic", "c-1"});
  REQUIRE(code.ok());
  CHECK(code.options.command == Command::pairing_code);
  CHECK(code.options.clinic_id == "c-1");
  CHECK(parse_options({"pairing-code", "--data", "d"}).options.clinic_id.empty());
  CHECK(parse_options({"pairing-code"}).error == "pairing-code: --data DIR is required");
  CHECK(parse_options({"pairing-code", "--data", "d", "--port", "1"}).error == "unknown option for pairing-code: --port");
}

TEST_CASE("display names: trimmed, 1 to 100 bytes of clean UTF-8") {
  CHECK(check_display_name(" Accueil ").value == "Accueil");
  CHECK(check_display_name("Cabinet Hélène Crête — 2e étage").error.empty());
  CHECK(check_display_name(std::string(100, 'x')).error.empty());
  CHECK_FALSE(check_display_name(std::string(101, 'x')).error.empty());
  CHECK_FALSE(check_display_name("").error.empty());
  for (const std::string& bad : {std::string("a\nb"), std::string("a\x7f"), std::string("a\xc2\x85"),  // NEL (C1)
                                 std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),  // overlong, surrogate
                                 std::string("\xf4\x90\x80\x80"), std::string("abc\xe2\x82")}) {
    CAPTURE(bad);
    CHECK_FALSE(check_display_name(bad).error.empty());
  }
}

TEST_CASE("tokens, pairing codes and ids have their shape and do not repeat") {
  std::set<std::string> tokens, codes, ids;
  for (int i = 0; i < 200; ++i) {
    std::string token = new_device_token();
    CHECK(looks_like_device_token(token));
    tokens.insert(token);
    std::string code = new_pairing_code();
    CHECK(code.size() == kPairingCodeLength);
    CHECK(code.find_first_not_of(kPairingAlphabet) == std::string::npos);
    CHECK(normalise_pairing_code(code) == code);
    codes.insert(code);
    std::string id = new_uuid();
    CHECK(id.size() == 36);
    CHECK(id[14] == '4');
    ids.insert(id);
  }
  CHECK(tokens.size() == 200);
  CHECK(codes.size() == 200);
  CHECK(ids.size() == 200);
  CHECK_FALSE(looks_like_device_token(std::string(64, 'G')));
  CHECK_FALSE(looks_like_device_token(std::string(63, 'a')));

  CHECK(normalise_pairing_code("abcd-efgh") == "ABCDEFGH");
  CHECK(normalise_pairing_code(" AB CD EF GH ") == "ABCDEFGH");
  CHECK(normalise_pairing_code("ABCDEFG") == std::nullopt);
  CHECK(normalise_pairing_code("ABCDEFGHJ") == std::nullopt);
  CHECK(normalise_pairing_code("ABCDEFG0") == std::nullopt);  // 0 is not in the alphabet
  CHECK(normalise_pairing_code("ABCDEFGI") == std::nullopt);
  CHECK(secret_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("format_utc and the server database's WAL mode") {
  CHECK(core::format_utc_instant(0) == "1970-01-01T00:00:00Z");
  CHECK(core::format_utc_instant(1700000000) == "2023-11-14T22:13:20Z");
  CHECK(core::format_utc_instant(-1) == "1969-12-31T23:59:59Z");
  TempDir root;
  std::unique_ptr<Sql> db = open_server_database((root.path / "data").string());  // SQLite: its own setting
  SqlStatement st = db->prepare("PRAGMA journal_mode");
  REQUIRE(st.step());
  CHECK(st.column_text(0) == "wal");
  CHECK(db->schema_version() == static_cast<int>(server_migrations().size()));
}

TEST_CASE("pairing: ten wrong codes from one address, then 429 for a while, even for the right code") {
  ApiServer s;
  const auto auth = ApiServer::bearer(s.admin.device_token);
  const std::string good = body_of(s.post("/api/devices/pairing-code", "{}", "application/json", auth))["code"];
  const std::string pair_with = R"({"code":"%","name":"Accueil"})";
  auto attempt = [&](const std::string& code) {
    std::string body = pair_with;
    body.replace(body.find('%'), 1, code);
    return s.post("/api/devices/pair", body);
  };
  for (int i = 0; i < kMaxPairingFailures; ++i) CHECK(error_of(attempt("ZZZZZZZZ")) == Err{400, "invalid_code"});
  auto limited = attempt(good);
  CHECK(error_of(limited) == Err{429, "too_many_attempts"});
  CHECK(std::stoll(limited->get_header_value("Retry-After")) > 0);
  CHECK(s.count("SELECT count(*) FROM devices") == 1);  // nothing paired, the code not spent
  s.skew = kPairingFailureWindowSeconds + 1;
  auto later = attempt(good);
  REQUIRE(later);
  CHECK(later->status == 410);  // expired meanwhile (10 minutes): but heard, not limited
}

TEST_CASE("devices: listed for the clinic; the owner revokes another one, whose token stops at once") {
  ApiServer s;
  const auto admin = ApiServer::bearer(s.admin.device_token);
  const std::string code = body_of(s.post("/api/devices/pairing-code", "{}", "application/json", admin))["code"];
  const Json paired = body_of(s.post("/api/devices/pair", Json{{"code", code}, {"name", "Accueil"}}.dump()));
  const auto reception = ApiServer::bearer(paired["device_token"]);

  const Json listed = body_of(s.get("/api/devices", admin))["devices"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["name"] == std::string(kFirstDeviceName));
  CHECK(listed[0]["this_device"] == true);
  CHECK(listed[1]["name"] == "Accueil");
  CHECK(listed[1]["revoked"] == false);

  auto revoke = [&](const httplib::Headers& by, const std::string& id, const char* role) {
    return s.post("/api/devices/revoke", Json{{"device_id", id}, {"role", role}}.dump(), "application/json", by);
  };
  CHECK(error_of(revoke(admin, paired["device_id"], "billing")) == Err{403, "forbidden"});
  CHECK(error_of(revoke(admin, s.admin.device_id, "owner")) == Err{409, "cannot_revoke_self"});
  CHECK(error_of(revoke(admin, "no-such-device", "owner")) == Err{404, "not_found"});
  CHECK(body_of(s.get("/api/whoami", reception))["device_name"] == "Accueil");
  auto done = revoke(admin, paired["device_id"], "owner");
  REQUIRE(done);
  CHECK(done->status == 200);
  CHECK(error_of(s.get("/api/whoami", reception)) == Err{401, "unauthorized"});
  CHECK(body_of(s.get("/api/devices", admin))["devices"][1]["revoked"] == true);
  // The revoked device can no longer revoke anyone, nor list.
  CHECK(error_of(revoke(reception, s.admin.device_id, "owner")) == Err{401, "unauthorized"});
}
