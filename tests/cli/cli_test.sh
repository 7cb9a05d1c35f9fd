#!/usr/bin/env bash
# quittance-cli end to end: a real process on a real database file, run twice so that what the
# first run wrote must be read back by the second. Usage: cli_test.sh CLI WORKDIR
set -euo pipefail
cli=$1; work=$2
rm -rf "$work" && mkdir -p "$work"
db=$work/clinic.db
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_line() { # n pattern answers
  local got; got=$(sed -n "${1}p" <<<"$3")
  grep -qF -- "$2" <<<"$got" || fail "line $1: expected $2, got: $got"
}

answers=$(printf '%s\n' \
  '{"cmd":"settings.set","id":"c1","key":"practice.name","value":"Cabinet Hélène Crête"}' \
  '' \
  '{"cmd":"no.such.command"}' \
  'not json at all' \
  '{"cmd":"settings.set","id":"c2","key":"ui.language","value":"de"}' \
  '{"cmd":"app.info"}' | "$cli" --db "$db")
[ "$(wc -l <<<"$answers")" -eq 5 ] || fail "expected 5 answers (blank line skipped), got: $answers"
expect_line 1 '{"ok":true,"result":{"key":"practice.name","value":"Cabinet Hélène Crête"}}' "$answers"
expect_line 2 '"code":"unknown_command"' "$answers"
expect_line 3 '"code":"malformed_json"' "$answers"
expect_line 4 '"code":"invalid_argument"' "$answers"
# The schema is the newest migration's number (it moves with every migration): a number here.
sed -n 5p <<<"$answers" | grep -qE '"schema":[1-9][0-9]*[,}]' || fail "line 5: no schema version: $answers"

again=$(echo '{"cmd":"settings.get","key":"practice.name"}' | "$cli" --db "$db")
[ "$again" = '{"ok":true,"result":"Cabinet Hélène Crête"}' ] || fail "second run read back: $again"

# A file that is not a database is refused, and left as it was.
printf 'this is not sqlite, and it must survive' > "$work/garbage.db"
set +e; out=$(echo '{"cmd":"app.info"}' | "$cli" --db "$work/garbage.db"); status=$?; set -e
[ "$status" -eq 2 ] || fail "garbage database: exit $status, want 2 ($out)"
grep -qF '"code":"storage_error"' <<<"$out" || fail "garbage database: $out"
[ "$(cat "$work/garbage.db")" = 'this is not sqlite, and it must survive' ] || fail "garbage database was modified"

"$cli" --bogus >/dev/null 2>&1 && fail "unknown flag accepted"

# Roles apply to the CLI's user too.
printf '%s\n' '{"cmd":"user.create","id":"u1","name":"Accueil","role":"read_only"}' | "$cli" --db "$db" >/dev/null
out=$(echo '{"cmd":"settings.set","id":"c9","key":"practice.name","value":"x"}' | "$cli" --db "$db" --user u1)
grep -qF '"code":"forbidden"' <<<"$out" || fail "read_only user could write: $out"
set +e; echo '{"cmd":"app.info"}' | "$cli" --db "$db" --user ghost >/dev/null; status=$?; set -e
[ "$status" -eq 2 ] || fail "unknown user: exit $status, want 2"
echo "cli: 1 passed, 0 failed"
