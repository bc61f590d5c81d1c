#!/usr/bin/env bash
# Fuzz the running server against its own OpenAPI document with Schemathesis 4.x.
#
# Builds the debug binary, starts it on a fresh SQLite database in a temporary directory (e-mail
# written to files, no SMTP), creates an admin, logs in, and runs `st run` with the admin's token
# through all four phases: examples (the document's own examples, `.ci/schemathesis.toml`),
# coverage, fuzzing and stateful. Exits non-zero when Schemathesis reports any failure; the
# server's log is printed then.
#
# Knobs: ST_MAX_EXAMPLES (50), ST_PORT (18080), ST_TIMEOUT (seconds, 1200), ST (path to `st`),
# KEEP_TMP=1 keeps the temporary directory. Extra arguments are passed on to `st run`
# (e.g. `.ci/schemathesis.sh --seed 123`).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

PORT="${ST_PORT:-18080}"
BASE="http://127.0.0.1:${PORT}"
BIN="$ROOT/target/debug/dealer-portal"
ADMIN_EMAIL="admin@example.com"
ADMIN_PASSWORD="ci-admin-password-123"

if [[ -n "${ST:-}" ]]; then
    :
elif [[ -x "$ROOT/.ci/.venv/bin/st" ]]; then
    ST="$ROOT/.ci/.venv/bin/st"
else
    echo "== creating .ci/.venv with schemathesis"
    python3 -m venv "$ROOT/.ci/.venv"
    "$ROOT/.ci/.venv/bin/pip" install --disable-pip-version-check -q 'schemathesis>=4.32,<5'
    ST="$ROOT/.ci/.venv/bin/st"
fi

if [[ -z "${DEALER_PORTAL_BIN:-}" ]]; then
    echo "== cargo build --locked"
    cargo build --locked
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dealer-portal-st.XXXXXX")"
server_pid=""

cleanup() {
    local rc=$?
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $rc -ne 0 && -f "$tmp/server.log" ]]; then
        local lines
        lines=$(wc -l < "$tmp/server.log")
        echo
        echo "==================== server log ($lines lines) ===================="
        if [[ $lines -le 3000 ]]; then
            cat "$tmp/server.log"
        else
            echo "--- lines mentioning panic/error/warn (last 300) ---"
            grep -iE 'panic|error|warn' "$tmp/server.log" | tail -n 300 || true
            echo "--- last 1000 lines ---"
            tail -n 1000 "$tmp/server.log"
        fi
        echo "==================== end of server log ===================="
    fi
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then
        echo "kept $tmp"
    else
        rm -rf "$tmp"
    fi
    exit $rc
}
trap cleanup EXIT

# Refuse to fuzz a server that something else already runs on the port.
if curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
    echo "something already answers on $BASE; stop it or set ST_PORT" >&2
    exit 1
fi

# The server runs in $tmp so that no .env or data/ of the working tree is picked up.
server_env=(
    "DATABASE_URL=sqlite://$tmp/portal.db"
    "MAIL_DIR=$tmp/mail"
    "UPLOAD_DIR=$tmp/uploads"
    "JWT_SECRET=ci-secret-ci-secret-ci-secret-0123"
    "BIND=127.0.0.1:$PORT"
    "PUBLIC_BASE_URL=$BASE"
    "ACCESS_TOKEN_TTL_SECONDS=3600"
    "RUST_LOG=${RUST_LOG:-info}"
)
mkdir -p "$tmp/mail" "$tmp/uploads"
cd "$tmp"

echo "== create-admin"
printf '%s' "$ADMIN_PASSWORD" | env -u SMTP_URL "${server_env[@]}" "$BIN" create-admin \
    --email "$ADMIN_EMAIL" --display-name 'CI Admin' --password-stdin

echo "== serve on $BASE (log: $tmp/server.log)"
env -u SMTP_URL "${server_env[@]}" "$BIN" serve > "$tmp/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 120); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "the server exited before it was ready" >&2
        exit 1
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$BASE/readyz" || true)
    if [[ "$code" == 200 ]]; then
        ready=1
        break
    fi
    sleep 0.5
done
if [[ -z "$ready" ]]; then
    echo "GET /readyz did not answer 200 within 60 s" >&2
    exit 1
fi
echo "ready"

echo "== login as $ADMIN_EMAIL"
login_body="$(jq -cn --arg e "$ADMIN_EMAIL" --arg p "$ADMIN_PASSWORD" '{email: $e, password: $p}')"
login_status=$(curl -s -o "$tmp/login.json" -w '%{http_code}' --max-time 10 \
    -X POST -H 'Content-Type: application/json' -d "$login_body" "$BASE/api/v1/auth/login" || true)
if [[ "$login_status" != 200 ]]; then
    echo "login answered $login_status:" >&2
    cat "$tmp/login.json" >&2 || true
    exit 1
fi
token="$(jq -er '.access_token' "$tmp/login.json")" || {
    echo "login response has no access_token" >&2
    exit 1
}

color=()
[[ -t 1 ]] || color=(--no-color)

echo "== schemathesis ($("$ST" --version))"
st_rc=0
timeout --signal=INT --kill-after=30 "${ST_TIMEOUT:-1200}" \
    "$ST" --config-file "$ROOT/.ci/schemathesis.toml" run "$BASE/openapi.json" \
    --url "$BASE" \
    --phases examples,coverage,fuzzing,stateful \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "${ST_MAX_EXAMPLES:-50}" \
    --workers 2 \
    --exclude-path-regex '^/(metrics|docs)' \
    "${color[@]}" \
    "$@" || st_rc=$?

if [[ $st_rc -eq 124 ]]; then
    echo "schemathesis did not finish within ${ST_TIMEOUT:-1200} s" >&2
elif [[ $st_rc -ne 0 ]]; then
    echo "schemathesis reported failures (exit $st_rc)" >&2
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server died during the run" >&2
    [[ $st_rc -ne 0 ]] || st_rc=1
fi
exit "$st_rc"
