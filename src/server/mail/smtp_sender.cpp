// SMTP over libcurl. See mail/smtp_sender.h.
//
// libcurl reports a failed conversation as a CURLcode plus the last reply code; to tell the
// practitioner *what* was refused (the sender, the address, the login, the message), we also
// watch the conversation through CURLOPT_DEBUGFUNCTION: the verb of our last command and the
// server's refusal. Only known verbs are kept from what we send, so AUTH's credentials never
// are.
#include "core/text.h"
#include "server/mail/smtp_sender.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <exception>
#include <memory>

#include "server/devices/tokens.h"
#include "server/stripe/client.h"  // init_http_client()

namespace quittance::server {

namespace {

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data->size() - upload->offset);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// What a failed conversation ended on. After a failure libcurl still says QUIT (221 Bye), so
// the refusal is kept apart from the last reply.
struct Conversation {
  std::string last_verb;     // "MAIL", "RCPT", "DATA", "AUTH", ... (our last command)
  std::string refused_verb;  // the command the last 4xx/5xx answered
  std::string refusal;       // that reply's last line, "550 5.1.1 No such user"
};

int watch(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto* c = static_cast<Conversation*>(user);
  std::string text(data, size);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (type == CURLINFO_HEADER_OUT) {
    // Known verbs only: the lines that follow "AUTH LOGIN" are the credentials themselves.
    const std::string verb = text.substr(0, text.find(' '));
    for (const char* known : {"EHLO", "HELO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"}) {
      if (verb == known) c->last_verb = verb;
    }
  } else if (type == CURLINFO_HEADER_IN) {
    const std::size_t line = text.rfind('\n');
    std::string reply = line == std::string::npos ? text : text.substr(line + 1);
    if (!reply.empty() && (reply[0] == '4' || reply[0] == '5')) {
      c->refused_verb = c->last_verb;
      c->refusal = std::move(reply);
    }
  }
  return 0;
}

// The server's words, printable, valid UTF-8 (they end up in JSON events) and short, for an
// error message: control characters become spaces, bytes that are not UTF-8 become '?', and
// the cut falls between characters.
std::string reply_text(const std::string& reply, long code) {
  std::string out;
  for (std::size_t i = 0; i < reply.size();) {
    const auto ch = static_cast<unsigned char>(reply[i]);
    const std::size_t len = ch < 0x80 ? 1 : (ch >> 5) == 6 ? 2 : (ch >> 4) == 14 ? 3 : (ch >> 3) == 30 ? 4 : 0;
    bool ok = len > 0 && i + len <= reply.size();
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(reply[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out += '?';
      ++i;
      continue;
    }
    if (out.size() + len > 160) {
      out += "…";
      break;
    }
    out += len == 1 && (ch < 0x20 || ch == 0x7f) ? std::string(" ") : reply.substr(i, len);
    i += len;
  }
  return out.empty() || out.rfind(std::to_string(code), 0) != 0 ? std::to_string(code) : out;
}

// What the server refused, named after the command it answered.
std::string refused_what(const std::string& verb, long code) {
  if (code == 530) return "le serveur de messagerie exige une identification (SMTP_USER, SMTP_PASSWORD)";
  if (verb == "AUTH") return "identifiant ou mot de passe refusé par le serveur de messagerie";
  if (verb == "MAIL") return "expéditeur refusé par le serveur de messagerie";
  if (verb == "RCPT") return "adresse refusée par le serveur de messagerie";
  if (verb == "DATA") return "message refusé par le serveur de messagerie";  // also the answer after the body
  return "refus du serveur de messagerie";
}

SendResult transport_failure(CURLcode code, const char* curl_error) {
  const std::string detail = curl_error[0] ? curl_error : curl_easy_strerror(code);
  switch (code) {
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {SendResult::Outcome::refused, "adresse du serveur de messagerie (SMTP_URL) invalide"};
    case CURLE_COULDNT_RESOLVE_HOST:
      return {SendResult::Outcome::retry, "serveur de messagerie introuvable : " + detail};
    case CURLE_COULDNT_CONNECT:
      return {SendResult::Outcome::retry, "connexion au serveur de messagerie impossible : " + detail};
    case CURLE_OPERATION_TIMEDOUT:
      return {SendResult::Outcome::retry, "le serveur de messagerie ne répond pas (délai dépassé)"};
    case CURLE_USE_SSL_FAILED:
      return {SendResult::Outcome::retry, "le serveur de messagerie ne propose pas de chiffrement (STARTTLS)"};
    case CURLE_LOGIN_DENIED:  // the server's setup, not this message's: tried again later
      return {SendResult::Outcome::retry, "identification refusée par le serveur de messagerie : " + detail};
    default:
      return {SendResult::Outcome::retry, "échec de l'envoi : " + detail};
  }
}

// Every occurrence of the secret goes, whatever else it garbles: the guarantee comes first.
std::string without_secret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at; (at = text.find(secret)) != std::string::npos;) text.replace(at, secret.size(), "***");
  return text;
}

}  // namespace

bool smtp_host_is_loopback(const std::string& url) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return false;
  char* host = nullptr;
  if (curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) return false;
  std::string h = host;
  curl_free(host);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return h == "localhost" || h == "127.0.0.1" || h == "[::1]" || h == "::1";
}

SmtpSender::SmtpSender(SmtpConfig config) : config_(std::move(config)) {}

SendResult SmtpSender::send(const MailMessage& original) {
  MailMessage message = original;
  if (message.from_address.empty()) message.from_address = config_.from_address;
  if (message.from_name.empty()) message.from_name = config_.from_name;
  const std::string envelope_from = config_.from_address.empty() ? message.from_address : config_.from_address;
  if (!valid_email_address(message.to_address)) return {SendResult::Outcome::refused, "adresse du destinataire invalide"};
  if (!valid_email_address(message.from_address) || !valid_email_address(envelope_from))
    return {SendResult::Outcome::refused, "adresse de l'expéditeur invalide"};
  if (config_.url.empty()) return {SendResult::Outcome::refused, "envoi d'emails non configuré (SMTP_URL)"};

  std::string data;
  try {
    const std::string domain = envelope_from.substr(envelope_from.find('@') + 1);
    const std::string id = core::to_hex(random_bytes(16)) + "@" + domain;
    data = mime_message(message, rfc5322_date(static_cast<std::int64_t>(std::time(nullptr))), id);
  } catch (const std::exception& e) {
    return {SendResult::Outcome::retry, std::string("échec de la préparation du message : ") + e.what()};
  }

  init_http_client();
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return {SendResult::Outcome::retry, "échec de l'envoi : curl_easy_init"};
  const std::string from = "<" + envelope_from + ">";
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt(
      curl_slist_append(nullptr, ("<" + message.to_address + ">").c_str()), curl_slist_free_all);
  Upload upload{&data};
  Conversation conversation;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, config_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL, smtp_host_is_loopback(config_.url) ? CURLUSESSL_TRY : CURLUSESSL_ALL);
  if (!config_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config_.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(data.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, connect_timeout_seconds);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // request threads must not get SIGALRM
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);  // only so that watch() sees the conversation; it prints nothing
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, watch);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &conversation);

  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) return {SendResult::Outcome::sent, ""};
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  SendResult result;
  if (reply >= 400 && reply < 600) {
    // A refusal of the login or of our sender is the server's setup, not this message's: tried
    // again later (and failed after a few attempts) rather than lost at once.
    const bool setup = reply == 530 || conversation.refused_verb == "AUTH" || conversation.refused_verb == "MAIL";
    const bool permanent = reply >= 500 && !setup;
    result.outcome = permanent ? SendResult::Outcome::refused : SendResult::Outcome::retry;
    result.error = refused_what(conversation.refused_verb, reply) + (reply >= 500 ? "" : " pour l'instant") + " (" +
                   reply_text(conversation.refusal, reply) + ")";
  } else if (upload.offset == data.size() && !data.empty()) {
    // Everything was sent and the answer never came: the server may have taken it.
    result = {SendResult::Outcome::unknown,
              "la connexion au serveur de messagerie s'est coupée après l'envoi : le message est peut-être parti"};
  } else {
    result = transport_failure(code, error_buffer);
  }
  result.error = without_secret(result.error, config_.password);
  return result;
}

}  // namespace quittance::server
