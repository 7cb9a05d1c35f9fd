// Billing emails and reminders sent by the server (seed 001; docs/emails.md), so they go out
// with every browser of the clinic closed. Each pass, for every clinic:
//   1. plans, from its books (sync/snapshots.h), one outbox row per active template and invoice
//      issued since the template was activated (reminders: only unpaid invoices), and one per
//      payment request to email, « Demande de paiement » (mail/request_mail.h);
//   2. cancels what no longer applies: a payment by any route (the books, or a card payment
//      the server took that the books do not have yet), a cancelled invoice, a patient excluded
//      from reminders, a template turned off, « Annuler » asked on a device; a request paid,
//      cancelled or expired;
//   3. sends what is due, at most once: a row is marked 'sending' before the SMTP conversation,
//      so a server stopped during it reports the row failed instead of sending it again (as is
//      a message whose answer was lost after it was sent); a row missed while the server was
//      down is simply due, and goes out at the first pass. Nothing is sent on a decision the
//      log or a card payment has overtaken: the rest waits for the next pass.
// The clock is injected: the tests drive months of schedules in a second.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/common.h"
#include "server/mail/compose.h"
#include "server/mail/outbox.h"
#include "server/mail/smtp_sender.h"
#include "server/store/server_db.h"
#include "server/sync/snapshots.h"

namespace quittance::server {

struct MailSchedulerOptions {
  std::int64_t daily_cap = 200;  // messages per clinic per day, the practice's; past it, the rest wait a day
  // The sending window, in hours of the practice's time zone: no email reaches a patient at
  // night; one due outside it waits for the next opening.
  int window_opens = 8, window_closes = 20;
  int max_attempts = 5;          // temporary failures (4xx, no answer) before « Échec »
  int batch = 50;                // messages sent per clinic per pass
  int pass_seconds = 120;        // a pass stops sending after that long; the next one goes on
  // QUITTANCE_PUBLIC_URL (config.h), no trailing '/': the payment links' base. Empty: a request
  // email fails, saying so, rather than carry a link to no host; invoice emails have no link.
  std::string public_url;
  std::function<bool()> stopping = [] { return false; };  // the server is stopping: send no more
};

struct MailPass {
  int planned = 0, sent = 0, failed = 0, cancelled = 0, postponed = 0;
};

struct MailJob;  // one message decided in a pass (scheduler.cpp)

class MailScheduler {
 public:
  // `sender` null: mail not configured (SMTP_URL unset); due messages then fail with that reason.
  MailScheduler(SharedDatabase& db, SnapshotStore& books, std::shared_ptr<MailSender> sender, Clock now,
                MailSchedulerOptions options = {});
  // Once at start-up: rows a stopped server left in 'sending' become failed. Returns how many.
  int recover();
  // One pass over the clinics that may have something to do: those whose log moved since this
  // scheduler last visited them, those with an email due, and all of them once every
  // kSweepSeconds (plans only time changes: a round of attestations, a request that expired).
  // Visiting reads the clinic's books: every idle clinic read at every pass was most of a
  // hosted server's work (scripts/bench-hosted). A clinic whose books cannot be read is
  // skipped (and said on stderr); the others go on. With several server processes
  // (PostgreSQL), only the one holding the mail lock passes; the others wait their turn
  // (leading()).
  MailPass run_once();

 private:
  void plan_clinic(const std::string& clinic_id, MailPass& pass);
  void run_clinic(const std::string& clinic_id, MailPass& pass);
  void send_one(const std::string& clinic_id, const std::string& time_zone, MailJob& job, MailPass& pass);
  // True when this process is the one to send. Every scheduler sending each email at most once
  // does not need it (claims do that), but each pass reads every clinic's books: one process
  // doing it is enough. The lock is a session's, held on a connection of its own: a process
  // that dies lets it go, and another takes over at its next pass.
  bool leading();
  // The clinics this pass visits (see run_once), with their log's size to remember once visited.
  std::vector<std::pair<std::string, std::int64_t>> clinics_to_visit(std::int64_t now);

  static constexpr std::int64_t kSweepSeconds = 600;
  std::map<std::string, std::int64_t> visited_;  // clinic → its log's size when last visited
  std::int64_t swept_at_ = 0;                     // the last pass that visited every clinic
  SharedDatabase& db_;
  std::unique_ptr<Sql> leader_;  // PostgreSQL: the connection holding the mail lock
  SnapshotStore& books_;
  std::shared_ptr<MailSender> sender_;
  Clock now_;
  MailSchedulerOptions options_;
};

}  // namespace quittance::server
