// The browser page store's side of the chunk tracking (platform/pages/page_vfs.h), for tests:
// the image it keeps of the clinic's file, updated from the changes it is given, exactly as
// web/page_storage does with IndexedDB. Shared by page_vfs_test and the page store's fuzz
// harness (tests/fuzz/fuzz_page_vfs.cpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "platform/pages/page_vfs.h"

namespace quittance::testing {

// Read in one call (an istreambuf_iterator read byte by byte was most of the fuzz harness's time).
inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  std::string bytes(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

inline void apply(std::string& image, const std::string& file, const platform::pages::Changes& changes) {
  namespace pages = platform::pages;
  if (changes.whole) {
    image = file;
    return;
  }
  if (image.size() < file.size()) image.resize(file.size(), '\0');
  std::vector<std::uint32_t> chunks = changes.chunks;
  if (changes.shrunk_to >= 0) {
    for (auto c = static_cast<std::uint32_t>(changes.shrunk_to / pages::kChunkSize);
         static_cast<std::size_t>(c) * pages::kChunkSize < file.size(); ++c) {
      chunks.push_back(c);
    }
  }
  for (std::uint32_t c : chunks) {
    const auto at = static_cast<std::size_t>(c) * pages::kChunkSize;
    if (at >= file.size()) continue;  // past the end: dropped by the size
    const std::size_t n = std::min<std::size_t>(pages::kChunkSize, file.size() - at);
    image.replace(at, n, file, at, n);
  }
  image.resize(file.size());
}

}  // namespace quittance::testing
