// RFC 5322 + MIME message building. See mail/message.h.
//
// [SECTION] Small helpers
// [SECTION] Headers: encoded words and folding
// [SECTION] Bodies: quoted-printable and base64
// [SECTION] Attachment parameters (RFC 2231)
// [SECTION] The message
// [SECTION] Addresses and dates
#include "server/mail/message.h"

#include <cctype>
#include <cstdio>
#include <random>
#include <stdexcept>

#include "core/date.h"
#include "core/email_address.h"

namespace quittance::server {

namespace {

// [SECTION] Small helpers ---------------------------------------------------------------------

constexpr std::size_t kMaxHeaderLine = 78;    // RFC 5322's SHOULD
constexpr std::size_t kMaxEncodedWord = 66;   // fits after the longest header name we write
constexpr std::size_t kMaxBodyLine = 76;      // RFC 2045, for quoted-printable and base64
constexpr const char* kHex = "0123456789ABCDEF";

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Control characters (CR and LF above all) become spaces: a header value stays one value.
std::string without_controls(std::string_view text, char replacement = ' ') {
  std::string out(text);
  for (char& c : out) {
    if (is_control(static_cast<unsigned char>(c))) c = replacement;
  }
  return out;
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::string percent_byte(unsigned char c, char marker) {
  return std::string{marker, kHex[c >> 4], kHex[c & 15]};
}

// [SECTION] Headers: encoded words and folding ------------------------------------------------

// Q encoding as RFC 2047 allows it in a phrase (the strictest place): letters, digits and
// "!*+-/" as themselves, space as '_', every other byte as =XX.
std::string q_encode_char(std::string_view utf8_char) {
  std::string out;
  for (unsigned char c : utf8_char) {
    if (std::isalnum(c) && c < 0x80) out += static_cast<char>(c);
    else if (c == ' ') out += '_';
    else if (c == '!' || c == '*' || c == '+' || c == '-' || c == '/') out += static_cast<char>(c);
    else out += percent_byte(c, '=');
  }
  return out;
}

// The text as "=?UTF-8?Q?...?=" words of at most kMaxEncodedWord characters, never splitting a
// UTF-8 character (RFC 2047 §5: each word must decode on its own).
std::vector<std::string> encoded_words(std::string_view text) {
  const std::string prefix = "=?UTF-8?Q?", suffix = "?=";
  const std::size_t room = kMaxEncodedWord - prefix.size() - suffix.size();
  std::vector<std::string> words;
  std::string payload;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t end = i + 1;
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    const std::string piece = q_encode_char(text.substr(i, end - i));
    if (!payload.empty() && payload.size() + piece.size() > room) {
      words.push_back(prefix + payload + suffix);
      payload.clear();
    }
    payload += piece;
    i = end;
  }
  if (!payload.empty()) words.push_back(prefix + payload + suffix);
  return words;
}

// Text that may go into a header as it is: printable ASCII, and nothing a decoder could take
// for an encoded word.
bool plain_ascii(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return text.find("=?") == std::string_view::npos;
}

// A display name that needs no quoting: letters, digits, spaces, '-' and '\''.
bool plain_phrase(std::string_view name) {
  for (unsigned char c : name) {
    if (!(c < 0x80 && (std::isalnum(c) || c == ' ' || c == '-' || c == '\''))) return false;
  }
  return true;
}

std::vector<std::string> split_spaces(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c != ' ') {
      word += c;
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

// "Name: token token ...\r\n", breaking lines (CRLF + space) between tokens so that each line
// stays within 78 characters when the tokens allow it.
std::string folded_header(const std::string& name, const std::vector<std::string>& tokens) {
  std::string out = name + ":";
  std::size_t line = out.size();
  bool line_has_token = false;
  for (const std::string& token : tokens) {
    if (line_has_token && line + 1 + token.size() > kMaxHeaderLine) {
      out += "\r\n";
      line = 0;
    }
    out += " " + token;
    line += 1 + token.size();
    line_has_token = true;
  }
  return out + "\r\n";
}

// Unstructured text (Subject): plain ASCII keeps its words, anything else is encoded whole, so
// that spaces between encoded words survive decoding (encoded as '_').
std::string text_header(const std::string& name, std::string_view utf8) {
  const std::string text = trimmed(without_controls(utf8));
  if (plain_ascii(text)) {
    std::vector<std::string> tokens;
    // Folding happens only before a space; runs of spaces are kept by not splitting on them all.
    std::string current;
    for (char c : text) {
      if (c == ' ' && !current.empty() && current.back() != ' ') {
        tokens.push_back(current);
        current.clear();
      } else {
        current += c;
      }
    }
    if (!current.empty()) tokens.push_back(current);
    bool foldable = true;  // a word too long for one line is split by encoding instead
    for (const std::string& t : tokens) foldable = foldable && t.size() <= kMaxEncodedWord;
    if (foldable) return folded_header(name, tokens);
  }
  return folded_header(name, encoded_words(text));
}

// "Name <addr>", the name as words or encoded words; a bare address when there is no name.
std::string address_header(const std::string& name, std::string_view display, const std::string& address) {
  const std::string phrase = trimmed(without_controls(display));
  std::vector<std::string> tokens;
  if (!phrase.empty()) tokens = plain_phrase(phrase) ? split_spaces(phrase) : encoded_words(phrase);
  tokens.push_back(phrase.empty() ? address : "<" + address + ">");
  return folded_header(name, tokens);
}

// [SECTION] Bodies: quoted-printable and base64 -----------------------------------------------

// Quoted-printable with CRLF hard breaks (any of LF, CRLF, CR in the input counts as one) and
// "=" soft breaks keeping lines within 76 characters. A '.' or "From " opening a line is
// encoded too, so that no relay dot-stuffs or mangles it. No CRLF after the last line.
std::string quoted_printable(std::string_view text) {
  std::string out, line;
  auto flush_soft = [&] {
    out += line + "=\r\n";
    line.clear();
  };
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const bool at_end = i == text.size();
    if (at_end || text[i] == '\n' || text[i] == '\r') {
      out += line;
      line.clear();
      if (at_end) break;
      out += "\r\n";
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const bool line_ends_here = i + 1 == text.size() || text[i + 1] == '\n' || text[i + 1] == '\r';
    std::string piece;
    if ((c == ' ' || c == '\t') && !line_ends_here) piece = static_cast<char>(c);
    else if (c > ' ' && c < 0x7f && c != '=') piece = static_cast<char>(c);
    else piece = percent_byte(c, '=');
    // One character fewer than the limit: room for a soft break's '=' after any line.
    if (line.size() + piece.size() > kMaxBodyLine - 1) flush_soft();
    if (line.empty() && (c == '.' || (c == 'F' && text.substr(i, 5) == "From "))) piece = percent_byte(c, '=');
    line += piece;
  }
  return out;
}

std::string base64_lines(std::string_view data) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out, line;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, data.size() - i);
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? static_cast<unsigned char>(data[i + k]) : 0);
    for (std::size_t k = 0; k < 4; ++k) line += k <= n ? alphabet[(v >> (18 - 6 * k)) & 63] : '=';
    if (line.size() == kMaxBodyLine) {
      out += line + "\r\n";
      line.clear();
    }
  }
  out += line;
  if (!out.empty() && line.empty()) out.resize(out.size() - 2);  // no CRLF after the last line
  return out;
}

// [SECTION] Attachment parameters (RFC 2231) --------------------------------------------------

// `attribute="value"` when the value is short printable ASCII; otherwise RFC 2231's
// `attribute*0*=UTF-8''%C3%A9...;` in pieces of at most 60 characters, one per folded line.
std::string parameter(const std::string& attribute, const std::string& value) {
  const bool simple = value.size() <= 60 && plain_ascii(value) && value.find_first_of("\"\\") == std::string::npos;
  if (simple) return ";\r\n " + attribute + "=\"" + value + "\"";
  std::vector<std::string> pieces{"UTF-8''"};
  for (unsigned char c : value) {
    const bool attr_char = c < 0x80 && (std::isalnum(c) || std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos);
    const std::string piece = attr_char ? std::string(1, static_cast<char>(c)) : percent_byte(c, '%');
    if (pieces.back().size() + piece.size() > 60) pieces.emplace_back();
    pieces.back() += piece;
  }
  std::string out;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    out += ";\r\n " + attribute + "*" + (pieces.size() > 1 ? std::to_string(i) + "*" : std::string()) + "=" + pieces[i];
  }
  return out;
}

// "type/subtype" of token characters, lower-cased; anything else is not trusted into a header.
std::string safe_content_type(std::string_view type) {
  std::string out;
  std::size_t slashes = 0;
  for (unsigned char c : type) {
    if (c == '/') ++slashes;
    else if (!(c < 0x80 && (std::isalnum(c) || std::string_view("!#$&^_.+-").find(c) != std::string_view::npos)))
      return "application/octet-stream";
    out += static_cast<char>(std::tolower(c));
  }
  if (slashes != 1 || out.front() == '/' || out.back() == '/') return "application/octet-stream";
  return out;
}

// [SECTION] The message -----------------------------------------------------------------------

struct Part {
  std::string headers;  // each line ends in CRLF
  std::string body;     // no CRLF after the last line: the delimiter that follows brings its own
};

Part text_part(const std::string& subtype, const std::string& text) {
  return {"Content-Type: text/" + subtype + "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n",
          quoted_printable(text)};
}

Part attachment_part(const MailAttachment& attachment) {
  std::string name = trimmed(without_controls(attachment.filename, '_'));
  if (name.empty()) name = "piece-jointe";
  return {"Content-Type: " + safe_content_type(attachment.content_type) + parameter("name", name) +
              "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment" + parameter("filename", name) +
              "\r\n",
          base64_lines(attachment.data)};
}

// "=_" cannot occur in quoted-printable ('=' is followed by hex or CRLF) nor in base64, and the
// random part makes a collision with our own headers improbable; the caller still checks.
std::string new_boundary(std::mt19937_64& random) {
  std::string out = "=_quittance_";
  for (int i = 0; i < 24; ++i) out += kHex[random() & 15];
  return out;
}

Part multipart(const std::string& subtype, const std::vector<Part>& parts, std::mt19937_64& random) {
  std::string boundary;
  bool clash = true;
  while (clash) {
    boundary = new_boundary(random);
    clash = false;
    for (const Part& p : parts) clash = clash || (p.headers + p.body).find("--" + boundary) != std::string::npos;
  }
  std::string body;
  for (const Part& p : parts) body += "--" + boundary + "\r\n" + p.headers + "\r\n" + p.body + "\r\n";
  body += "--" + boundary + "--";
  return {"Content-Type: multipart/" + subtype + ";\r\n boundary=\"" + boundary + "\"\r\n", body};
}

// Printable ASCII without spaces, in angle brackets.
std::string clean_message_id(const std::string& id) {
  std::string out;
  for (unsigned char c : id) {
    if (c > ' ' && c < 0x7f && c != '<' && c != '>') out += static_cast<char>(c);
  }
  return out.empty() ? "" : "<" + out + ">";
}

}  // namespace

std::string mime_message(const MailMessage& message, const std::string& date_rfc5322, const std::string& message_id) {
  if (!valid_email_address(message.from_address)) throw std::invalid_argument("mime_message: invalid from address");
  if (!valid_email_address(message.to_address)) throw std::invalid_argument("mime_message: invalid to address");

  std::random_device seed;
  std::mt19937_64 random((static_cast<std::uint64_t>(seed()) << 32) ^ seed());
  Part body = text_part("plain", message.text);
  const bool text_only = message.html.empty() && message.attachments.empty();
  if (!message.html.empty()) body = multipart("alternative", {body, text_part("html", message.html)}, random);
  if (!message.attachments.empty()) {
    std::vector<Part> parts{body};
    for (const MailAttachment& a : message.attachments) parts.push_back(attachment_part(a));
    body = multipart("mixed", parts, random);
  }

  std::string out = "Date: " + without_controls(date_rfc5322) + "\r\n";
  if (const std::string id = clean_message_id(message_id); !id.empty()) out += "Message-ID: " + id + "\r\n";
  out += address_header("From", message.from_name, message.from_address);
  out += address_header("To", message.to_name, message.to_address);
  if (valid_email_address(message.reply_to)) out += address_header("Reply-To", "", message.reply_to);
  out += text_header("Subject", message.subject);
  out += "MIME-Version: 1.0\r\n" + body.headers + "\r\n" + body.body;
  // A lone text part ends in a soft break, so that its decoded text gains no final newline.
  return out + (text_only ? "=\r\n" : "\r\n");
}

// [SECTION] Addresses and dates ---------------------------------------------------------------

bool valid_email_address(std::string_view address) { return core::valid_email_address(address); }

std::string rfc5322_date(std::int64_t unix_seconds) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t day = unix_seconds / 86400, second = unix_seconds % 86400;
  if (second < 0) second += 86400, --day;
  const int weekday = static_cast<int>(((day % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  const core::Date date = core::civil_from_days(day);
  char out[64];
  std::snprintf(out, sizeof out, "%s, %d %s %d %02d:%02d:%02d +0000", days[weekday], date.day, months[date.month - 1],
                date.year, static_cast<int>(second / 3600), static_cast<int>(second / 60 % 60),
                static_cast<int>(second % 60));
  return out;
}

}  // namespace quittance::server
