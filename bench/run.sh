#!/usr/bin/env bash
# `make bench`: the whole benchmark from a fresh clone; writes bench/RESULTS.md + results.png
# (BENCH_DB=postgres: bench/RESULTS-postgres.md + results-postgres.png).
#   BENCH_DB=postgres make bench      # PostgreSQL database `bench` on 127.0.0.1:5432
#   BENCH_ROUNDS=1 BENCH_DURATION=2 make bench   # a quick smoke run
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
VENV="$BENCH_DIR/.venv"
PY="$VENV/bin/python"
OUT="$BENCH_DIR/out"
export BENCH_DB="${BENCH_DB:-sqlite}"
START=$(date +%s)

mkdir -p "$OUT"
: > "$OUT/pids"
rm -f "$OUT/profile.md" "$OUT/results.json"

# Everything the benchmark starts is stopped by its PID: the driver records each uvicorn
# it spawns in out/pids (and stops it itself); this trap is the backstop.
cleanup() {
  local pid
  if [ -f "$OUT/pids" ]; then
    while read -r pid; do
      [ -n "$pid" ] || continue
      if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$pid" 2>/dev/null || true
      fi
    done < "$OUT/pids"
    : > "$OUT/pids"
  fi
  if [ -n "${DRIVER_PID:-}" ] && kill -0 "$DRIVER_PID" 2>/dev/null; then
    kill "$DRIVER_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# -- Python 3.12+ (Django 6 needs it): newest pyenv interpreter, else python3.1x on PATH -------
find_python() {
  local root cand v
  root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  for cand in $(ls -d "$root"/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -V -r) \
              $(command -v python3.14 python3.13 python3.12 python3 2>/dev/null); do
    v=$("$cand" -c 'import sys; print(int(sys.version_info >= (3, 12)))' 2>/dev/null) || continue
    if [ "$v" = 1 ]; then echo "$cand"; return 0; fi
  done
  return 1
}

# -- bench/.venv with the `bench` extra (peers never enter the runtime dependencies) ----------
# + psycopg-pool: Django's PostgreSQL connection pool (under ASGI every request opens a
# connection otherwise). Not in the `bench` extra, so installed here.
EXTRA_PKGS="psycopg-pool>=3.2"
want="$( (cat "$ROOT/pyproject.toml"; echo "$EXTRA_PKGS") | md5sum | cut -c1-12)"
if [ ! -x "$PY" ] || [ "$(cat "$VENV/.installed" 2>/dev/null)" != "$want" ]; then
  PYTHON="$(find_python)" || { echo "bench: no Python 3.12+ found" >&2; exit 1; }
  echo "== creating bench/.venv with $PYTHON ($("$PYTHON" --version))"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
  "$VENV/bin/pip" install -q -e "$ROOT[bench]" $EXTRA_PKGS
  echo "$want" > "$VENV/.installed"
fi

# -- wrk ----------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk; }
fi

# -- database: migrate + seed 1,000 items -------------------------------------------------------
cd "$BENCH_DIR"
if [ "$BENCH_DB" = postgres ]; then
  "$PY" - <<'EOF'
import os, psycopg
dsn = dict(host=os.environ.get("BENCH_PG_HOST", "127.0.0.1"),
           port=os.environ.get("BENCH_PG_PORT", "5432"),
           user=os.environ.get("BENCH_PG_USER", "postgres"), dbname="postgres")
name = os.environ.get("BENCH_PG_NAME", "bench")
with psycopg.connect(**dsn, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
        print(f"== created PostgreSQL database {name}")
EOF
else
  rm -f "$BENCH_DIR"/bench.sqlite3 "$BENCH_DIR"/bench.sqlite3-wal "$BENCH_DIR"/bench.sqlite3-shm
fi
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py seed --items 1000

# -- load, counts, memory, startup; then the report ----------------------------------------------
"$PY" driver.py &
DRIVER_PID=$!
wait "$DRIVER_PID"
DRIVER_PID=""
# where ninja-viewsets spends its time vs the reference (in-process, ~30 s; BENCH_PROFILE=0 skips)
if [ "${BENCH_PROFILE:-1}" != 0 ]; then
  "$PY" profile_nv.py "${BENCH_PROFILE_N:-300}" > /dev/null
fi
"$PY" report.py

echo
if [ "$BENCH_DB" = sqlite ]; then OUTPUTS="RESULTS.md and bench/results.png"; else
  OUTPUTS="RESULTS-$BENCH_DB.md and bench/results-$BENCH_DB.png"; fi
echo "== make bench took $(( $(date +%s) - START )) s; wrote bench/$OUTPUTS"
