// quittance-server: serves the web app and the API over HTTP.
//   quittance-server --data DIR [--port N] [--host ADDR] [--web DIR]
// Prints one line "Quittance server listening on http://HOST:PORT/" once the socket is bound
// (with the real port when --port 0). Exit status: 0 after SIGINT/SIGTERM, 1 when the database
// cannot be opened or the port bound, 2 for a bad command line or environment (config.h).
//   quittance-server create-clinic --name NAME --data DIR
// Creates a clinic and its first device, prints {"clinic_id":...,"device_id":...,
// "device_token":...} on one line and exits 0; 1 when the database fails, 2 for bad arguments.
//   quittance-server pairing-code --data DIR [--clinic ID]
// Prints {"code":...,"expires_at":...}: a pairing code for the clinic (the only one unless
// --clinic), valid 10 minutes; exit 2 when there is no such clinic or several to choose from.
//   quittance-server import-books --books FILE --data DIR [--clinic ID]
// Makes a clinic database the books of a new clinic (sync/books_import.h); prints {"clinic_id",
// "operations"}; exit 1 when the clinic has a log already or the file is not a clinic database.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "core/schedule.h"
#include "server/config.h"
#include "server/stripe/accounts.h"
#include "server/devices/devices.h"
#include "server/mail/scheduler.h"
#include "server/options.h"
#include "server/routes.h"
#include "server/store/server_db.h"
#include "server/sync/books_import.h"

using namespace quittance::server;

namespace {

// The server's database as the environment names it: PostgreSQL at QUITTANCE_DATABASE_URL, or
// SQLite in --data.
std::unique_ptr<Sql> open_database(const Options& options) {
  return open_server_database(options.data_dir, config_from_environment(process_environment).config.database_url);
}

// The one place a device token is printed: to the operator who created the clinic.
int create_clinic_command(const Options& options) {
  try {
    std::unique_ptr<Sql> opened = open_database(options);
    Sql& db = *opened;
    const ParsedConfig config = config_from_environment(process_environment);
    if (const std::string refusal =
            stripe_mode_refusal(config.config.stripe_mode, quittance::server::clinic_count(db) + 1);
        !refusal.empty()) {
      std::cerr << "quittance-server: create-clinic: " << refusal << '\n';
      return 2;
    }
    NewDevice created = create_clinic(db, options.clinic_name, system_now());
    std::cout << Json{{"clinic_id", created.clinic_id},
                      {"device_id", created.device_id},
                      {"device_token", created.device_token}}
                     .dump()
              << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "quittance-server: create-clinic: cannot create the clinic in " << options.data_dir << ": " << e.what()
              << '\n';
    return 1;
  }
}

// The clinic a command names (--clinic ID), or the folder's only one; "" after saying why not.
std::string chosen_clinic(Sql& db, const Options& options, const char* command) {
  if (options.clinic_id.empty()) {
    SqlStatement s = db.prepare("SELECT id FROM clinics LIMIT 2");
    std::vector<std::string> ids;
    while (s.step()) ids.push_back(s.column_text(0));
    if (ids.size() == 1) return ids[0];
    std::cerr << "quittance-server: " << command << ": "
              << (ids.empty() ? "no clinic yet: run create-clinic first" : "several clinics: name one with --clinic ID")
              << '\n';
    return "";
  }
  SqlStatement s = db.prepare("SELECT 1 FROM clinics WHERE id = ?");
  s.bind(1, options.clinic_id);
  if (s.step()) return options.clinic_id;
  std::cerr << "quittance-server: " << command << ": no clinic " << options.clinic_id << '\n';
  return "";
}

// A pairing code for a browser, from the command line (scripts/run prints it as a link).
int pairing_code_command(const Options& options) {
  try {
    std::unique_ptr<Sql> opened = open_database(options);
    Sql& db = *opened;
    const std::string clinic_id = chosen_clinic(db, options, "pairing-code");
    if (clinic_id.empty()) return 2;
    PairingCode code = create_pairing_code(db, clinic_id, system_now());
    std::cout << Json{{"code", code.code}, {"expires_at", quittance::core::format_utc_instant(code.expires_at)}}.dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "quittance-server: pairing-code: " << options.data_dir << ": " << e.what() << '\n';
    return 1;
  }
}

// A practice's books made a clinic's (sync/books_import.h).
int import_books_command(const Options& options) {
  try {
    std::unique_ptr<Sql> opened = open_database(options);
    Sql& db = *opened;
    const std::string clinic_id = chosen_clinic(db, options, "import-books");
    if (clinic_id.empty()) return 2;
    const ImportedBooks imported = import_books(db, clinic_id, options.books_file, options.data_dir + "/snapshots",
                                                quittance::core::format_utc_instant(system_now()));
    std::cout << Json{{"clinic_id", clinic_id}, {"operations", imported.operations}}.dump() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "quittance-server: import-books: " << e.what() << '\n';
    return 1;
  }
}

// What every clinic's log holds, in bytes: it grows with each operation any device or the
// server writes (op_log.cpp counts them), and the mail thread watches it for new invoices.
std::int64_t log_bytes_total(SharedDatabase& db) {
  try {
    return db.with([](Sql& d) { return d.scalar("SELECT COALESCE(SUM(bytes), 0) FROM clinic_log_usage"); });
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // SIGINT/SIGTERM are blocked in every thread (httplib's workers inherit this mask) and taken by
  // sigwait() in a watcher thread, where calling server.stop() is safe, unlike in a handler.
  // Blocked first thing, so that a signal during startup waits for the watcher.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  ParsedOptions parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) {
    std::cerr << "quittance-server: " << parsed.error << '\n' << usage();
    return 2;
  }
  if (parsed.help) {
    std::cout << usage();
    return 0;
  }
  const Options& options = parsed.options;
  if (options.command == Command::create_clinic) return create_clinic_command(options);
  if (options.command == Command::pairing_code) return pairing_code_command(options);
  if (options.command == Command::import_books) return import_books_command(options);

  // Read once, here; the handlers get it from make_server and never look at the environment.
  ParsedConfig config = config_from_environment(process_environment);
  if (!config.ok()) {
    std::cerr << "quittance-server: " << config.error << '\n';
    return 2;
  }

  std::unique_ptr<SharedDatabase> db;
  try {
    db = std::make_unique<SharedDatabase>(open_server_database(options.data_dir, config.config.database_url),
                                          config.config.database_url);
  } catch (const std::exception& e) {
    std::cerr << "quittance-server: cannot open the database in " << options.data_dir << ": " << e.what() << '\n';
    return 1;
  }

  const std::string mode_refusal = db->with([&](Sql& d) {
    return stripe_mode_refusal(config.config.stripe_mode, quittance::server::clinic_count(d));
  });
  if (!mode_refusal.empty()) {
    std::cerr << "quittance-server: " << mode_refusal << '\n';
    return 2;
  }

  std::shared_ptr<SnapshotStore> books = make_books(options);
  std::unique_ptr<httplib::Server> server = make_server(options, config.config, *db, system_now, books);
  int port = options.port;
  if (port == 0) {
    port = server->bind_to_any_port(options.host);
  } else if (!server->bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port < 0) {
    std::cerr << "quittance-server: cannot listen on " << options.host << ':' << options.port << '\n';
    return 1;
  }

  std::atomic<bool> listening_done{false};
  std::atomic<bool> stopped_by_signal{false};
  std::thread watcher([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    if (listening_done) return;  // woken by main() below, not by a real signal
    stopped_by_signal = true;
    // stop() does nothing until listen_after_bind() has started its loop: retry until it ends.
    while (!listening_done) {
      server->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  // Billing emails and reminders (mail/scheduler.h), in their own thread so that an SMTP
  // conversation never holds up a request: a pass every 30 s for what falls due, and within
  // 2 s of new operations in any log (an invoice just issued is sent at once).
  std::shared_ptr<MailSender> sender;
  if (!config.config.smtp.url.empty()) sender = std::make_shared<SmtpSender>(config.config.smtp);
  std::mutex mail_mutex;
  std::condition_variable mail_wake;
  std::atomic<bool> mail_stop{false};
  MailSchedulerOptions mail_options;
  mail_options.stopping = [&] { return mail_stop.load(); };  // checked between two messages
  mail_options.public_url = config.config.public_url;         // the payment links' host
  mail_options.window_opens = config.config.mail_opens;       // MAIL_HOURS, at the practice
  mail_options.window_closes = config.config.mail_closes;
  MailScheduler mail(*db, *books, sender, system_now, mail_options);
  std::thread mailer([&] {
    std::int64_t seen_head = -1;
    auto last_pass = std::chrono::steady_clock::time_point{};
    std::unique_lock<std::mutex> lock(mail_mutex);
    while (!mail_stop) {
      lock.unlock();
      const std::int64_t head = log_bytes_total(*db);
      if (head != seen_head || std::chrono::steady_clock::now() - last_pass >= std::chrono::seconds(30)) {
        try {
          const MailPass pass = mail.run_once();
          if (pass.sent + pass.failed > 0) {
            std::cerr << "quittance-server: emails: " << pass.sent << " sent, " << pass.failed << " failed\n";
          }
        } catch (const std::exception& e) {  // the database went away: said, and tried again later
          std::cerr << "quittance-server: emails: " << e.what() << '\n';
        }
        seen_head = head;
        last_pass = std::chrono::steady_clock::now();
      }
      lock.lock();
      mail_wake.wait_for(lock, std::chrono::seconds(2), [&] { return mail_stop.load(); });
    }
  });

  std::string shown_host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::cout << "Quittance server listening on http://" << shown_host << ':' << port << '/' << std::endl;
  bool ok = server->listen_after_bind();
  listening_done = true;
  if (!stopped_by_signal) pthread_kill(watcher.native_handle(), SIGTERM);  // end its sigwait()
  watcher.join();
  {
    std::lock_guard<std::mutex> lock(mail_mutex);
    mail_stop = true;
  }  // a message being sent is finished (at most the SMTP timeout); no other starts
  mail_wake.notify_all();
  mailer.join();

  if (!stopped_by_signal && !ok) {
    std::cerr << "quittance-server: the server stopped on an error\n";
    return 1;
  }
  return 0;
}
