// A document's PDF file, or why it could not be made.
#pragma once
#include <string>
#include <vector>

namespace quittance::pdf {

struct PdfResult {
  std::vector<unsigned char> bytes;  // the file; empty on failure
  std::string error;                 // libharu's error, when it failed
  bool ok() const { return !bytes.empty(); }
};

}  // namespace quittance::pdf
