# Sourced by the scripts: make .venv (Python >= 3.11) and install govgate into it with EXTRAS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python_bin="$candidate"; break
    fi
  done
fi
if [ -z "$python_bin" ]; then
  echo "govgate needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
stamp=".venv/.installed-${EXTRAS:-base}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # The first run installs everything (about 20 s); say so, or it looks hung.
  echo "govgate: installing into $root/.venv${EXTRAS:+ (extras: $EXTRAS)} - about 20 s the first time ..." >&2
  if [ ! -x .venv/bin/python ]; then
    "$python_bin" -m venv .venv
  fi
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
  echo "govgate: installed" >&2
fi
