// quittance-server in-process over real sockets on 127.0.0.1: a fixture builds a web folder and
// a data folder in a temporary directory, runs make_server() on a free port in a thread and
// talks to it with a real httplib::Client. Also the pure parts: options, paths, MIME, gzip.
#include <doctest/doctest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/version.h"
#include "server/devices/devices.h"
#include "server/http/static_files.h"
#include "server/options.h"
#include "server/routes.h"
#include "server/store/postgres_sql.h"
#include "server/store/server_db.h"
#include "server/sync/op_log.h"
#include "test_database.h"

using namespace quittance;
using namespace quittance::server;
using namespace quittance::server::testing;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system's temporary directory, removed with everything in it.
struct TempDir {
  fs::path path;
  TempDir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("quittance-server-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  REQUIRE(out.good());
}

// Binary-looking but compressible bytes, like a .wasm: a pseudo-random walk over few values.
std::string fake_wasm(std::size_t size) {
  std::string bytes("\0asm\1\0\0\0", 8);
  std::uint32_t state = 12345;
  while (bytes.size() < size) {
    state = state * 1103515245u + 12345u;
    bytes += static_cast<char>((state >> 16) % 4);
  }
  return bytes;
}

std::string gunzip(const std::string& data) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
  }
  inflateEnd(&zs);
  CHECK(rc == Z_STREAM_END);  // a complete, valid gzip stream
  return out;
}

const std::string kIndex = "<!doctype html><title>Quittance</title>\n";
const std::string kJs = "console.log('quittance');\n" + std::string(2000, ' ') + "// padding\n";
const std::string kSecret = "TOP SECRET: outside the web folder\n";

struct ServerFixture {
  TempDir root;
  fs::path web = root.path / "web";
  std::string wasm = fake_wasm(300 * 1024);
  std::unique_ptr<SharedDatabase> db;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = -1;

  ServerFixture() {
    write_file(web / "index.html", kIndex);
    write_file(web / "app.js", kJs);
    write_file(web / "app.wasm", wasm);
    write_file(web / "sub" / "index.html", kIndex);
    write_file(root.path / "secret.txt", kSecret);
    Options options;
    options.data_dir = (root.path / "data").string();
    options.web_dir = web.string();
    db = open_test_database(options.data_dir);
    server = make_server(options, ServerConfig{}, *db);
    port = server->bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server->listen_after_bind(); });
    // stop() is a no-op until the accept loop runs: wait for it, as httplib's own tests do.
    for (int i = 0; i < 500 && !server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(server->is_running());
  }
  ~ServerFixture() {
    server->stop();
    thread.join();
  }

  // Raw bytes (no client-side decompression) and the path sent exactly as written.
  httplib::Result request(const std::string& method, const std::string& path, httplib::Headers headers = {}) {
    httplib::Client client("127.0.0.1", port);
    client.set_decompress(false);
    client.set_url_encode(false);
    if (method == "HEAD") return client.Head(path, headers);
    if (method == "POST") return client.Post(path, headers, "{}", "application/json");
    return client.Get(path, headers);
  }
  httplib::Result get(const std::string& path, const std::string& accept_encoding = "identity") {
    return request("GET", path, {{"Accept-Encoding", accept_encoding}});
  }
};

}  // namespace

// --- over the network --------------------------------------------------------------------

TEST_CASE_FIXTURE(ServerFixture, "/healthz reports the version and the server database's schema") {
  auto res = get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json");
  Json body = Json::parse(res->body);
  CHECK(body == Json{{"status", "ok"},
                     {"version", kVersion},
                     {"database", "ok"},
                     {"schema", server_migrations().back().version}});
}

TEST_CASE_FIXTURE(ServerFixture, "/healthz answers 503 when the database query fails") {
  db->with([](Sql& d) { d.exec("DROP TABLE server_info"); });
  auto res = get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 503);
  Json body = Json::parse(res->body);
  CHECK(body["database"] == "error");
  CHECK(body["version"] == kVersion);
}

TEST_CASE_FIXTURE(ServerFixture, "/ serves index.html as UTF-8 HTML, uncached and unsniffed") {
  auto res = get("/");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == kIndex);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(res->get_header_value("Cache-Control") == "no-cache");
  auto sub = get("/sub/");
  REQUIRE(sub);
  CHECK(sub->status == 200);
  CHECK(sub->body == kIndex);
}

TEST_CASE_FIXTURE(ServerFixture, "app.wasm is application/wasm, identity unless gzip is accepted") {
  auto plain = get("/app.wasm", "identity");
  REQUIRE(plain);
  CHECK(plain->status == 200);
  CHECK(plain->get_header_value("Content-Type") == "application/wasm");
  CHECK_FALSE(plain->has_header("Content-Encoding"));
  CHECK(plain->body == wasm);

  auto refused = get("/app.wasm", "gzip;q=0, identity");
  REQUIRE(refused);
  CHECK_FALSE(refused->has_header("Content-Encoding"));
  CHECK(refused->body == wasm);

  auto gz = get("/app.wasm", "gzip, deflate, br");
  REQUIRE(gz);
  CHECK(gz->status == 200);
  CHECK(gz->get_header_value("Content-Type") == "application/wasm");
  CHECK(gz->get_header_value("Content-Encoding") == "gzip");
  CHECK(gz->get_header_value("Vary") == "Accept-Encoding");
  CHECK(gz->get_header_value_count("Content-Encoding") == 1);
  CHECK(gz->body.size() < wasm.size() / 2);
  // One gunzip gives the file back: httplib did not compress our gzip a second time.
  CHECK(gunzip(gz->body) == wasm);
}

TEST_CASE_FIXTURE(ServerFixture, "the gzip cache follows the file when it changes") {
  auto first = get("/app.wasm", "gzip");
  auto again = get("/app.wasm", "gzip");
  REQUIRE(first);
  REQUIRE(again);
  CHECK(again->body == first->body);

  std::string rebuilt = fake_wasm(100 * 1024) + "rebuilt";
  write_file(web / "app.wasm", rebuilt);
  auto after = get("/app.wasm", "gzip");
  REQUIRE(after);
  CHECK(gunzip(after->body) == rebuilt);
}

TEST_CASE_FIXTURE(ServerFixture, "the build's Brotli copy goes to clients taking br, never when older than the file") {
  // The server passes the copy through as it is: any bytes stand for it here.
  const std::string brotli = "brotli bytes of app.wasm";
  write_file(web / "app.wasm.br", brotli);
  auto br = get("/app.wasm", "gzip, deflate, br");
  REQUIRE(br);
  CHECK(br->status == 200);
  CHECK(br->get_header_value("Content-Type") == "application/wasm");
  CHECK(br->get_header_value("Content-Encoding") == "br");
  CHECK(br->get_header_value("Vary") == "Accept-Encoding");
  CHECK(br->body == brotli);
  // Not taken: gzip (or nothing) as before.
  auto gz = get("/app.wasm", "gzip, br;q=0");
  REQUIRE(gz);
  CHECK(gz->get_header_value("Content-Encoding") == "gzip");
  CHECK(gunzip(gz->body) == wasm);
  auto plain = get("/app.wasm", "identity");
  REQUIRE(plain);
  CHECK(plain->body == wasm);
  // A range asks for the file's own bytes.
  auto part = request("GET", "/app.wasm", {{"Accept-Encoding", "br"}, {"Range", "bytes=0-9"}});
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK_FALSE(part->has_header("Content-Encoding"));
  CHECK(part->body == wasm.substr(0, 10));
  // The file rebuilt after its copy: the copy is stale, and gzip of the new file goes instead.
  fs::last_write_time(web / "app.wasm.br", fs::last_write_time(web / "app.wasm") - std::chrono::seconds(10));
  auto stale = get("/app.wasm", "br, gzip");
  REQUIRE(stale);
  CHECK(stale->get_header_value("Content-Encoding") == "gzip");
  CHECK(gunzip(stale->body) == wasm);
  // A link in the copy's place is not followed.
  fs::remove(web / "app.wasm.br");
  fs::create_symlink(web / ".." / "secret.txt", web / "app.wasm.br");
  auto linked = get("/app.wasm", "br");
  REQUIRE(linked);
  CHECK(linked->get_header_value("Content-Encoding") != "br");
  fs::remove(web / "app.wasm.br");
}

TEST_CASE("Accept-Encoding: br like gzip, by its own name") {
  CHECK(accepts_encoding("gzip, deflate, br", "br"));
  CHECK(accepts_encoding("BR;q=0.5", "br"));
  CHECK_FALSE(accepts_encoding("gzip", "br"));
  CHECK_FALSE(accepts_encoding("br;q=0, gzip", "br"));
  CHECK_FALSE(accepts_encoding("x-gzip", "br"));
  CHECK(accepts_encoding("x-gzip", "gzip"));
}

TEST_CASE_FIXTURE(ServerFixture, "HEAD gives the headers and the length without the body") {
  auto res = request("HEAD", "/app.wasm", {{"Accept-Encoding", "identity"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/wasm");
  CHECK(res->get_header_value("Content-Length") == std::to_string(wasm.size()));
  CHECK(res->body.empty());
}

TEST_CASE_FIXTURE(ServerFixture, "JavaScript is application/javascript, compressed by httplib on request") {
  auto plain = get("/app.js", "identity");
  REQUIRE(plain);
  CHECK(plain->status == 200);
  CHECK(plain->get_header_value("Content-Type") == "application/javascript");
  CHECK(plain->body == kJs);

  auto gz = get("/app.js", "gzip");
  REQUIRE(gz);
  CHECK(gz->get_header_value("Content-Encoding") == "gzip");
  CHECK(gunzip(gz->body) == kJs);

  // httplib's own Brotli is its slowest quality: a browser taking br gets gzip from it.
  auto browser = get("/app.js", "gzip, deflate, br, zstd");
  REQUIRE(browser);
  CHECK(browser->get_header_value("Content-Encoding") == "gzip");
  CHECK(gunzip(browser->body) == kJs);
  auto br_only = get("/app.js", "br");
  REQUIRE(br_only);
  CHECK_FALSE(br_only->has_header("Content-Encoding"));
  CHECK(br_only->body == kJs);

  // The build's Brotli copy goes as it is, compressed once.
  write_file(web / "app.js.br", "brotli bytes of app.js");
  auto copy = get("/app.js", "gzip, deflate, br");
  REQUIRE(copy);
  CHECK(copy->get_header_value("Content-Encoding") == "br");
  CHECK(copy->get_header_value_count("Content-Encoding") == 1);
  CHECK(copy->body == "brotli bytes of app.js");
  fs::remove(web / "app.js.br");
}

TEST_CASE_FIXTURE(ServerFixture, "API answers are gzipped by httplib when asked, never in its slow Brotli") {
  for (const char* path : {"/healthz", "/api/whoami"}) {
    CAPTURE(path);
    auto res = request("GET", path, {{"Accept-Encoding", "gzip, deflate, br"}});
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Encoding") == "gzip");
    CHECK(Json::parse(gunzip(res->body)).is_object());
  }
}

TEST_CASE_FIXTURE(ServerFixture, "path traversal never reaches a file outside the web folder") {
  REQUIRE(fs::exists(web / ".." / "secret.txt"));  // the target is really there
  for (std::string path : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt",
                           "/sub/../../secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt",
                           "/%252e%252e/secret.txt", "/index.html%00.png", "//etc/passwd", "/.hidden"}) {
    CAPTURE(path);
    auto res = get(path);
    REQUIRE(res);
    CHECK((res->status == 400 || res->status == 404));
    CHECK(res->body.find("TOP SECRET") == std::string::npos);
    // Our handler answered (not some accident of routing).
    CHECK((res->body == "Bad request\n" || res->body == "Not found\n"));
  }
}

TEST_CASE_FIXTURE(ServerFixture, "a missing file is a 404 with a short text") {
  auto res = get("/missing.js");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->body == "Not found\n");
  auto dir = get("/sub");  // a folder is not a file
  REQUIRE(dir);
  CHECK(dir->status == 404);
}

TEST_CASE_FIXTURE(ServerFixture, "unknown /api/ routes are a JSON 404, whatever the method") {
  // With a device token: without one, /api/ answers 401 first (server_auth_test.cpp).
  NewDevice device = db->with([](Sql& d) { return create_clinic(d, "Cabinet", 1700000000); });
  for (std::string method : {"GET", "POST"}) {
    CAPTURE(method);
    auto res = request(method, "/api/x", {{"Authorization", "Bearer " + device.device_token}});
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    Json body = Json::parse(res->body);
    CHECK(body["ok"] == false);
    CHECK(body["error"]["code"] == "not_found");
    CHECK(body["error"]["message"].is_string());
  }
}

TEST_CASE_FIXTURE(ServerFixture, "a second server cannot take a port that is in use") {
  Options options;
  options.web_dir = web.string();
  std::unique_ptr<httplib::Server> other = make_server(options, ServerConfig{}, *db);
  CHECK_FALSE(other->bind_to_port("127.0.0.1", port));
}

TEST_CASE_FIXTURE(ServerFixture, "a very long path is refused and the server keeps serving") {
  auto res = get("/" + std::string(8000, 'a'));
  REQUIRE(res);
  CHECK(res->status >= 400);
  auto health = get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

// --- pure parts --------------------------------------------------------------------------

TEST_CASE("options: defaults, both flag forms, and errors as values") {
  ParsedOptions p = parse_options({"--data", "d"});
  REQUIRE(p.ok());
  CHECK(p.options.data_dir == "d");
  CHECK(p.options.port == 8080);
  CHECK(p.options.host == "127.0.0.1");
  CHECK(p.options.web_dir == "build/web");

  p = parse_options({"--port=0", "--host", "0.0.0.0", "--data=x", "--web", "w"});
  REQUIRE(p.ok());
  CHECK(p.options.port == 0);
  CHECK(p.options.host == "0.0.0.0");
  CHECK(p.options.data_dir == "x");
  CHECK(p.options.web_dir == "w");

  CHECK(parse_options({"--help"}).help);
  CHECK(parse_options({"--help"}).ok());

  CHECK(parse_options({}).error == "--data DIR is required");
  CHECK(parse_options({"--data", "d", "--port"}).error == "--port needs a value");
  CHECK(parse_options({"--data", "d", "--verbose"}).error == "unknown option: --verbose");
  CHECK(parse_options({"--data", ""}).error == "--data needs a non-empty value");
  for (std::string bad : {"abc", "-1", "65536", "80x", "+80", "999999"}) {
    CAPTURE(bad);
    ParsedOptions r = parse_options({"--data", "d", "--port", bad});
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("--port") != std::string::npos);
  }
  CHECK(parse_options({"--data", "d", "--port", "65535"}).options.port == 65535);
}

TEST_CASE("the server database is created, migrated and keeps its creation time") {
  TempDir root;
  fs::path data = root.path / "a" / "b";
  auto created_at = [](Sql& db) {
    SqlStatement st = db.prepare("SELECT value FROM server_info WHERE key = 'created_at'");
    REQUIRE(st.step());
    return st.column_text(0);
  };
  const std::string url = fresh_database_url();  // "" on SQLite
  const auto& migrations = on_postgres() ? postgres_server_migrations() : server_migrations();
  std::string first;
  {
    std::unique_ptr<Sql> db = open_server_database(data.string(), url);
    CHECK(fs::exists(data / "server.db") != on_postgres());
    CHECK(db->schema_version() == migrations.back().version);
    first = created_at(*db);
    CHECK(first.size() == 20);  // 2026-01-02T03:04:05Z
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  std::unique_ptr<Sql> again = open_server_database(data.string(), url);
  CHECK(created_at(*again) == first);

  write_file(root.path / "plain-file", "x");
  CHECK_THROWS(open_server_database((root.path / "plain-file").string()));
}

TEST_CASE("the two engines' migrations have the same versions, in order") {
  const auto& sqlite = server_migrations();
  const auto& postgres = postgres_server_migrations();
  REQUIRE(sqlite.size() == postgres.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    CAPTURE(i);
    CHECK(sqlite[i].version == static_cast<int>(i) + 1);
    CHECK(postgres[i].version == sqlite[i].version);
  }
}

TEST_CASE("SQLite's placeholders become PostgreSQL's, outside strings, identifiers and comments") {
  CHECK(number_placeholders("SELECT a FROM t WHERE b = ? AND c = ?") == "SELECT a FROM t WHERE b = $1 AND c = $2");
  CHECK(number_placeholders("WHERE a = ?2 OR b = ?1 OR c = ?") == "WHERE a = $2 OR b = $1 OR c = $3");
  CHECK(number_placeholders("SELECT '?', \"?\", 'it''s ?' -- what?\nWHERE x = ?") ==
        "SELECT '?', \"?\", 'it''s ?' -- what?\nWHERE x = $1");
  CHECK(number_placeholders("no placeholder") == "no placeholder");
}

TEST_CASE("the server database's errors read the same on both engines: a duplicate is a constraint, not a failure") {
  TempDir root;
  const std::string url = fresh_database_url();
  SharedDatabase db(open_server_database((root.path / "data").string(), url), url);
  db.with([](Sql& d) {
    d.exec("INSERT INTO server_info(key, value) VALUES ('k', 'v')");
    try {
      d.exec("INSERT INTO server_info(key, value) VALUES ('k', 'w')");
      FAIL("a duplicate key was taken");
    } catch (const store::StoreError& e) {
      CHECK(e.constraint());
      CHECK_FALSE(e.disk_full());
    }
    // A failed transaction leaves the connection usable, and nothing of itself behind.
    CHECK_THROWS_AS(d.transaction([&] {
      d.exec("INSERT INTO server_info(key, value) VALUES ('k2', 'v')");
      d.exec("INSERT INTO server_info(key, value) VALUES ('k', 'again')");
    }), store::StoreError);
    CHECK(d.scalar("SELECT COUNT(*) FROM server_info WHERE key = 'k2'") == 0);
    CHECK(d.scalar("SELECT COUNT(*) FROM server_info WHERE key = 'k'") == 1);
    // A savepoint undoes only itself.
    d.transaction([&] {
      d.exec("INSERT INTO server_info(key, value) VALUES ('k3', 'v')");
      CHECK_THROWS(d.transaction([&] { d.exec("INSERT INTO server_info(key, value) VALUES ('k', 'x')"); }));
    });
    CHECK(d.scalar("SELECT COUNT(*) FROM server_info WHERE key = 'k3'") == 1);
    CHECK(d.scalar("SELECT EXISTS(SELECT 1 FROM server_info WHERE key = 'k3')") == 1);  // a boolean, as 1
  });
}

// push_ops writes by tens and looks ids up by tens (one statement each on PostgreSQL): every
// operation must still get one place, the next, whatever the batch's size or repeats.
TEST_CASE("a push appends its operations in order by tens, and one sent again keeps its first place") {
  TempDir root;
  const std::string url = fresh_database_url();
  SharedDatabase db(open_server_database((root.path / "data").string(), url), url);
  db.with([](Sql& d) {
    const std::string clinic = create_clinic(d, "Cabinet", 1'800'000'000).clinic_id;
    auto ops = [](int from, int to) {
      std::vector<nlohmann::json> v;
      for (int i = from; i < to; ++i) v.push_back({{"id", "op-" + std::to_string(i)}, {"name", "patient.create"}});
      return v;
    };
    const PushOutcome first = push_ops(d, clinic, "dev", 0, ops(0, 23), "2026-12-07T10:00:00Z");
    REQUIRE(first.accepted.size() == 23);
    CHECK(first.head == 23);
    for (int i = 0; i < 23; ++i) CHECK(first.accepted[i] == std::make_pair("op-" + std::to_string(i), std::int64_t{i + 1}));

    // Twelve already in the log, eleven new, one of them twice in the batch.
    std::vector<nlohmann::json> again = ops(11, 34);
    again.push_back({{"id", "op-30"}, {"name", "patient.create"}});
    const PushOutcome second = push_ops(d, clinic, "dev", 23, again, "2026-12-07T10:01:00Z");
    CHECK(second.head == 34);
    REQUIRE(second.accepted.size() == 24);
    CHECK(second.accepted[0].second == 12);   // op-11, where it was
    CHECK(second.accepted[11].second == 23);  // op-22
    CHECK(second.accepted[12].second == 24);  // op-23, the first new one, next
    CHECK(second.accepted[22].second == 34);  // op-33
    CHECK(second.accepted[23].second == 31);  // op-30 again: its place of a moment ago
    CHECK(d.scalar("SELECT COUNT(*) FROM sync_ops") == 34);
    CHECK(d.scalar("SELECT COUNT(DISTINCT op_id) FROM sync_ops") == 34);
    CHECK(d.scalar("SELECT MAX(seq) FROM sync_ops") == 34);
    CHECK(d.scalar("SELECT seq FROM sync_ops WHERE op_id = 'op-33'") == 34);

    CHECK(push_ops(d, clinic, "dev", 20, ops(40, 41), "2026-12-07T10:02:00Z").stale);
    CHECK(log_bytes(d, clinic) > 0);
  });
}

TEST_CASE("resolve_web_path maps URL paths inside the web folder only") {
  fs::path web = "/srv/web";
  CHECK(resolve_web_path(web, "/").file == web / "index.html");
  CHECK(resolve_web_path(web, "/app.wasm").file == web / "app.wasm");
  CHECK(resolve_web_path(web, "/icons/a.png").file == web / "icons" / "a.png");
  CHECK(resolve_web_path(web, "/docs/").file == web / "docs" / "index.html");
  CHECK(resolve_web_path(web, "/..").status == 404);
  CHECK(resolve_web_path(web, "/a/../../b").status == 404);
  CHECK(resolve_web_path(web, "/./a").status == 404);
  CHECK(resolve_web_path(web, "/a//b").status == 404);
  CHECK(resolve_web_path(web, "/.git/config").status == 404);
  CHECK(resolve_web_path(web, "/..\\secret").status == 400);
  CHECK(resolve_web_path(web, std::string("/a\0b", 4)).status == 400);
  CHECK(resolve_web_path(web, "/%2e%2e/x").status == 400);
  CHECK(resolve_web_path(web, "relative").status == 400);
  CHECK(resolve_web_path(web, "").status == 400);
}

TEST_CASE("MIME types come from our table, case-insensitively") {
  CHECK(mime_type_for("index.html") == "text/html; charset=utf-8");
  CHECK(mime_type_for("app.js") == "application/javascript");
  CHECK(mime_type_for("APP.WASM") == "application/wasm");
  CHECK(mime_type_for("style.css") == "text/css");
  CHECK(mime_type_for("a.json") == "application/json");
  CHECK(mime_type_for("a.svg") == "image/svg+xml");
  CHECK(mime_type_for("a.png") == "image/png");
  CHECK(mime_type_for("favicon.ico") == "image/x-icon");
  CHECK(mime_type_for("f.ttf") == "font/ttf");
  CHECK(mime_type_for("f.woff2") == "font/woff2");
  CHECK(mime_type_for("app.data") == "application/octet-stream");
  CHECK(mime_type_for("site.webmanifest") == "application/manifest+json");
  CHECK(mime_type_for("archive.xyz") == "application/octet-stream");
  CHECK(mime_type_for("Makefile") == "application/octet-stream");
}

TEST_CASE("Accept-Encoding: gzip unless refused") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("deflate, GZIP;q=0.5, br"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("br, deflate"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip; q=0.000, br"));
  CHECK_FALSE(accepts_gzip("*;q=0"));
  CHECK_FALSE(accepts_gzip("*, gzip;q=0"));
}

TEST_CASE("gzip_compress round-trips, empty input included") {
  for (const std::string& input : {std::string(), std::string("a"), fake_wasm(200 * 1024)}) {
    std::string gz = gzip_compress(input);
    REQUIRE(gz.size() >= 18);  // gzip header + trailer
    CHECK(static_cast<unsigned char>(gz[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(gz[1]) == 0x8b);
    CHECK(gunzip(gz) == input);
  }
}
