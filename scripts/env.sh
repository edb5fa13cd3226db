# shellcheck shell=bash
# Sourced by ./run-app and ./run-tests: make the project's Python environment (.venv) on
# first use and keep it in step with uv.lock. Needs Python 3.11 or 3.12 as python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

as_root() { [ "$(id -u)" = 0 ]; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
  # apt_install PKG...: install the Debian packages not yet installed (root only).
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if as_root && have apt-get; then
    echo "Installing Debian packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Note: these Debian packages are missing and cannot be installed without root: ${missing[*]}" >&2
    return 1
  fi
}

# The libraries Qt needs, on a bare Debian system.
QT_DEBS=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 fonts-dejavu-core)
QT_WINDOW_DEBS=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0)

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] < (3, 13) else 1)' 2>/dev/null; then
  echo "Probation Desk needs Python 3.11 or 3.12 as '$PY' (set PYTHON=... to choose another)." >&2
  exit 1
fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  apt_install python3-venv || { echo "Install python3-venv and try again." >&2; exit 1; }
fi

# uv lives in its own small venv (.uv) so that 'uv sync' can own .venv exactly.
if [ ! -x .uv/bin/uv ]; then
  echo "Setting up uv (first run only)..." >&2
  "$PY" -m venv .uv
  .uv/bin/python -m pip install -q --disable-pip-version-check uv
fi
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"
export UV_PYTHON="$(command -v "$PY")"
export UV_PYTHON_DOWNLOADS=never
# Sync only when the lock or project changed since the last sync (fast start-up).
stamp=".venv/.synced"
if [ ! -f "$stamp" ] || [ uv.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Installing Python packages (first run, or after an update)..." >&2
  .uv/bin/uv sync --locked --quiet
  touch "$stamp"
fi

# The Welsh catalogue, compiled for Qt whenever its .ts is newer than its .qm.
for ts in resources/translations/*.ts; do
  [ -e "$ts" ] || continue
  qm="${ts%.ts}.qm"
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm" >/dev/null
  fi
done
