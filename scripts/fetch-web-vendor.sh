#!/usr/bin/env bash
# Fetches the web front end's libraries from the npm registry at pinned versions, checks each
# tarball's SHA-256 against the one written here, and copies the ES module files into the folders
# that are committed (web/vendor/ is served to browsers; axe-core is only for the browser tests).
# `cargo build` never runs this: run it by hand to update, then commit the result.
#
# To update a library: change its version, run the script once (it fails and prints the new
# tarball's checksum), check the release notes, write the checksum here, run again, commit.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REGISTRY=https://registry.npmjs.org

# name version sha256-of-the-tarball
PACKAGES=(
    "preact 11.2.0 3c4456766bd32b6b534d52bf4e9c2a29b33e7eedf6e96ed479300ba1a7888ebf"
    "htm 3.1.1 2425b9bee11409177bcabc7f32e319926fc6690c1701c0b257c88bdff2d5ba90"
    "axe-core 4.14.1 e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"
)

WEB_VENDOR=web/vendor
TEST_VENDOR=tests/api/vendor
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fetch NAME VERSION SHA256: the package's files under $work/NAME/package.
fetch() {
    local name=$1 version=$2 sum=$3 tarball
    tarball="$work/$name-$version.tgz"
    curl -fsSL --retry 3 -o "$tarball" "$REGISTRY/$name/-/$name-$version.tgz"
    local got
    got="$(sha256sum "$tarball" | cut -d' ' -f1)"
    if [[ "$got" != "$sum" ]]; then
        echo "$name $version: SHA-256 $got, expected $sum" >&2
        return 1
    fi
    mkdir -p "$work/$name"
    tar -xzf "$tarball" -C "$work/$name"
    echo "$name $version: checksum ok"
}

for entry in "${PACKAGES[@]}"; do
    # shellcheck disable=SC2086
    fetch $entry
done

mkdir -p "$WEB_VENDOR" "$TEST_VENDOR"
cp "$work/preact/package/dist/preact.mjs" "$WEB_VENDOR/preact.mjs"
# The hooks import the bare name "preact", which a browser resolves only through an import map
# (an inline script, which the pages' policy refuses): point it at the file beside it instead.
sed 's/from"preact"/from"\.\/preact.mjs"/g' "$work/preact/package/hooks/dist/hooks.mjs" \
    > "$WEB_VENDOR/hooks.mjs"
if grep -q 'from"preact"' "$WEB_VENDOR/hooks.mjs" || ! grep -q 'from"./preact.mjs"' "$WEB_VENDOR/hooks.mjs"; then
    echo "preact/hooks: the import of preact was not rewritten" >&2
    exit 1
fi
cp "$work/htm/package/dist/htm.mjs" "$WEB_VENDOR/htm.mjs"
cp "$work/preact/package/LICENSE" "$WEB_VENDOR/LICENSE-preact"
cp "$work/htm/package/LICENSE" "$WEB_VENDOR/LICENSE-htm"
cp "$work/axe-core/package/axe.min.js" "$TEST_VENDOR/axe.min.js"
cp "$work/axe-core/package/LICENSE" "$TEST_VENDOR/LICENSE-axe-core"

{
    echo "# What scripts/fetch-web-vendor.sh put here: package, version, SHA-256 of each file."
    for entry in "${PACKAGES[@]}"; do
        echo "# ${entry% *}"
    done
} > "$WEB_VENDOR/VERSIONS"
(cd "$WEB_VENDOR" && sha256sum preact.mjs hooks.mjs htm.mjs) >> "$WEB_VENDOR/VERSIONS"
echo "vendored into $WEB_VENDOR and $TEST_VENDOR"
