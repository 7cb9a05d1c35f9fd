// Outgoing mail: the MIME message as bytes (pure tests, "mail: ..."), then real SMTP
// conversations between SmtpSender and the local sink (tests/smtp_sink/, "smtp: ..."), where
// Python's email package is the independent reader that decodes what we wrote.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "server/mail/message.h"
#include "server/mail/smtp_sender.h"
#include "smtp_sink_process.h"
#include "stripe_double_process.h"  // reserve_port()

using namespace quittance::server;
using namespace quittance::server::testing;

namespace {

const std::string kDate = "Sun, 22 Nov 2026 10:00:00 +0000";

std::vector<std::string> crlf_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t at; (at = text.find("\r\n", start)) != std::string::npos; start = at + 2)
    lines.push_back(text.substr(start, at - start));
  lines.push_back(text.substr(start));
  return lines;
}

std::string header_section(const std::string& message) { return message.substr(0, message.find("\r\n\r\n") + 2); }

// Every LF preceded by CR, every CR followed by LF.
bool crlf_only(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) return false;
    if (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) return false;
  }
  return true;
}

std::string lf(std::string text) {
  for (std::size_t at; (at = text.find("\r\n")) != std::string::npos;) text.erase(at, 1);
  return text;
}

// A folded header's lines, from "Name:" to the last continuation line.
std::vector<std::string> header_lines(const std::string& message, const std::string& name) {
  std::vector<std::string> lines = crlf_lines(header_section(message)), out;
  for (const std::string& line : lines) {
    if (line.rfind(name + ":", 0) == 0) out.push_back(line);
    else if (!out.empty() && !line.empty() && line[0] == ' ') out.push_back(line);
    else if (!out.empty()) break;
  }
  return out;
}

// RFC 2047 Q words back to bytes, independently of the encoder; each word decoded on its own.
std::vector<std::string> decode_q_words(const std::vector<std::string>& header) {
  std::vector<std::string> words;
  for (const std::string& line : header) {
    for (std::size_t at = 0; (at = line.find("=?UTF-8?Q?", at)) != std::string::npos;) {
      const std::size_t end = line.find("?=", at + 10);
      REQUIRE(end != std::string::npos);
      const std::string q = line.substr(at + 10, end - at - 10);
      std::string bytes;
      for (std::size_t i = 0; i < q.size(); ++i) {
        if (q[i] == '_') bytes += ' ';
        else if (q[i] == '=') bytes += static_cast<char>(std::stoi(q.substr(i + 1, 2), nullptr, 16)), i += 2;
        else bytes += q[i];
      }
      words.push_back(bytes);
      at = end + 2;
    }
  }
  return words;
}

MailMessage invoice_message() {
  MailMessage m;
  m.from_name = "Cabinet Hélène Dupré";
  m.from_address = "factures@cabinet-exemple.fr";
  m.to_name = "Émile Lefèvre-Château";
  m.to_address = "emile.lefevre@patient-exemple.fr";
  m.subject = "Votre facture F-2026-A-00012 — séance du 12 novembre (45,00 €)";
  m.text = "Bonjour Émile,\n\nVeuillez trouver ci-joint votre facture de 45,00 €.\n"
           "Ligne = avec des signes égal, et une très longue ligne qui dépasse largement les "
           "soixante-seize caractères autorisés par ligne en quoted-printable.\n"
           ".Une ligne qui commence par un point\nFrom the start of a line\n\nCordialement,\nHélène Dupré\n";
  m.html = "<p>Bonjour Émile,</p>\n<p>Veuillez trouver ci-joint votre facture de <b>45,00&nbsp;€</b>.</p>\n";
  std::string pdf = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  for (int i = 0; i < 3000; ++i) pdf += static_cast<char>(i * 7 % 256);
  pdf += "\r\n.\r\n%%EOF\n";  // a lone-dot line inside the bytes: SMTP's end marker, if not encoded
  m.attachments.push_back({"Facture F-2026-A-00012 — séance.pdf", "application/pdf", pdf});
  return m;
}

SmtpConfig config_for(const std::string& url, const std::string& user = "", const std::string& password = "") {
  return {url, user, password, "factures@cabinet-exemple.fr", "Cabinet Hélène Dupré"};
}

MailMessage simple_to(const std::string& to_address) {
  MailMessage m;
  m.to_address = to_address;
  m.subject = "Rappel";
  m.text = "Bonjour.\n";
  return m;
}

}  // namespace

// --- pure: the message as bytes ---------------------------------------------------------------

TEST_CASE("mail: rfc5322_date") {
  CHECK(rfc5322_date(1795341600) == "Sun, 22 Nov 2026 10:00:00 +0000");
  CHECK(rfc5322_date(0) == "Thu, 1 Jan 1970 00:00:00 +0000");
  CHECK(rfc5322_date(-1) == "Wed, 31 Dec 1969 23:59:59 +0000");
  CHECK(rfc5322_date(951782400) == "Tue, 29 Feb 2000 00:00:00 +0000");
  CHECK(rfc5322_date(4102444799) == "Thu, 31 Dec 2099 23:59:59 +0000");
}

TEST_CASE("mail: valid_email_address, a practical check") {
  for (const char* good : {"a@b.fr", "jean.dupont+factures@cabinet-exemple.fr", "x_y@sub.domain.co.uk"}) {
    CAPTURE(good);
    CHECK(valid_email_address(good));
  }
  const std::string long_local(65, 'a'), long_domain = std::string(250, 'a') + ".fr";
  for (const std::string& bad :
       {std::string(""), std::string("a"), std::string("a@b"), std::string("@b.fr"), std::string("a@@b.fr"),
        std::string("a@b@c.fr"), std::string("a b@c.fr"), std::string("a@c.fr\r\nBcc: x@y.fr"), std::string("a@c.fr\n"),
        std::string("<a@c.fr>"), std::string("a@.fr"), std::string("a@c.fr."), std::string("a@c..fr"),
        std::string("élodie@c.fr"), std::string("a@café.fr"), std::string("\"a\"@c.fr"), std::string("a,b@c.fr"),
        long_local + "@c.fr", "a@" + long_domain}) {
    CAPTURE(bad);
    CHECK_FALSE(valid_email_address(bad));
  }
}

TEST_CASE("mail: a text-only message is one quoted-printable text/plain part") {
  MailMessage m = simple_to("a@b.fr");
  m.from_address = "c@d.fr";
  m.subject = "Reçu";
  m.text = "café = 3 €";
  const std::string out = mime_message(m, kDate, "abc@d.fr");
  CHECK(out.rfind("Date: " + kDate + "\r\nMessage-ID: <abc@d.fr>\r\nFrom: c@d.fr\r\nTo: a@b.fr\r\n", 0) == 0);
  CHECK(out.find("Subject: =?UTF-8?Q?Re=C3=A7u?=\r\nMIME-Version: 1.0\r\n") != std::string::npos);
  CHECK(out.find("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                 "caf=C3=A9 =3D 3 =E2=82=AC=\r\n") != std::string::npos);
  CHECK(out.find("multipart") == std::string::npos);
  CHECK(mime_message(m, kDate, "<x@d.fr>").find("Message-ID: <x@d.fr>\r\n") != std::string::npos);
}

TEST_CASE("mail: CRLF only, no bare LF or CR, lines within 78 characters") {
  MailMessage m = invoice_message();
  m.text = "mac\rold\r\nwindows\nunix\n\n" + std::string(300, 'x') + " fin \t\n";
  m.html = "<p>\n" + std::string(200, 'y') + "\n</p>";
  const std::string out = mime_message(m, kDate, "id@cabinet-exemple.fr");
  CHECK(crlf_only(out));
  CHECK(out.size() >= 2);
  CHECK(out.substr(out.size() - 2) == "\r\n");
  for (const std::string& line : crlf_lines(out)) {
    CAPTURE(line);
    CHECK(line.size() <= 78);
  }
  // Trailing whitespace is encoded, so that no relay can strip it.
  CHECK(out.find(" fin =09") != std::string::npos);
  // A '.' or "From " starting a line is encoded.
  const std::string invoice = mime_message(invoice_message(), kDate, "id@x.fr");
  CHECK(invoice.find("\r\n=2EUne ligne") != std::string::npos);
  CHECK(invoice.find("\r\n=46rom the start") != std::string::npos);
}

TEST_CASE("mail: header injection through any field is neutralised or refused") {
  MailMessage m = invoice_message();
  m.subject = "Facture\r\nBcc: victim@evil.test";
  m.from_name = "Cabinet\r\nX-Evil: 1";
  m.to_name = "Patient\nBcc: other@evil.test";
  m.attachments[0].filename = "f.pdf\r\nContent-Type: text/evil";
  m.attachments[0].content_type = "application/pdf\r\nX-Evil: 2";
  const std::string out = mime_message(m, kDate + "\r\nX-Evil: 3", "id@x.fr\r\nX-Evil: 4");
  CHECK(crlf_only(out));
  // At the top, only our headers start a line; continuation lines start with a space.
  for (const std::string& line : crlf_lines(header_section(out))) {
    if (line.empty() || line[0] == ' ') continue;
    const std::string name = line.substr(0, line.find(':'));
    CAPTURE(line);
    CHECK((name == "Date" || name == "Message-ID" || name == "From" || name == "To" || name == "Subject" ||
           name == "MIME-Version" || name == "Content-Type"));
  }
  for (const char* evil : {"\r\nBcc:", "\r\nX-Evil:", "\r\nContent-Type: text/evil"}) {
    CAPTURE(evil);
    CHECK(out.find(evil) == std::string::npos);
  }
  CHECK(out.find("Content-Type: application/octet-stream;") != std::string::npos);
  // Addresses cannot be repaired: they are refused.
  MailMessage bad_to = simple_to("a@b.fr\r\nBcc: victim@evil.test");
  bad_to.from_address = "c@d.fr";
  CHECK_THROWS_AS(mime_message(bad_to, kDate, "id@x.fr"), std::invalid_argument);
  MailMessage bad_from = simple_to("a@b.fr");
  bad_from.from_address = "c@d.fr>\r\nBcc: <victim@evil.test";
  CHECK_THROWS_AS(mime_message(bad_from, kDate, "id@x.fr"), std::invalid_argument);
}

TEST_CASE("mail: a long subject is folded into encoded words of whole characters") {
  MailMessage m = simple_to("a@b.fr");
  m.from_address = "c@d.fr";
  std::string subject;
  for (int i = 0; i < 12; ++i) subject += "Relance n°" + std::to_string(i) + " : séance impayée à régler — ";
  m.subject = subject;
  const std::vector<std::string> lines = header_lines(mime_message(m, kDate, "id@x.fr"), "Subject");
  REQUIRE(lines.size() > 5);
  std::string decoded;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(lines[i]);
    CHECK(lines[i].size() <= 78);
    if (i > 0) CHECK(lines[i][0] == ' ');
  }
  for (const std::string& word : decode_q_words(lines)) {
    CAPTURE(word);
    REQUIRE_FALSE(word.empty());
    CHECK((static_cast<unsigned char>(word[0]) & 0xC0) != 0x80);  // never starts inside a character
    decoded += word;
  }
  CHECK(decoded + " " == subject);  // the trailing space is trimmed

  // Plain ASCII keeps its words and folds between them.
  m.subject = std::string(30, 'a') + " " + std::string(30, 'b') + " " + std::string(30, 'c');
  const std::vector<std::string> ascii = header_lines(mime_message(m, kDate, "id@x.fr"), "Subject");
  REQUIRE(ascii.size() == 2);
  CHECK(ascii[0] == "Subject: " + std::string(30, 'a') + " " + std::string(30, 'b'));
  CHECK(ascii[1] == " " + std::string(30, 'c'));
}

TEST_CASE("mail: attachments are base64 in 76-column lines, non-ASCII names per RFC 2231") {
  MailMessage m = simple_to("a@b.fr");
  m.from_address = "c@d.fr";
  m.attachments.push_back({"Facture F-2026-A-00012.pdf", "application/pdf", std::string("Facture\0\xff\xfe", 10)});
  m.attachments.push_back({"Reçu été.pdf", "Application/PDF", std::string(1000, '\x01')});
  const std::string out = mime_message(m, kDate, "id@x.fr");
  CHECK(out.find("Content-Type: application/pdf;\r\n name=\"Facture F-2026-A-00012.pdf\"\r\n"
                 "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment;\r\n"
                 " filename=\"Facture F-2026-A-00012.pdf\"\r\n\r\nRmFjdHVyZQD//g==\r\n--") != std::string::npos);
  CHECK(out.find(" filename*=UTF-8''Re%C3%A7u%20%C3%A9t%C3%A9.pdf\r\n") != std::string::npos);
  CHECK(out.find(" name*=UTF-8''Re%C3%A7u%20%C3%A9t%C3%A9.pdf\r\n") != std::string::npos);
  // 1000 bytes: 1336 base64 characters, 17 full lines of 76 and one of 44.
  const std::size_t start = out.find("\r\n\r\nAQEB") + 4;
  const std::vector<std::string> lines = crlf_lines(out.substr(start, out.find("\r\n--", start) - start));
  REQUIRE(lines.size() == 18);
  for (std::size_t i = 0; i < 17; ++i) CHECK(lines[i].size() == 76);
  CHECK(lines[17].size() == 44);
}

TEST_CASE("mail: boundaries are random and occur only as delimiters") {
  const std::string a = mime_message(invoice_message(), kDate, "id@x.fr");
  const std::string b = mime_message(invoice_message(), kDate, "id@x.fr");
  CHECK(a != b);
  const std::size_t at = a.find("boundary=\"") + 10;
  const std::string boundary = a.substr(at, a.find('"', at) - at);
  CHECK(boundary.size() >= 30);
  CHECK(b.find(boundary) == std::string::npos);
  int delimiters = 0;
  for (std::size_t i = 0; (i = a.find("--" + boundary, i)) != std::string::npos; ++i) {
    CHECK(a.substr(i - 2, 2) == "\r\n");  // always at the start of a line
    ++delimiters;
  }
  CHECK(delimiters == 3);  // mixed: the alternative part, the PDF, the close delimiter
}

// --- SMTP against the local sink --------------------------------------------------------------

TEST_CASE("smtp: a French invoice email with HTML and a PDF arrives intact") {
  SmtpSink sink;
  SmtpSender sender(config_for(sink.url()));
  MailMessage m = invoice_message();
  m.from_name.clear();  // from the configuration
  m.from_address.clear();
  const SendResult r = sender.send(m);
  CHECK(r.outcome == SendResult::Outcome::sent);
  CHECK(r.error.empty());
  REQUIRE(sink.count() == 1);

  const nlohmann::json got = sink.message(1);
  CAPTURE(got.dump());
  CHECK(got["defects"].empty());
  CHECK(got["subject"] == m.subject);
  CHECK(got["from"]["name"] == "Cabinet Hélène Dupré");
  CHECK(got["from"]["address"] == "factures@cabinet-exemple.fr");
  CHECK(got["to"]["name"] == m.to_name);
  CHECK(got["to"]["address"] == m.to_address);
  CHECK(lf(got["text"].get<std::string>()) == m.text);
  CHECK(lf(got["html"].get<std::string>()) == m.html);
  REQUIRE(got["attachments"].size() == 1);
  CHECK(got["attachments"][0]["filename"] == m.attachments[0].filename);
  CHECK(got["attachments"][0]["content_type"] == "application/pdf");
  CHECK(read_whole_file(got["attachments"][0]["path"].get<std::string>()) == m.attachments[0].data);
  CHECK(got["envelope"]["mail_from"] == "factures@cabinet-exemple.fr");
  CHECK(got["envelope"]["rcpt_tos"] == nlohmann::json::array({m.to_address}));

  const std::string raw = sink.raw(1);
  CHECK(crlf_only(raw));
  CHECK(raw.find("Message-ID: <") != std::string::npos);
  CHECK(raw.find("@cabinet-exemple.fr>\r\n") != std::string::npos);
}

TEST_CASE("smtp: subjects and names round trip through Python's email parser") {
  SmtpSink sink;
  SmtpSender sender(config_for(sink.url()));
  const std::vector<std::string> subjects = {
      "Facture F-2026-A-00012",
      "Votre reçu — 45,00 € (séance du 12/11)",
      "=?UTF-8?Q?pas_un_mot_encod=C3=A9?= mais du texte",
      "Émoji 🦷 et guillemets « français »",
      std::string(120, 'x'),
      "Une relance très longue : " + std::string(10, ' ') + "avec des espaces et des accents à n'en plus finir, "
          "répétés encore et encore pour dépasser soixante-dix-huit caractères, deux fois même",
  };
  for (std::size_t i = 0; i < subjects.size(); ++i) {
    MailMessage m = simple_to("p@patient-exemple.fr");
    m.subject = subjects[i];
    m.to_name = i % 2 ? "Dupont, Jean (Dr.)" : "\"Zoé\" <zoe@evil.test>";
    REQUIRE(sender.send(m).sent());
    const nlohmann::json got = sink.message(static_cast<int>(i) + 1);
    CAPTURE(got.dump());
    CHECK(got["defects"].empty());
    CHECK(got["subject"] == subjects[i]);
    CHECK(got["to"]["name"] == m.to_name);
    CHECK(got["to"]["address"] == "p@patient-exemple.fr");
    CHECK(lf(got["text"].get<std::string>()) == "Bonjour.\n");
    CHECK(got["html"].is_null());
  }
  // Controls in the subject arrive as spaces, not as headers.
  MailMessage m = simple_to("p@patient-exemple.fr");
  m.subject = "Facture\r\nBcc: victim@evil.test";
  REQUIRE(sender.send(m).sent());
  const nlohmann::json got = sink.message(static_cast<int>(subjects.size()) + 1);
  CHECK(got["subject"] == "Facture  Bcc: victim@evil.test");
  CHECK(got["envelope"]["rcpt_tos"] == nlohmann::json::array({"p@patient-exemple.fr"}));
}

TEST_CASE("smtp: AUTH required and given") {
  SmtpSink sink("cabinet", "s3cret-Pa55");
  SmtpSender sender(config_for(sink.url(), "cabinet", "s3cret-Pa55"));
  const SendResult r = sender.send(simple_to("p@patient-exemple.fr"));
  CHECK(r.outcome == SendResult::Outcome::sent);
  REQUIRE(sink.count() == 1);
  CHECK(sink.message(1)["envelope"]["authenticated"] == true);
}

// A refused login is the server's setup, not the message's: tried again later (the scheduler
// fails it after a few attempts), never lost at the first refusal.
TEST_CASE("smtp: a wrong password is not sent, tried again later, and the error does not contain it") {
  SmtpSink sink("cabinet", "s3cret-Pa55");
  SmtpSender sender(config_for(sink.url(), "cabinet", "wrong-Pa55word"));
  const SendResult r = sender.send(simple_to("p@patient-exemple.fr"));
  CHECK(r.outcome == SendResult::Outcome::retry);
  CAPTURE(r.error);
  CHECK(r.error.find("mot de passe") != std::string::npos);
  CHECK(r.error.find("535") != std::string::npos);
  CHECK(r.error.find("wrong-Pa55word") == std::string::npos);
  CHECK(sink.count() == 0);
}

TEST_CASE("smtp: a server that requires AUTH refuses a sender without credentials, until it is configured") {
  SmtpSink sink("cabinet", "s3cret-Pa55");
  SmtpSender sender(config_for(sink.url()));
  const SendResult r = sender.send(simple_to("p@patient-exemple.fr"));
  CHECK(r.outcome == SendResult::Outcome::retry);
  CAPTURE(r.error);
  CHECK(r.error.find("530") != std::string::npos);
  CHECK(r.error.find("identification") != std::string::npos);
  CHECK(sink.count() == 0);
}

TEST_CASE("smtp: an answer lost after the whole message was sent is unknown, never a retry") {
  SmtpSink sink;
  SmtpSender sender(config_for(sink.url()));
  const SendResult r = sender.send(simple_to("p@vanish.test"));
  CHECK(r.outcome == SendResult::Outcome::unknown);
  CAPTURE(r.error);
  CHECK(r.error.find("peut-être parti") != std::string::npos);
  CHECK(sink.count() == 1);  // it did arrive
}

TEST_CASE("smtp: a recipient refused with 550 is refused, not retried") {
  SmtpSink sink;
  SmtpSender sender(config_for(sink.url()));
  const SendResult r = sender.send(simple_to("nobody@refuse.test"));
  CHECK(r.outcome == SendResult::Outcome::refused);
  CAPTURE(r.error);
  CHECK(r.error.rfind("adresse refusée par le serveur de messagerie (550", 0) == 0);
  CHECK(r.error.find("nobody@refuse.test") != std::string::npos);  // the server's own words
  CHECK(sink.count() == 0);
}

TEST_CASE("smtp: a transient 451 is to retry") {
  SmtpSink sink;
  SmtpSender sender(config_for(sink.url()));
  const SendResult r = sender.send(simple_to("busy@later.test"));
  CHECK(r.outcome == SendResult::Outcome::retry);
  CAPTURE(r.error);
  CHECK(r.error.find("451") != std::string::npos);
  CHECK(sink.count() == 0);
}

TEST_CASE("smtp: nothing listening is to retry") {
  SmtpSender sender(config_for("smtp://127.0.0.1:" + std::to_string(reserve_port()), "cabinet", "s3cret-Pa55"));
  const SendResult r = sender.send(simple_to("p@patient-exemple.fr"));
  CHECK(r.outcome == SendResult::Outcome::retry);
  CAPTURE(r.error);
  CHECK(r.error.find("connexion au serveur de messagerie impossible") == 0);
  CHECK(r.error.find("s3cret-Pa55") == std::string::npos);
}

TEST_CASE("smtp: STARTTLS is required away from loopback, only tried on it") {
  CHECK(smtp_host_is_loopback("smtp://localhost:25"));
  CHECK(smtp_host_is_loopback("smtp://127.0.0.1:2525"));
  CHECK(smtp_host_is_loopback("smtp://[::1]:25"));
  CHECK(smtp_host_is_loopback("smtp://LOCALHOST"));
  CHECK_FALSE(smtp_host_is_loopback("smtp://127.0.0.2:25"));
  CHECK_FALSE(smtp_host_is_loopback("smtp://smtp.example.fr:587"));
  CHECK_FALSE(smtp_host_is_loopback("smtp://localhost.example.fr:587"));
  CHECK_FALSE(smtp_host_is_loopback("not a url"));

  // 127.0.0.2 is this machine too, but not a host the sender trusts without TLS; the sink
  // offers no STARTTLS, so nothing may be sent.
  SmtpSink sink("", "", "127.0.0.2");
  SmtpSender sender(config_for(sink.url(), "cabinet", "s3cret-Pa55"));
  const SendResult r = sender.send(simple_to("p@patient-exemple.fr"));
  CHECK(r.outcome == SendResult::Outcome::retry);
  CAPTURE(r.error);
  CHECK(r.error.find("STARTTLS") != std::string::npos);
  CHECK(sink.count() == 0);
}

TEST_CASE("smtp: invalid addresses and a missing configuration are refused without a connection") {
  SmtpSender sender(config_for("smtp://127.0.0.1:" + std::to_string(reserve_port())));
  const SendResult bad_to = sender.send(simple_to("pas-une-adresse"));
  CHECK(bad_to.outcome == SendResult::Outcome::refused);
  CHECK(bad_to.error == "adresse du destinataire invalide");
  MailMessage spoofed = simple_to("p@patient-exemple.fr");
  spoofed.from_address = "x@y.fr\r\nBcc: victim@evil.test";
  CHECK(sender.send(spoofed).error == "adresse de l'expéditeur invalide");
  SmtpSender unconfigured(SmtpConfig{});
  MailMessage m = simple_to("p@patient-exemple.fr");
  m.from_address = "c@d.fr";
  const SendResult none = unconfigured.send(m);
  CHECK(none.outcome == SendResult::Outcome::refused);
  CHECK(none.error.find("SMTP_URL") != std::string::npos);
}
