#!/usr/bin/env bash
# Installs the Debian 12 packages qualbar needs. Idempotent: installs only what is missing.
#   scripts/install-deps.sh build   what the qualbar binary builds with (./setup.sh demo)
#   scripts/install-deps.sh test    that, plus what the tests and benchmarks need (./setup.sh test)
set -euo pipefail
what=${1:-test}

build_packages=(
  cmake ninja-build g++ pkg-config ccache          # toolchain
  nlohmann-json3-dev libsimdjson-dev               # JSON writing / fast JSONL reading
  libyaml-cpp-dev                                  # suite.yaml
  libvalijson-dev                                  # JSON Schema validation
  libsqlite3-dev                                   # run store
  libre2-dev                                       # linear-time regex
  libutf8proc-dev                                  # Unicode normalisation
  libxxhash-dev                                    # content hashes
  robin-map-dev                                    # flat hash tables for a million ids
  liblz4-dev libzstd-dev                           # the run store's compressed case blocks (zstd: older stores)
  libcli11-dev libfmt-dev                          # command line, formatting
  libboost-dev                                     # distributions (Boost.Math, header-only)
  libcurl4-openssl-dev                             # HTTP client for model endpoints
  libssl-dev                                       # TLS for qualbar serve; SHA-256 and random secrets for sign-in
  libcld2-dev                                      # language detection (Compact Language Detector 2)
  libcsv-dev                                       # CSV reading and writing for reviewers' spreadsheets
)
test_packages=(
  googletest libgtest-dev libbenchmark-dev         # tests and benchmarks
  libcpp-httplib-dev                               # HTTP server in tests (the fake model endpoint)
  python3                                          # the tree check and the docs runner (tools/check/)
  jq curl                                          # the docs' curl and jq examples, run by the docs test
  openssl                                          # self-signed certificates for the HTTPS tests of qualbar serve
  chromium                                         # headless browser for the HTML report test
)

case "$what" in
  build) packages=("${build_packages[@]}") ;;
  test) packages=("${build_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: scripts/install-deps.sh [build|test]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# The browser tests run on the machine's Node.js; Debian's is installed only where there is none.
if [ "$what" = test ] && ! command -v node >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "qualbar: all packages for '$what' are installed."
else
  echo "qualbar: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The browser tests' npm packages, pinned in tests/browser/package-lock.json: playwright-core
# (drives Debian's chromium) and axe-core (checks accessibility). Installed again only when one
# of them is missing or not the pinned version.
if [ "$what" = test ]; then
  browser_dir="$(dirname "$0")/../tests/browser"
  stale=""
  for dep in playwright-core axe-core; do
    want=$(sed -n "s/.*\"$dep\": \"\(.*\)\".*/\1/p" "$browser_dir/package.json")
    have=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' \
      "$browser_dir/node_modules/$dep/package.json" 2>/dev/null || true)
    if [ "$want" != "$have" ]; then stale="$stale $dep@$want"; fi
  done
  if [ -n "$stale" ]; then
    echo "qualbar: installing$stale for the browser tests (npm)"
    (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
