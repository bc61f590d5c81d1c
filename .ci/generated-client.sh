#!/usr/bin/env bash
# Generate a Python client from openapi/openapi.json with openapi-python-client and run an
# integrator's journey (tests/integrators/journey.py) through it against the real server.
#
# Starts the debug binary on a fresh SQLite database in a temporary directory (e-mail written to
# files, no SMTP), creates an admin, generates the client (failing on any generator error or
# warning other than the two known ones: the binary document download and the CSV ranking
# upload), installs it into .ci/.venv-client and runs the journey. Exits non-zero on the first
# failed check; the server's log is printed then.
#
# Knobs: CLIENT_PORT (18090), DEALER_PORTAL_BIN (else `cargo build`), KEEP_TMP=1 keeps the
# temporary directory (with the generated client in client/), CLIENT_DOC (the document to
# generate from, default openapi/openapi.json; e.g. the output of `dealer-portal openapi`).
set -euo pipefail

# A relative DEALER_PORTAL_BIN is relative to where the script was started.
[[ -z "${DEALER_PORTAL_BIN:-}" ]] || DEALER_PORTAL_BIN="$(realpath -m -- "$DEALER_PORTAL_BIN")"
[[ -z "${CLIENT_DOC:-}" ]] || CLIENT_DOC="$(realpath -m -- "$CLIENT_DOC")"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"

PORT="${CLIENT_PORT:-18090}"
BASE="http://127.0.0.1:${PORT}"
BIN="${DEALER_PORTAL_BIN:-$ROOT/target/debug/dealer-portal}"
ADMIN_EMAIL="admin@example.com"
ADMIN_PASSWORD="ci-admin-password-123"
GENERATOR="openapi-python-client==0.29.1"
VENV="$ROOT/.ci/.venv-client"
DOC="${CLIENT_DOC:-$ROOT/openapi/openapi.json}"

if [[ ! -x "$VENV/bin/python" ]]; then
    echo "== creating .ci/.venv-client"
    python3 -m venv "$VENV"
fi
# wheel: the generated setup.py is built with the venv's setuptools (--no-build-isolation).
"$VENV/bin/pip" install --disable-pip-version-check -q "$GENERATOR" wheel setuptools

if [[ -z "${DEALER_PORTAL_BIN:-}" ]]; then
    echo "== cargo build --locked"
    cargo build --locked
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/dealer-portal-client.XXXXXX")"
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
        echo "==================== server log ($lines lines, last 300) ===================="
        tail -n 300 "$tmp/server.log"
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

echo "== generate the client from ${DOC#"$ROOT"/} ($("$VENV/bin/openapi-python-client" --version))"
# Through the library rather than the CLI: each warning is matched against the two known ones
# (the CLI exits 0 on any warning, and --fail-on-warning fails on the known ones too). No
# post-hooks: ruff is not needed to run the client.
"$VENV/bin/python" - "$DOC" "$tmp/client" <<'EOF'
import re
import sys
from pathlib import Path

from openapi_python_client import generate
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser.errors import ErrorLevel

# What this generator cannot do, not defects of the document: endpoint -> words of the warning.
KNOWN = {
    "GET /api/v1/applications/{id}/documents/{doc_id}/content": "Unsupported content_type",
    "PUT /api/v1/rankings/{year}": "Unsupported content type text/csv",
}
config = Config.from_sources(ConfigFile(post_hooks=[]), MetaType.SETUP, Path(sys.argv[1]),
                             "utf-8", False, output_path=Path(sys.argv[2]))
unexpected = 0
for error in generate(config=config):
    endpoint = next((e for e in KNOWN if error.header.startswith(f"WARNING parsing {e} ")), None)
    known = (error.level == ErrorLevel.WARNING and endpoint is not None
             and KNOWN[endpoint] in (error.detail or ""))
    unexpected += not known
    print(f"{'known' if known else 'UNEXPECTED'} {error.level.name}: {error.header}\n"
          f"    {error.detail}", file=sys.stderr)
if unexpected or not (Path(sys.argv[2]) / "setup.py").is_file():
    sys.exit(f"openapi-python-client: {unexpected} unexpected error(s) or warning(s)")

# A bug of 0.29.1 (openapi-python-client issue #1451): an operation whose required body has several
# content types (the PATCHes' JSON and merge patch, the token's JSON and form) gets `| Unset` in
# its signature without an import of `Unset`, so its module fails to import (NameError).
for module in sorted((Path(sys.argv[2]) / "dealer_portal_api_client" / "api").rglob("*.py")):
    text = module.read_text(encoding="utf-8")
    if "| Unset" in text and not re.search(r"^from \.\.\.types import .*\bUnset\b", text, re.M):
        fixed = text.replace("from ...types import Response, UNSET\n",
                             "from ...types import Response, UNSET, Unset\n", 1)
        if fixed == text:
            sys.exit(f"{module}: uses Unset without importing it, and the patch does not apply")
        module.write_text(fixed, encoding="utf-8")
        print(f"patched (issue #1451): {module.relative_to(sys.argv[2])}")
print(f"generated {sys.argv[2]} (the known warnings only)")
EOF

echo "== install the client into .ci/.venv-client"
"$VENV/bin/pip" uninstall --disable-pip-version-check -q -y dealer-portal-api-client 2>/dev/null || true
"$VENV/bin/pip" install --disable-pip-version-check -q --no-build-isolation "$tmp/client"
# Every module of the client must import: code the generator got wrong fails here, not mid-journey.
(cd "$tmp" && "$VENV/bin/python" - <<'EOF'
import importlib
import pkgutil
import sys

import dealer_portal_api_client as client

broken = []
for module in pkgutil.walk_packages(client.__path__, client.__name__ + "."):
    try:
        importlib.import_module(module.name)
    except Exception as error:  # report every one
        broken.append(f"{module.name}: {type(error).__name__}: {error}")
if broken:
    sys.exit("modules of the generated client that do not import:\n" + "\n".join(broken))
print("every module of the generated client imports")
EOF
)

# Refuse to use a server that something else already runs on the port.
if curl -s -o /dev/null --max-time 2 "$BASE/healthz"; then
    echo "something already answers on $BASE; stop it or set CLIENT_PORT" >&2
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
    "WEBHOOK_ALLOW_PRIVATE_TARGETS=1"
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

echo "== journey"
BASE_URL="$BASE" MAIL_DIR="$tmp/mail" OPENAPI="$DOC" \
    ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    timeout 120 "$VENV/bin/python" "$ROOT/tests/integrators/journey.py"
