# Sourced by scripts/setup, scripts/serve and scripts/test: the repository root and the PATH that
# finds the tools scripts/setup installs (cargo's bin folder and the project's .tools/).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PATH="$root/.tools/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Prints a progress line that stands out from the tools' own output.
if [ -t 1 ]; then
  say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
else
  say() { printf '==> %s\n' "$*"; }
fi
