// Static files of the web app. See http/static_files.h.
#include "server/http/static_files.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "core/text.h"

namespace quittance::server {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kOctetStream = "application/octet-stream";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

using core::trim;

// "0", "0.", "0.0", "0.000": the client refuses this coding.
bool is_zero_q(std::string_view q) {
  if (q.empty() || q[0] != '0') return false;
  q.remove_prefix(1);
  if (q.empty()) return true;
  if (q[0] != '.') return false;
  return std::all_of(q.begin() + 1, q.end(), [](char c) { return c == '0'; });
}

void text_answer(httplib::Response& res, int status, const char* text) {
  res.status = status;
  res.set_content(text, "text/plain; charset=utf-8");
}

bool read_file(const fs::path& file, std::string& content) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return false;
  content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// A symbolic link anywhere below the web folder is never followed: a link left there (to /etc,
// to the data folder) would serve what it points to.
bool through_link(const fs::path& web_dir, const fs::path& file) {
  fs::path at = web_dir;
  for (const fs::path& part : file.lexically_relative(web_dir)) {
    at /= part;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(at, ec)) || ec) return true;
  }
  return false;
}

// `file` + `suffix` (app.wasm.br), the build's compressed copy of it, when it is a regular file
// (no link) not older than the file itself: a copy left from an earlier build is never served.
bool read_precompressed(const fs::path& file, const char* suffix, fs::file_time_type file_mtime, std::string& out) {
  fs::path copy = file;
  copy += suffix;
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(copy, ec)) || ec) return false;
  const fs::file_time_type copy_mtime = fs::last_write_time(copy, ec);
  if (ec || copy_mtime < file_mtime) return false;
  return read_file(copy, out);
}

}  // namespace

std::string_view mime_type_for(std::string_view file_name) {
  std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return kOctetStream;
  std::string ext = lower(file_name.substr(dot + 1));
  static const std::map<std::string, std::string_view, std::less<>> types = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "application/javascript"},
      {"mjs", "application/javascript"},
      {"wasm", "application/wasm"},
      {"css", "text/css"},
      {"json", "application/json"},
      {"map", "application/json"},
      {"txt", "text/plain; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"ico", "image/x-icon"},
      {"ttf", "font/ttf"},
      {"woff2", "font/woff2"},
      {"data", "application/octet-stream"},  // Emscripten's preloaded file package
      {"webmanifest", "application/manifest+json"},
  };
  auto it = types.find(ext);
  return it == types.end() ? kOctetStream : it->second;
}

bool accepts_gzip(std::string_view accept_encoding) { return accepts_encoding(accept_encoding, "gzip"); }

bool accepts_encoding(std::string_view accept_encoding, std::string_view wanted) {
  std::optional<bool> gzip, any;
  while (!accept_encoding.empty()) {
    std::size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding.remove_prefix(comma == std::string_view::npos ? accept_encoding.size() : comma + 1);

    std::size_t semi = item.find(';');
    std::string coding = lower(trim(item.substr(0, semi)));
    bool allowed = true;
    if (semi != std::string_view::npos) {
      std::string params = lower(item.substr(semi + 1));
      std::size_t q = params.find("q=");
      if (q != std::string::npos) allowed = !is_zero_q(trim(std::string_view(params).substr(q + 2)));
    }
    if (coding == wanted || (wanted == "gzip" && coding == "x-gzip")) gzip = allowed;
    if (coding == "*") any = allowed;
  }
  // An explicit entry for the coding wins over "*".
  return gzip ? *gzip : any.value_or(false);
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's. Level 9: the result is
  // cached per file version, so the extra time is paid once.
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  std::string out;
  std::array<char, 64 * 1024> buffer;
  int flush = Z_NO_FLUSH;
  do {
    if (zs.avail_in == 0 && !data.empty()) {
      // avail_in is 32-bit: feed larger inputs in slices.
      std::size_t slice = std::min<std::size_t>(data.size(), UINT_MAX);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      zs.avail_in = static_cast<uInt>(slice);
      data.remove_prefix(slice);
    }
    flush = data.empty() ? Z_FINISH : Z_NO_FLUSH;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buffer.data());
      zs.avail_out = static_cast<uInt>(buffer.size());
      if (deflate(&zs, flush) == Z_STREAM_ERROR) {
        deflateEnd(&zs);
        throw std::runtime_error("gzip: deflate failed");
      }
      out.append(buffer.data(), buffer.size() - zs.avail_out);
    } while (zs.avail_out == 0);
  } while (flush != Z_FINISH);
  deflateEnd(&zs);
  return out;
}

ResolvedPath resolve_web_path(const fs::path& web_dir, std::string_view url_path) {
  if (url_path.empty() || url_path.front() != '/') return {400, {}};
  // httplib has already percent-decoded the path: a '%' left over means double encoding
  // ("%252e"), which some proxy could decode once more, so it is refused like a raw one.
  if (url_path.find_first_of(std::string_view("\0\\%", 3)) != std::string_view::npos) return {400, {}};

  fs::path relative;
  std::string_view rest = url_path.substr(1);
  while (!rest.empty()) {
    std::size_t slash = rest.find('/');
    std::string_view segment = rest.substr(0, slash);
    // "..", "." and hidden files (.git, .env) are never served; nor are empty segments ("//").
    if (segment.empty() || segment.front() == '.') return {404, {}};
    relative /= std::string(segment);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (url_path.back() == '/') relative /= "index.html";
  return {200, web_dir / relative};
}

std::optional<std::string> StaticFiles::compressed(const fs::path& file, std::uintmax_t size,
                                                   fs::file_time_type mtime) {
  const std::string key = file.string();
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.size == size && it->second.mtime == mtime) return it->second.gzip;
  }
  // Read only on a miss: a cached file costs no disk read.
  std::string content;
  if (!read_file(file, content)) return std::nullopt;
  // Compressed outside the lock: two first requests may both compress; both results are equal.
  std::string gzip = gzip_compress(content);
  // Cache only when the file did not change while we read it, or the entry would lie.
  std::error_code ec1, ec2;
  bool unchanged = content.size() == size && fs::file_size(file, ec1) == size &&
                   fs::last_write_time(file, ec2) == mtime && !ec1 && !ec2;
  if (unchanged) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    cache_[key] = Compressed{size, mtime, gzip};
  }
  return gzip;
}

void StaticFiles::handle(const httplib::Request& req, httplib::Response& res) {
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-cache");

  ResolvedPath resolved = resolve_web_path(web_dir_, req.path);
  if (resolved.status == 400) return text_answer(res, 400, "Bad request\n");
  if (resolved.status != 200) return text_answer(res, 404, "Not found\n");

  std::error_code ec;
  if (through_link(web_dir_, resolved.file) || !fs::is_regular_file(resolved.file, ec)) {
    return text_answer(res, 404, "Not found\n");
  }
  std::uintmax_t size = fs::file_size(resolved.file, ec);
  if (ec) return text_answer(res, 404, "Not found\n");
  fs::file_time_type mtime = fs::last_write_time(resolved.file, ec);
  if (ec) return text_answer(res, 404, "Not found\n");

  std::string_view mime = mime_type_for(resolved.file.filename().string());
  // Range requests get identity bytes, so that a resumed download means what it says; images
  // and fonts other than SVG are compressed already.
  const bool compressible = req.ranges.empty() && (mime.rfind("image/", 0) != 0 || mime == "image/svg+xml") &&
                            mime != "font/woff2";
  const std::string accept = req.get_header_value("Accept-Encoding");
  res.set_header("Vary", "Accept-Encoding");
  // Each way reads only the bytes it sends: the Brotli copy, the cached gzip, or the file.
  auto body = std::make_shared<std::string>();
  if (compressible && accepts_encoding(accept, "br") && read_precompressed(resolved.file, ".br", mtime, *body)) {
    res.set_header("Content-Encoding", "br");
  } else if (compressible && accepts_gzip(accept)) {
    std::optional<std::string> gzip = compressed(resolved.file, size, mtime);
    if (!gzip) return text_answer(res, 404, "Not found\n");
    *body = std::move(*gzip);
    res.set_header("Content-Encoding", "gzip");
  } else if (!read_file(resolved.file, *body)) {
    return text_answer(res, 404, "Not found\n");
  }
  // One range (http/hardened_server.h lets no more through): httplib gives the provider that
  // range and says so in Content-Range; the status must say it too, or a client takes the part
  // for the whole. A provider with a length is never compressed again by httplib.
  res.status = req.ranges.empty() ? 200 : 206;
  const std::size_t length = body->size();
  res.set_content_provider(length, std::string(mime),
                           [body](std::size_t offset, std::size_t part, httplib::DataSink& sink) {
                             return sink.write(body->data() + offset, part);
                           });
}

}  // namespace quittance::server
