// Document numbers: « F-2026-A-000123 » for invoices, « AV-2026-A-000007 » for credit notes.
//
// Each device has its own series letter (A, B, …), so two devices working offline can never
// give the same number. French rules (CGI art. 242 nonies A, BOI-TVA-DECLA-30-20-20) require a
// unique number "based on a chronological and continuous sequence", and explicitly allow
// several distinct series when justified — such as one per establishment or per device — as
// long as each series is itself chronological and without gaps. Numbers are given at issue,
// inside the issuing transaction; drafts consume none.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace quittance::core {

enum class DocumentKind { Invoice, CreditNote };

const char* prefix_of(DocumentKind kind);  // "F" or "AV"
// A series code is one to three upper-case letters.
bool valid_series_code(std::string_view code);
// The series of the invoices an online payment issues by itself (an appointment paid at booking:
// the server's fact, applied by every device in the log's order, numbers it the same
// everywhere). No device is ever given it.
inline constexpr std::string_view kOnlineSeries = "WEB";
std::string format_document_number(DocumentKind kind, int year, std::string_view series, std::int64_t number);

}  // namespace quittance::core
