// Email addresses. See email_address.h.
#include "core/email_address.h"

#include <cctype>

namespace quittance::core {

bool valid_email_address(std::string_view address) {
  if (address.size() > 254) return false;
  const std::size_t at = address.find('@');
  if (at == std::string_view::npos || address.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view local = address.substr(0, at), domain = address.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  for (unsigned char c : local) {
    if (c <= ' ' || c >= 0x7f || std::string_view("()<>[]\\,;:\"").find(c) != std::string_view::npos) return false;
  }
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos)
    return false;
  for (unsigned char c : domain) {
    if (!(c < 0x80 && (std::isalnum(c) || c == '-' || c == '.'))) return false;
  }
  return true;
}

}  // namespace quittance::core
