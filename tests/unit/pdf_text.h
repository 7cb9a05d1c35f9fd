// A PDF read back as any reader would: poppler's pdftotext, for the tests of every document
// (invoices, receipts, attestations, statements, the receipts book).
#pragma once
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace quittance::testing {

// A command's output.
inline std::string output_of(const std::string& command) {
  std::string text;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, p)) > 0;) text.append(buffer, n);
    pclose(p);
  }
  return text;
}

// The PDF's text as pdftotext reads it (UTF-8), no-break spaces made plain; `pages` gets
// pdfinfo's page count.
inline std::string pdf_text(const std::vector<unsigned char>& bytes, int* pages = nullptr) {
  static int counter = 0;
  const auto file = std::filesystem::temp_directory_path() /
                    ("quittance-pdf-test-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".pdf");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  std::string text = output_of("pdftotext -layout '" + file.string() + "' - 2>&1");
  if (pages) {
    const std::string info = output_of("pdfinfo '" + file.string() + "' 2>&1");
    const std::size_t at = info.find("Pages:");
    *pages = at == std::string::npos ? 0 : std::stoi(info.substr(at + 6));
  }
  std::filesystem::remove(file);
  for (const std::string& nbsp : {std::string("\u00A0"), std::string("\u202F")}) {
    for (std::size_t at; (at = text.find(nbsp)) != std::string::npos;) text.replace(at, nbsp.size(), " ");
  }
  return text;
}

}  // namespace quittance::testing
