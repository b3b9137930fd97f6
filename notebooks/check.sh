#!/usr/bin/env bash
# Executes every notebook in notebooks/ against the committed sample (notebooks/sample/) so they cannot rot.
# Needs the Debian packages python3-pandas python3-matplotlib jupyter-nbconvert python3-ipykernel (.ci/run installs them).
# Executed copies go to a temp dir; the committed notebooks stay output-free.
set -euo pipefail
cd "$(dirname "$0")"
# Debian's jupyter and kernel live in /usr/bin; put them first so a pyenv/venv python without pandas is not picked.
export PATH="/usr/bin:$PATH" PYDEVD_DISABLE_FILE_VALIDATION=1
command -v jupyter-nbconvert >/dev/null || { echo "notebooks: jupyter-nbconvert not found (apt-get install jupyter-nbconvert python3-ipykernel python3-pandas python3-matplotlib)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for nb in *.ipynb; do
  echo "notebooks: executing $nb"
  if ! jupyter-nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 --output-dir "$out" "$nb" >"$out/log" 2>&1; then
    grep -v -e 'Debugger warning' -e 'frozen modules' -e 'Debugging will proceed' "$out/log" >&2
    echo "notebooks: $nb failed" >&2
    exit 1
  fi
done
echo "notebooks: all executed"
