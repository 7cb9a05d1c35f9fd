// Outgoing mail over SMTP, through libcurl: one connection per message, which is plenty for a
// clinic's invoices and reminders. MailSender is the seam: the outbox takes any sender, and
// its tests give it a fake one; SmtpSender is the real thing, tested against a local SMTP
// server (tests/smtp_sink/).
//
// TLS: "smtps://host:465" is TLS from the first byte; "smtp://host:587" must upgrade with
// STARTTLS (CURLUSESSL_ALL) unless the host is loopback (localhost, 127.0.0.1, ::1), where it
// is only tried, so that a local relay or test server without TLS works. Certificates are
// verified (libcurl's default). The password is never part of a SendResult's error.
#pragma once
#include <string>

#include "server/mail/message.h"

namespace quittance::server {

struct SmtpConfig {
  std::string url;           // "smtp://host:587" or "smtps://host:465"; empty: mail not configured
  std::string user;          // empty: no AUTH
  std::string password;      // a secret: never printed, never in an error message
  std::string from_address;  // the envelope sender, and From when the message names none
  std::string from_name;     // From's display name when the message names none
};

struct SendResult {
  enum class Outcome {
    sent,     // the server accepted the message (250 after DATA)
    retry,    // no answer, a timeout, a TLS failure or a 4xx: try again later
    refused,  // a permanent 5xx to this message (recipient, content) or a bad address: do not retry
    unknown,  // the connection broke after the whole message was sent: it may have been delivered,
              // so it must not be sent again on our own
  } outcome = Outcome::retry;
  std::string error;  // empty when sent; short, factual, in French, for the practitioner to read

  bool sent() const { return outcome == Outcome::sent; }
};

class MailSender {
 public:
  virtual ~MailSender() = default;
  virtual SendResult send(const MailMessage& message) = 0;
};

class SmtpSender : public MailSender {
 public:
  explicit SmtpSender(SmtpConfig config);
  // Fills from_address/from_name from the configuration when the message leaves them empty,
  // then sends. Safe to call from several threads at once (one curl handle per call).
  SendResult send(const MailMessage& message) override;

  long connect_timeout_seconds = 15;
  long timeout_seconds = 60;  // the whole conversation, DATA included

 private:
  SmtpConfig config_;
};

// Whether an smtp:// URL's host is this machine (STARTTLS then only tried, not required).
bool smtp_host_is_loopback(const std::string& url);

}  // namespace quittance::server
