// SHA-256: the FIPS 180-4 example vectors, the padding edges around 56 and 64 bytes, and
// streaming in arbitrary pieces giving the same digest as one call.
#include <doctest/doctest.h>

#include <string>

#include "core/sha256.h"

using namespace quittance::core;

namespace {
std::string streamed(const std::string& message, std::size_t piece) {
  Sha256 h;
  for (std::size_t i = 0; i < message.size(); i += piece) h.update(std::string_view(message).substr(i, piece));
  return digest_hex(h.finish());
}
// Prefixes of this text give the padding-edge messages; ASCII, so bytes = characters.
const std::string kText = "The quick brown fox jumps over the lazy dog. Portez ce vieux whisky au juge blond qui fume.";
}  // namespace

TEST_CASE("FIPS 180-4 example vectors") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("one million 'a', streamed in pieces of several sizes") {
  const std::string expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
  Sha256 h;
  const std::string thousand(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(thousand);
  CHECK(digest_hex(h.finish()) == expected);

  const std::string million(1000000, 'a');
  CHECK(streamed(million, 997) == expected);  // pieces that straddle block boundaries
  CHECK(streamed(million, 64) == expected);
  CHECK(sha256_hex(million) == expected);
}

TEST_CASE("padding edges: 55, 56, 63, 64 and 65 bytes (values from sha256sum)") {
  // 55 bytes: 0x80 and the length fit in the block; 56..63: the length needs a second block;
  // 64: the padding is a block of its own; 65: one byte spills into the second block.
  struct Vector { std::size_t length; const char* hex; };
  const Vector vectors[] = {
      {55, "8cf8e0c6c59f67f71f9d6d08338fd4f2d7a44aad48711b4566b3dedf99436026"},
      {56, "c556b3dd78798b0ce3b71e9193110ed7288ca2a77d3c324161c29e073bf20ef9"},
      {63, "7f693d390cc5b2d7b56ddf695cc16cf46bb14ea6075cb4474bf7bbeb0049958f"},
      {64, "ca9eaf0a6868cec371e16c88dcf0025037b8a4fb062f02c944cad3440d90bf33"},
      {65, "2224ee4078806df26f3695694c0ef27b23e1a509cfa3691e7bdd95debb202dea"},
  };
  for (const auto& v : vectors) {
    const std::string message = kText.substr(0, v.length);
    CAPTURE(v.length);
    CHECK(sha256_hex(message) == v.hex);
    // Every split into two pieces, including empty ones, gives the same digest.
    for (std::size_t cut = 0; cut <= message.size(); ++cut) {
      Sha256 h;
      h.update(std::string_view(message).substr(0, cut));
      h.update("");
      h.update(std::string_view(message).substr(cut));
      CHECK(digest_hex(h.finish()) == v.hex);
    }
    CHECK(streamed(message, 1) == v.hex);
  }
}

TEST_CASE("finish resets, so one object hashes several messages") {
  Sha256 h;
  h.update("ab");
  h.update("c");
  CHECK(digest_hex(h.finish()) == sha256_hex("abc"));
  CHECK(digest_hex(h.finish()) == sha256_hex(""));
  h.update("abc");
  CHECK(digest_hex(h.finish()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("bytes are bytes: an embedded NUL and non-ASCII UTF-8 (values from sha256sum)") {
  CHECK(sha256_hex(std::string("a\0b", 3)) == "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
  CHECK(sha256_hex("\xC3\xA9") == "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c");  // "é"
}
