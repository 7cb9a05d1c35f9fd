// An email address as Quittance accepts one (the practice's, a patient's or payer's for the
// server's emails): one '@', a plain ASCII local part without spaces or specials, a dotted
// ASCII domain, 254 bytes at most. Checked alike by the settings and by the mail sender, so an
// address the practice could save is one the server can use.
#pragma once
#include <string_view>

namespace quittance::core {

bool valid_email_address(std::string_view address);

}  // namespace quittance::core
