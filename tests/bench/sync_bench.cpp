// quittance-sync-bench: push and pull throughput of the operation log over loopback HTTP
// (docs/sync.md). A real quittance-server runs in-process on 127.0.0.1; device A records N
// operations (patients, invoices issued, payments: four operations per patient) and syncs them
// up; device B, freshly paired, syncs them down and applies each one. Prints the figures
// (target: 10,000 operations pushed and pulled in under 2 s); asserts only that B ends with A's
// books.
//
//   quittance-sync-bench [--ops N]     (default 10,000)
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>

#include "../unit/httplib_transport.h"
#include "app/commands.h"
#include "server/config.h"
#include "server/devices/devices.h"
#include "server/options.h"
#include "server/routes.h"
#include "server/store/server_db.h"
#include "store/migrations.h"
#include "sync/replica.h"
#include "sync/sync_client.h"

namespace fs = std::filesystem;
using namespace quittance;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

struct Device {
  store::Database db = store::Database::open(":memory:");
  app::CommandLayer commands{db, app::fixed_clock({2026, 11, 21})};
  sync::Replica replica{db, commands};
  testing::HttplibTransport http;
  sync::SyncClient client{http, replica};
  sync::DeviceLink link;

  Device(const std::string& url, const server::NewDevice& paired, const std::string& series) {
    store::migrate(db, store::clinic_migrations());
    link.server_url = url;
    link.device_id = paired.device_id;
    link.token = paired.device_token;
    commands.exec({{"cmd", "settings.set"}, {"id", "series-" + series}, {"key", "device.series"}, {"value", series}});
    commands.set_origin(link.device_id, series);
  }
  sync::SyncOutcome sync() {
    sync::SyncOutcome out;
    client.run(link, [&](const sync::SyncOutcome& o) { out = o; });
    return out;
  }
};

}  // namespace

int main(int argc, char** argv) {
  int ops = 10000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--ops" && i + 1 < argc) {
      ops = std::max(4, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: quittance-sync-bench [--ops N]\n";
      return 2;
    }
  }
  const fs::path data = fs::temp_directory_path() / ("quittance-sync-bench-" + std::to_string(::getpid()));
  fs::remove_all(data);
  server::Options options;
  options.data_dir = data.string();
  options.web_dir = (data / "web").string();
  server::SharedDatabase db(server::open_server_database(options.data_dir));
  const server::NewDevice first = db.with([](server::Sql& d) { return server::create_clinic(d, "Bench", server::system_now()); });
  server::NewDevice second = db.with([&](server::Sql& d) {
    const auto code = server::create_pairing_code(d, first.clinic_id, server::system_now());
    return server::pair_device(d, code.code, "B", server::system_now()).device;
  });
  auto http = server::make_server(options, server::ServerConfig{}, db, server::system_now);
  const int port = http->bind_to_any_port("127.0.0.1");
  std::thread serving([&] { http->listen_after_bind(); });
  while (!http->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const std::string url = "http://127.0.0.1:" + std::to_string(port);

  int status = 0;
  {
    // A is create-clinic's token, which has no series of its own: it numbers in one no paired
    // device holds (the server refuses another live device's series).
    Device a(url, first, "Z"), b(url, second, "A");
    auto start = Clock::now();
    int made = 0;
    for (int p = 0; made + 4 <= ops; ++p) {
      const std::string id = "p" + std::to_string(p);
      a.commands.exec({{"cmd", "patient.create"}, {"id", id}, {"name", "Patient " + id}});
      a.commands.exec({{"cmd", "invoice.create"}, {"id", id + "-i"}, {"patient_id", id},
                       {"lines", {{{"label", "Séance"}, {"unit_price", 6000}}}}});
      a.commands.exec({{"cmd", "invoice.issue"}, {"id", id + "-s"}, {"invoice_id", id + "-i"}});
      a.commands.exec({{"cmd", "payment.create"}, {"id", id + "-p"}, {"patient_id", id}, {"payment_type_id", "cash"},
                       {"amount", 6000}, {"allocations", {{{"invoice_id", id + "-i"}, {"amount", 6000}}}}});
      made += 4;
    }
    std::printf("recorded on device A: %d operations in %.0f ms (with their undo records)\n", made, ms_since(start));

    start = Clock::now();
    const sync::SyncOutcome up = a.sync();
    const double push_ms = ms_since(start);
    start = Clock::now();
    const sync::SyncOutcome down = b.sync();
    const double pull_ms = ms_since(start);
    std::printf("push (device A → server): %lld operations in %.0f ms (%.0f ops/s)\n",
                static_cast<long long>(up.pushed), push_ms, up.pushed / push_ms * 1000);
    std::printf("pull and apply (server → device B): %lld operations in %.0f ms (%.0f ops/s)\n",
                static_cast<long long>(down.pulled), pull_ms, down.pulled / pull_ms * 1000);
    std::printf("push + pull: %.0f ms for %d operations (target: 10,000 in under 2,000 ms)\n", push_ms + pull_ms, made);
    // Applying alone, as a device does once a page has arrived and been read: the pages are
    // fetched and parsed first, then each is applied by the replica in its transaction.
    store::Database c_db = store::Database::open(":memory:");
    store::migrate(c_db, store::clinic_migrations());
    app::CommandLayer c_commands{c_db, app::fixed_clock({2026, 11, 21})};
    c_commands.set_origin("bench-c", "C");
    sync::Replica c{c_db, c_commands};
    std::vector<std::vector<app::Op>> pages;
    {
      httplib::Client raw(url);
      const httplib::Headers auth = {{"Authorization", "Bearer " + second.device_token}};
      std::int64_t after = 0;
      double parse_ms = 0;
      for (;;) {
        auto r = raw.Get("/api/sync/pull?after=" + std::to_string(after) + "&limit=500", auth);
        if (!r || r->status != 200) {
          std::fprintf(stderr, "pull for the apply-only phase: HTTP %d\n", r ? r->status : 0);
          break;
        }
        start = Clock::now();
        std::vector<app::Op> page;
        const Json body = Json::parse(r->body);
        for (const Json& j : body["ops"]) {
          app::Op op;
          std::string field;
          if (sync::op_from_json(j, &op, &field)) page.push_back(std::move(op));
        }
        parse_ms += ms_since(start);
        if (page.empty()) break;
        after = page.back().server_seq;
        pages.push_back(std::move(page));
      }
      std::printf("parse pulled pages: %.0f ms\n", parse_ms);
    }
    start = Clock::now();
    std::int64_t applied = 0;
    std::int64_t refused = 0, duplicates = 0;
    for (auto& page : pages) {
      const sync::PullOutcome out = c.apply_pulled(std::move(page));
      applied += out.applied;
      refused += out.refused;
      duplicates += out.duplicates;
    }
    if (refused + duplicates > 0) std::fprintf(stderr, "apply only: %lld refused, %lld duplicates\n",
                                               static_cast<long long>(refused), static_cast<long long>(duplicates));
    const double apply_ms = ms_since(start);
    std::printf("apply only (replica, pages of 500): %lld operations in %.0f ms (%.0f ops/s; target 30,000)\n",
                static_cast<long long>(applied), apply_ms, applied / apply_ms * 1000);
    const Json balance_a = a.commands.query({{"cmd", "dashboard.summary"}})["result"];
    const Json balance_b = b.commands.query({{"cmd", "dashboard.summary"}})["result"];
    const Json balance_c = c_commands.query({{"cmd", "dashboard.summary"}})["result"];
    if (!up.ok || !down.ok || up.pushed != made || down.pulled != made || balance_a != balance_b ||
        balance_c != balance_a || applied != made) {
      std::fprintf(stderr, "sync did not converge: push %s, pull %s\n", up.error.c_str(), down.error.c_str());
      status = 1;
    }
  }
  http->stop();
  serving.join();
  fs::remove_all(data);
  return status;
}
