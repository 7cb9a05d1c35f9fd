// UTF-8 to Windows-1252. See winansi.h.
#include "pdf/winansi.h"

#include <cstdint>

namespace quittance::pdf {

namespace {

// The code points of bytes 0x80–0x9F in Windows-1252 (0 where the byte is unassigned).
constexpr std::uint16_t kHigh[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                     0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                     0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                     0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char encode(std::uint32_t cp) {
  if (cp == '\t' || cp == '\r' || cp == '\n') return ' ';  // a layout's business, not a glyph
  if (cp < 0x20 || cp == 0x7F) return '?';
  if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) return static_cast<char>(cp);
  for (int i = 0; i < 32; ++i) {
    if (kHigh[i] != 0 && kHigh[i] == cp) return static_cast<char>(0x80 + i);
  }
  if (cp == 0x202F || cp == 0x2009 || cp == 0x2007) return static_cast<char>(0xA0);  // thin spaces
  if (cp == 0x2010 || cp == 0x2011) return '-';
  return '?';
}

// A letter and a combining accent (decomposed text, as some keyboards and pastes give it) as
// the one Latin-1 letter; 0 when there is none.
char compose(char base, std::uint32_t mark) {
  static constexpr struct {
    char base;
    std::uint32_t mark;
    unsigned char composed;
  } kPairs[] = {{'a', 0x300, 0xE0}, {'a', 0x302, 0xE2}, {'e', 0x300, 0xE8}, {'e', 0x301, 0xE9},
                {'e', 0x302, 0xEA}, {'e', 0x308, 0xEB}, {'i', 0x302, 0xEE}, {'i', 0x308, 0xEF},
                {'o', 0x302, 0xF4}, {'u', 0x300, 0xF9}, {'u', 0x302, 0xFB}, {'u', 0x308, 0xFC},
                {'c', 0x327, 0xE7}, {'E', 0x301, 0xC9}, {'E', 0x300, 0xC8}, {'E', 0x302, 0xCA},
                {'A', 0x300, 0xC0}, {'C', 0x327, 0xC7}, {'O', 0x302, 0xD4}, {'y', 0x308, 0xFF}};
  for (const auto& p : kPairs) {
    if (p.base == base && p.mark == mark) return static_cast<char>(p.composed);
  }
  return 0;
}

}  // namespace

std::string to_winansi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      out += encode(b);
      ++i;
      continue;
    }
    // Lead bytes of well-formed UTF-8 only (no overlong C0/C1, nothing past U+10FFFF).
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2, cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3, cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4, cp = b & 0x07;
    }
    std::size_t k = 1;
    while (len > 0 && k < len && i + k < s.size() && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
      ++k;
    }
    static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (len == 0 || k < len || cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out += '?';  // one mark for the malformed sequence; what follows it is read again
      i += k;
      continue;
    }
    i += len;
    if (cp >= 0x300 && cp <= 0x36F) {  // a combining accent: onto the letter before it
      if (!out.empty()) {
        if (const char composed = compose(out.back(), cp)) out.back() = composed;
      }
      continue;
    }
    out += encode(cp);
  }
  return out;
}

}  // namespace quittance::pdf
