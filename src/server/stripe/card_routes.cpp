// Card payment routes and the event pull. See stripe/card_routes.h.
#include "server/stripe/card_routes.h"

#include "server/http/api_routes.h"
#include "server/http/api_support.h"
#include "server/sync/server_events.h"

namespace quittance::server {

namespace {

constexpr int kDefaultEventPage = 100;
constexpr int kMaxEventPage = 500;

using Action = ApiAnswer (*)(PaymentsContext&, const Device&, const Json&);

void post_action(const httplib::Request& req, httplib::Response& res, PaymentsContext& ctx, Action action) {
  std::optional<Device> device = authenticate(req, res, ctx.db);
  if (!device) return;
  std::optional<Json> body = json_object_body(req, res);
  if (!body) return;
  ApiAnswer answer = action(ctx, *device, *body);
  send_json(res, answer.status, answer.body);
}

void handle_events(const httplib::Request& req, httplib::Response& res, PaymentsContext& ctx) {
  std::optional<Device> device = authenticate(req, res, ctx.db);
  if (!device) return;
  std::optional<std::int64_t> after = query_integer(req, "after", 0);
  std::optional<std::int64_t> limit = query_integer(req, "limit", kDefaultEventPage);
  if (!after || !limit || *limit < 1 || *limit > kMaxEventPage) {
    send_api_error(res, 400, "invalid_argument", "\"after\" must be a seq (0 or more), \"limit\" 1 to 500");
    return;
  }
  // One more than asked, to tell whether more remain.
  std::vector<ServerEvent> events = ctx.db.with(
      [&](Sql& d) { return events_after(d, device->clinic_id, *after, static_cast<int>(*limit) + 1); });
  const bool more = events.size() > static_cast<std::size_t>(*limit);
  if (more) events.pop_back();
  Json items = Json::array();
  for (const ServerEvent& e : events) items.push_back(e.to_json());
  send_json(
      res, 200,
      {{"ok", true}, {"events", items}, {"last_seq", events.empty() ? *after : events.back().seq}, {"more", more}});
}

}  // namespace

void install_payment_routes(httplib::Server& server, std::shared_ptr<PaymentsContext> ctx) {
  server.Post("/api/cards/setup",
              [ctx](const httplib::Request& req, httplib::Response& res) { post_action(req, res, *ctx, setup_card); });
  server.Get("/api/cards", [ctx](const httplib::Request& req, httplib::Response& res) {
    std::optional<Device> device = authenticate(req, res, ctx->db);
    if (!device) return;
    ApiAnswer answer = list_cards(*ctx, *device, req.get_param_value("patient_id"));
    send_json(res, answer.status, answer.body);
  });
  server.Post("/api/charges", [ctx](const httplib::Request& req, httplib::Response& res) {
    post_action(req, res, *ctx, charge_saved_card);
  });
  server.Post("/api/refunds", [ctx](const httplib::Request& req, httplib::Response& res) {
    post_action(req, res, *ctx, refund_card_payment);
  });
  server.Get("/api/events",
             [ctx](const httplib::Request& req, httplib::Response& res) { handle_events(req, res, *ctx); });
}

}  // namespace quittance::server
