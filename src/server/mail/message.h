// An outgoing email as bytes: RFC 5322 headers and a MIME body, built from plain UTF-8 fields.
// Pure (no I/O, no clock): the sender (mail/smtp_sender.h) supplies the date and the Message-ID, so
// that tests can compare whole messages.
//
// What comes out:
//   Date, Message-ID, From, To, Subject, MIME-Version, then the body:
//   - text only:            text/plain; charset=UTF-8, quoted-printable
//   - text and HTML:        multipart/alternative { text/plain, text/html }
//   - with attachments:     multipart/mixed { the above, attachment (base64, 76-column lines)... }
//   Non-ASCII or special characters in the subject and display names become RFC 2047 encoded
//   words (UTF-8, Q), folded so that header lines stay within 78 characters; non-ASCII
//   attachment names use RFC 2231 (filename*=UTF-8''...). Every line ends in CRLF.
// Header injection: control characters (CR, LF, ...) in the subject, names and filenames become
// spaces before encoding, and addresses must pass valid_email_address(), so no field can start
// a header or a part of its own.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quittance::server {

struct MailAttachment {
  std::string filename;      // as the recipient sees it, UTF-8 ("Facture F-2026-A-00012.pdf")
  std::string content_type;  // "application/pdf"; anything but type/subtype: application/octet-stream
  std::string data;          // the raw bytes
};

struct MailMessage {
  std::string from_name, from_address;  // display name may be UTF-8 with accents; name may be empty
  std::string to_name, to_address;
  std::string reply_to;                     // an address for answers (the practice's); empty: none
  std::string subject;                      // UTF-8
  std::string text;                         // UTF-8 plain-text body; LF, CRLF or CR line ends
  std::string html;                         // UTF-8 HTML body (caller escapes its fields); empty: text only
  std::vector<MailAttachment> attachments;  // e.g. {"Facture F-2026-A-00012.pdf", "application/pdf", bytes}
};

// The whole message, ready for SMTP's DATA (libcurl does the dot-stuffing).
// `date_rfc5322`: as rfc5322_date() makes it. `message_id`: "<unique@domain>" (the angle
// brackets are added when missing). Throws std::invalid_argument when from_address or
// to_address fails valid_email_address(): callers check first (SmtpSender does).
std::string mime_message(const MailMessage& message, const std::string& date_rfc5322, const std::string& message_id);

// A practical check, not RFC 5321's grammar: printable ASCII, exactly one '@', a non-empty
// local part (≤ 64) without "()<>[]\,;:\" or spaces, a domain of dot-separated labels with at
// least one dot, ≤ 254 characters in all. Quoted local parts and non-ASCII (SMTPUTF8) addresses
// are refused: no mail server of a practitioner's patient needs them.
bool valid_email_address(std::string_view address);

// "Sun, 22 Nov 2026 10:00:00 +0000" for a Unix time (UTC; English names, as RFC 5322 wants).
std::string rfc5322_date(std::int64_t unix_seconds);

}  // namespace quittance::server
