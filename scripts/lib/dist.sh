# shellcheck shell=bash
# shellcheck disable=SC2034  # the PROVIDER_* names are read by the scripts that source this.
# Shared by scripts/install and scripts/release: the provider's version, the platform names
# Terraform uses, and where cargo puts binaries. Sourced, not run.

DIST_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PROVIDER_TYPE="combell"
PROVIDER_NAMESPACE="combell"
PROVIDER_BINARY="terraform-provider-$PROVIDER_TYPE"

dist_die() {
  printf '%s: %s\n' "${DIST_SCRIPT:-dist}" "$*" >&2
  exit 1
}

# The [package] version of Cargo.toml.
dist_cargo_version() {
  sed -n -E '/^\[(workspace\.)?package\]/,/^\[/{s/^version[[:space:]]*=[[:space:]]*"([^"]+)".*/\1/p}' \
    "$DIST_REPO_ROOT/Cargo.toml" | head -n 1
}

# Terraform requires a semantic version (no leading v) in paths and file names.
dist_check_version() {
  [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$ ]] ||
    dist_die "'$1' is not a version like 1.2.3 (no leading v)"
}

# Terraform's <os>_<arch> for this machine.
dist_host_platform() {
  local os arch
  case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  FreeBSD) os=freebsd ;;
  *) dist_die "unsupported operating system $(uname -s)" ;;
  esac
  case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  i386 | i686) arch=386 ;;
  armv7l | armv6l) arch=arm ;;
  *) dist_die "unsupported architecture $(uname -m)" ;;
  esac
  printf '%s_%s\n' "$os" "$arch"
}

# Terraform's <os>_<arch> for a Rust target triple, or nothing for one the Registry has no
# name for.
dist_platform_of_triple() {
  local arch os
  case "$1" in
  x86_64-*) arch=amd64 ;;
  aarch64-*) arch=arm64 ;;
  i686-* | i586-*) arch=386 ;;
  arm-* | armv7-*) arch=arm ;;
  *) return 0 ;;
  esac
  case "$1" in
  *-linux-*) os=linux ;;
  *-apple-darwin) os=darwin ;;
  *-windows-*) os=windows ;;
  *-freebsd) os=freebsd ;;
  *) return 0 ;;
  esac
  printf '%s_%s\n' "$os" "$arch"
}

dist_target_dir() {
  if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    printf '%s\n' "$CARGO_TARGET_DIR"
    return
  fi
  (cd "$DIST_REPO_ROOT" && cargo metadata --format-version 1 --no-deps) |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}
