// The web app's static files (index.html, the .js/.wasm/.data of the Emscripten build, icons),
// served from one folder for GET and HEAD. Paths are checked before they touch the file system.
// Every answer is Cache-Control: no-cache so that a new build is seen at once.
//
// Compression: each file is compressed here, never by httplib (the answer goes through a content
// provider, which it leaves alone): a client that takes Brotli gets the build's own copy
// (app.wasm.br, app.data.br, app.js.br: a fifth smaller than gzip's) when it is there and not
// older than the file; one that takes gzip gets it gzipped once per file version; images and
// ranges go as they are. (httplib's own Brotli is its slowest quality: routes.cpp keeps it off
// the API's answers too.)
#pragma once
#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace quittance::server {

// The Content-Type for a file name, from our own table; application/octet-stream if unknown.
std::string_view mime_type_for(std::string_view file_name);

// True when an Accept-Encoding header value allows gzip (present, and not with q=0).
bool accepts_gzip(std::string_view accept_encoding);
// The same for any content coding ("br"), lower case.
bool accepts_encoding(std::string_view accept_encoding, std::string_view coding);

// The gzip (RFC 1952) form of `data`.
std::string gzip_compress(std::string_view data);

// Where a decoded URL path leads inside the web folder.
struct ResolvedPath {
  int status = 200;            // 200, or 400 (malformed path) or 404 (refused / hidden)
  std::filesystem::path file;  // when status is 200: web_dir / the relative path
};

// Maps a decoded URL path ("/", "/app.wasm", "/icons/a.png") to a file under web_dir, without
// touching the disk. "/" and "/dir/" mean index.html. Refused: anything not starting with '/',
// NUL, backslashes and '%' left after decoding (double encoding) with 400; any segment that
// starts with '.' ("..", ".", ".git") with 404.
ResolvedPath resolve_web_path(const std::filesystem::path& web_dir, std::string_view url_path);

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path web_dir) : web_dir_(std::move(web_dir)) {}

  // Serves req.path: the file, 400/404 with a short text body, or 500 if it cannot be read.
  void handle(const httplib::Request& req, httplib::Response& res);

 private:
  // The gzipped bytes of one file, valid while its size and modification time are unchanged.
  struct Compressed {
    std::uintmax_t size;
    std::filesystem::file_time_type mtime;
    std::string gzip;
  };
  // The file gzipped, from the cache or read and compressed now; nullopt if it cannot be read.
  std::optional<std::string> compressed(const std::filesystem::path& file, std::uintmax_t size,
                                        std::filesystem::file_time_type mtime);

  std::filesystem::path web_dir_;
  std::mutex cache_mutex_;                   // httplib runs handlers on a thread pool
  std::map<std::string, Compressed> cache_;  // by file path; one entry per file, replaced when stale
};

}  // namespace quittance::server
