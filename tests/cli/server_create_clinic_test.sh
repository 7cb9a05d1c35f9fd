#!/usr/bin/env bash
# quittance-server create-clinic end to end: the real binary, a real data folder. The JSON line
# and the exit codes, the token kept only as its hash, and the token accepted by a real server
# started on that folder (HTTP spoken through bash's /dev/tcp: no curl needed).
# Usage: server_create_clinic_test.sh SERVER WORKDIR
set -euo pipefail
server=$1; work=$2
rm -rf "$work" && mkdir -p "$work/web"
data=$work/data
fail() { echo "FAIL: $*" >&2; exit 1; }
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

uuid='[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
line_re="^\\{\"clinic_id\":\"($uuid)\",\"device_id\":\"($uuid)\",\"device_token\":\"([0-9a-f]{64})\"\\}\$"

out=$("$server" create-clinic --name "Cabinet Hélène Crête" --data "$data") || fail "create-clinic: exit $?"
[ "$(wc -l <<<"$out")" -eq 1 ] || fail "expected one line, got: $out"
[[ $out =~ $line_re ]] || fail "not the expected JSON line: $out"
clinic=${BASH_REMATCH[1]}; token=${BASH_REMATCH[3]}

# A second clinic in the same folder: new ids, new token.
out2=$("$server" create-clinic --name=Autre --data="$data")
[[ $out2 =~ $line_re ]] || fail "second clinic: $out2"
[ "${BASH_REMATCH[1]}" != "$clinic" ] && [ "${BASH_REMATCH[3]}" != "$token" ] || fail "ids or token repeated"

# One clinic's own Stripe keys (single mode) on a folder of two clinics: a third is refused, and
# so is starting the server, before anyone is paid into the wrong account.
status=0
STRIPE_SECRET_KEY=sk_test_one_clinic "$server" create-clinic --name Trois --data "$data" >"$work/out3" 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "create-clinic in single Stripe mode with two clinics: exit $status, want 2"
[ ! -s "$work/out3" ] || fail "create-clinic refused but printed: $(cat "$work/out3")"
grep -qF "STRIPE_MODE=platform" "$work/err" || fail "the refusal does not say what to do: $(cat "$work/err")"
status=0
STRIPE_SECRET_KEY=sk_test_one_clinic timeout 10 "$server" --port 0 --data "$data" --web "$work/web" >/dev/null 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "the server started in single Stripe mode with two clinics: exit $status"
grep -qF "STRIPE_MODE=platform" "$work/err" || fail "the start refusal does not say what to do: $(cat "$work/err")"

# The database files hold the token's SHA-256, never the token.
hash=$(printf '%s' "$token" | sha256sum | cut -d' ' -f1)
cat "$data"/server.db* > "$work/all-db-bytes"
grep -aqF "$hash" "$work/all-db-bytes" || fail "the token's hash is not in server.db"
! grep -aqF "$token" "$work/all-db-bytes" || fail "the token itself is in server.db"

# Bad command lines: exit 2, a message on stderr, nothing on stdout.
expect_usage_error() { # message args...
  local message=$1; shift
  local status=0 stdout
  stdout=$("$server" "$@" 2>"$work/err") || status=$?
  [ "$status" -eq 2 ] || fail "$*: exit $status, want 2"
  [ -z "$stdout" ] || fail "$*: printed on stdout: $stdout"
  grep -qF -- "$message" "$work/err" || fail "$*: stderr lacks '$message': $(cat "$work/err")"
}
expect_usage_error "--name NAME is required" create-clinic --data "$data"
expect_usage_error "--data DIR is required" create-clinic --name Cabinet
expect_usage_error "the name is empty" create-clinic --name "  " --data "$data"
expect_usage_error "control character" create-clinic --name $'Cab\tinet\n' --data "$data"
expect_usage_error "not valid UTF-8" create-clinic --name $'Cabinet \xff' --data "$data"
expect_usage_error "unknown option for create-clinic: --port" create-clinic --name C --data "$data" --port 1
expect_usage_error "--name needs a value" create-clinic --data "$data" --name
expect_usage_error "unknown command: create-clinc" create-clinc --name C --data "$data"

# pairing-code: a code for a browser, for the clinic named (two live in this folder).
code_re='^\{"code":"([A-HJ-NP-Z2-9]{8})","expires_at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"\}$'
out=$("$server" pairing-code --data "$data" --clinic "$clinic") || fail "pairing-code: exit $?"
[[ $out =~ $code_re ]] || fail "pairing-code: not the expected JSON line: $out"
pairing_code=${BASH_REMATCH[1]}
expect_usage_error "several clinics" pairing-code --data "$data"
expect_usage_error "no clinic nope" pairing-code --data "$data" --clinic nope
expect_usage_error "no clinic yet" pairing-code --data "$work/empty-data"
expect_usage_error "unknown option for pairing-code: --name" pairing-code --data "$data" --name X
one=$work/one-clinic
"$server" create-clinic --name Seul --data "$one" >/dev/null
[[ $("$server" pairing-code --data "$one") =~ $code_re ]] || fail "pairing-code for the only clinic"

# A data folder that cannot be one: exit 1.
printf 'x' > "$work/a-file"
status=0; "$server" create-clinic --name C --data "$work/a-file" >/dev/null 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "data folder is a file: exit $status, want 1"
grep -qF "cannot create the clinic" "$work/err" || fail "data folder is a file: $(cat "$work/err")"

# A bad environment stops the server before it listens: exit 2.
status=0; QUITTANCE_ALLOWED_ORIGIN='https://app.example.fr/' "$server" --data "$data" --port 0 --web "$work/web" \
  >/dev/null 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "bad QUITTANCE_ALLOWED_ORIGIN: exit $status, want 2"
grep -qF "QUITTANCE_ALLOWED_ORIGIN" "$work/err" || fail "bad origin: $(cat "$work/err")"

# The token opens the API of a server on that folder.
"$server" --data "$data" --port 0 --web "$work/web" >"$work/server.out" 2>"$work/server.err" &
pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's|^Quittance server listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$work/server.out")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited: $(cat "$work/server.err")"
  sleep 0.1
done
[ -n "$port" ] || fail "the server did not start"
http_get() { # path [token]: the whole answer, headers and body
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  {
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' "$1"
    [ -z "${2:-}" ] || printf 'Authorization: Bearer %s\r\n' "$2"
    printf '\r\n'
  } >&3
  timeout 10 cat <&3
  exec 3<&-
}
answer=$(http_get /api/whoami "$token")
grep -q '^HTTP/1.1 200' <<<"$answer" || fail "whoami with the token: $answer"
grep -qF "\"clinic_id\":\"$clinic\"" <<<"$answer" || fail "whoami: another clinic: $answer"
answer=$(http_get /api/whoami)
grep -q '^HTTP/1.1 401' <<<"$answer" || fail "whoami without a token: $answer"
! grep -qF "$token" "$work/server.out" "$work/server.err" || fail "the server logged the token"
# The printed code pairs a device, once.
http_post() { # path body
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  printf 'POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: %s\r\n\r\n%s' \
    "$1" "${#2}" "$2" >&3
  timeout 10 cat <&3
  exec 3<&-
}
answer=$(http_post /api/devices/pair "{\"code\":\"$pairing_code\",\"name\":\"Accueil\"}")
grep -q '^HTTP/1.1 201' <<<"$answer" || fail "pairing with the printed code: $answer"
answer=$(http_post /api/devices/pair "{\"code\":\"$pairing_code\",\"name\":\"Accueil\"}")
grep -q '^HTTP/1.1 410' <<<"$answer" || fail "the printed code paired twice: $answer"
echo "server-cli: 1 passed, 0 failed"
