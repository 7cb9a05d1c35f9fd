// Clinics, devices and pairing codes. See devices/devices.h.
#include "server/devices/devices.h"

#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "core/date.h"
#include "core/numbering.h"
#include "core/schedule.h"
#include "server/devices/tokens.h"
#include "server/sync/op_log.h"

namespace quittance::server {

namespace {

// Strict UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF) without control
// characters (C0, DEL, C1). `what` receives the reason on failure.
bool is_clean_utf8(std::string_view text, std::string& what) {
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = 0;
    std::size_t length = 0;
    if (lead < 0x80) {
      cp = lead;
      length = 1;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      cp = lead & 0x1f;
      length = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      cp = lead & 0x0f;
      length = 3;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      cp = lead & 0x07;
      length = 4;
    } else {
      what = "is not valid UTF-8";
      return false;
    }
    if (i + length > text.size()) {
      what = "is not valid UTF-8";
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xc0) != 0x80) {
        what = "is not valid UTF-8";
        return false;
      }
      cp = (cp << 6) | (c & 0x3f);
    }
    const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
      what = "is not valid UTF-8";
      return false;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
      what = "contains a control character";
      return false;
    }
    i += length;
  }
  return true;
}

void insert_device(Sql& db, const NewDevice& device, const std::string& name, std::int64_t now) {
  db.prepare("INSERT INTO devices(id, clinic_id, name, token_hash, created_at, revoked) VALUES (?, ?, ?, ?, ?, 0)")
      .bind(1, device.device_id)
      .bind(2, device.clinic_id)
      .bind(3, name)
      .bind(4, secret_hash(device.device_token))
      .bind(5, core::format_utc_instant(now))
      .step();
}

}  // namespace

DisplayName check_display_name(std::string_view raw) {
  DisplayName name;
  while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
  std::string what;
  if (raw.empty()) {
    name.error = "the name is empty";
  } else if (raw.size() > 100) {
    name.error = "the name is longer than 100 bytes";
  } else if (!is_clean_utf8(raw, what)) {
    name.error = "the name " + what;
  } else {
    name.value = std::string(raw);
  }
  return name;
}

NewDevice create_clinic(Sql& db, const std::string& name, std::int64_t now) {
  NewDevice device{new_uuid(), new_uuid(), new_device_token()};
  db.transaction([&] {
    db.prepare("INSERT INTO clinics(id, name, created_at) VALUES (?, ?, ?)")
        .bind(1, device.clinic_id)
        .bind(2, name)
        .bind(3, core::format_utc_instant(now))
        .step();
    insert_device(db, device, std::string(kFirstDeviceName), now);
  });
  return device;
}

std::optional<Device> find_device_by_token(Sql& db, std::string_view token) {
  if (!looks_like_device_token(token)) return std::nullopt;
  SqlStatement st =
      db.prepare("SELECT id, clinic_id, name, role FROM devices WHERE token_hash = ? AND revoked = 0");
  st.bind(1, secret_hash(token));
  if (!st.step()) return std::nullopt;
  // The column's CHECK keeps it one of the four; read_only is the safe reading of anything else.
  return Device{st.column_text(0), st.column_text(1), st.column_text(2),
                core::role_from_string(st.column_text(3)).value_or(core::Role::ReadOnly)};
}

PairingCode create_pairing_code(Sql& db, const std::string& clinic_id, std::int64_t now,
                                core::Role role) {
  PairingCode code{{}, now + kPairingCodeLifetimeSeconds};
  db.transaction([&] {
    db.prepare("DELETE FROM pairing_codes WHERE expires_at < ?").bind(1, now - 86400).step();
    // Two codes with one hash would make the second unusable: draw again on the rare clash
    // with a code still in the table (1 in 850 billion per live code).
    for (int attempt = 0; attempt < 8; ++attempt) {
      std::string candidate = new_pairing_code();
      const std::int64_t before = db.total_changes();
      db.prepare(
            "INSERT INTO pairing_codes(code_hash, clinic_id, expires_at, used, role) VALUES (?, ?, ?, 0, ?) "
            "ON CONFLICT(code_hash) DO NOTHING")
          .bind(1, secret_hash(candidate))
          .bind(2, clinic_id)
          .bind(3, code.expires_at)
          .bind(4, core::to_string(role))
          .step();
      if (db.total_changes() != before) {
        code.code = std::move(candidate);
        return;
      }
    }
    throw std::runtime_error("no unused pairing code after 8 draws");
  });
  return code;
}

std::string series_for_index(std::int64_t n) {
  auto letters = [](std::int64_t index) {
    std::string out;
    for (std::int64_t k = index + 1; k > 0; k = (k - 1) / 26) out.insert(out.begin(), static_cast<char>('A' + (k - 1) % 26));
    return out;
  };
  // The online payments' own series is never a device's: the devices after it shift by one.
  static const std::int64_t reserved = [&] {
    std::int64_t i = 0;
    while (letters(i) != core::kOnlineSeries) ++i;
    return i;
  }();
  return letters(n >= reserved ? n + 1 : n);
}

std::string device_series(Sql& db, const std::string& device_id) {
  SqlStatement st = db.prepare("SELECT series FROM devices WHERE id = ?");
  st.bind(1, device_id);
  return st.step() && !st.column_is_null(0) ? st.column_text(0) : std::string();
}

PairingResult pair_device(Sql& db, std::string_view code, const std::string& name, std::int64_t now,
                          const JoiningBooks& books) {
  PairingResult result{PairingOutcome::unknown_code, {}, {}, 0};
  db.transaction([&] {
    SqlStatement st =
        db.prepare("SELECT clinic_id, expires_at, used, role FROM pairing_codes WHERE code_hash = ?");
    st.bind(1, secret_hash(code));
    if (!st.step()) return;
    const std::string clinic_id = st.column_text(0);
    const std::int64_t expires_at = st.column_int64(1);
    const bool used = st.column_int64(2) != 0;
    const std::string role = st.column_text(3);
    if (used) {
      result.outcome = PairingOutcome::used_code;
      return;
    }
    if (now >= expires_at) {
      result.outcome = PairingOutcome::expired_code;
      return;
    }
    // A device's own books join the clinic's log only if it is the clinic's first device (an
    // empty log, no series given yet) and never synced elsewhere (all its operations are still
    // to send), or if they were this clinic's: two practices' books are never mixed.
    const std::int64_t head = log_head(db, clinic_id);
    SqlStatement taken = db.prepare("SELECT COUNT(*) FROM devices WHERE clinic_id = ? AND series IS NOT NULL");
    taken.bind(1, clinic_id);
    taken.step();
    const std::int64_t series_taken = taken.column_int64(0);
    // (Once a device has a series, another one's books may already be numbered in it.)
    if (books.has_books && books.clinic_id != clinic_id && (head > 0 || books.cursor > 0 || series_taken > 0)) {
      result.outcome = PairingOutcome::other_books;
      return;
    }
    // Spent in the same transaction that creates the device: a code pairs one device at most,
    // even if two requests race (the server's connection is also behind one mutex).
    db.prepare("UPDATE pairing_codes SET used = 1 WHERE code_hash = ? AND used = 0").bind(1, secret_hash(code)).step();
    NewDevice device{clinic_id, new_uuid(), new_device_token()};
    insert_device(db, device, name, now);
    const std::string series = series_for_index(series_taken);
    db.prepare("UPDATE devices SET series = ?, role = ? WHERE id = ?")
        .bind(1, series)
        .bind(2, role)
        .bind(3, device.device_id)
        .step();
    result = {PairingOutcome::paired, std::move(device), series, head};
  });
  return result;
}

std::vector<DeviceInfo> list_devices(Sql& db, const std::string& clinic_id) {
  SqlStatement st =
      db.prepare("SELECT id, name, created_at, revoked, role FROM devices WHERE clinic_id = ? ORDER BY created_at, rowid");
  st.bind(1, clinic_id);
  std::vector<DeviceInfo> out;
  while (st.step()) {
    out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_int64(3) != 0,
                   core::role_from_string(st.column_text(4)).value_or(core::Role::ReadOnly)});
  }
  return out;
}

bool revoke_device(Sql& db, const std::string& clinic_id, const std::string& device_id) {
  SqlStatement st = db.prepare("SELECT 1 FROM devices WHERE clinic_id = ? AND id = ?");
  st.bind(1, clinic_id).bind(2, device_id);
  if (!st.step()) return false;
  db.prepare("UPDATE devices SET revoked = 1 WHERE clinic_id = ? AND id = ?")
      .bind(1, clinic_id)
      .bind(2, device_id)
      .step();
  return true;
}

bool set_device_role(Sql& db, const std::string& clinic_id, const std::string& device_id, core::Role role) {
  const std::int64_t before = db.total_changes();
  SqlStatement st = db.prepare("UPDATE devices SET role = ? WHERE clinic_id = ? AND id = ?");
  st.bind(1, core::to_string(role)).bind(2, clinic_id).bind(3, device_id);
  st.step();
  return db.total_changes() != before;
}

bool series_allowed(Sql& db, const std::string& clinic_id, const std::string& device_id,
                    const std::string& series) {
  if (series == core::kOnlineSeries) return false;  // the online payments' own: only the server's facts number in it
  if (series == device_series(db, device_id)) return true;
  SqlStatement st =
      db.prepare("SELECT 1 FROM devices WHERE clinic_id = ? AND series = ? AND revoked = 0 AND id <> ?");
  st.bind(1, clinic_id).bind(2, series).bind(3, device_id);
  return !st.step();
}

}  // namespace quittance::server
