#!/usr/bin/env bash
# Shared helpers for the tmux end-to-end tests (sourced by scripts/e2e/test-*.sh).
#
# Every test runs the real binary (.build/debug/hypha) in a private tmux server
# (`tmux -L hypha-e2e-<pid> -f /dev/null`: no user config, never the developer's tmux),
# types with send-keys and reads the screen with capture-pane. Nothing sleeps for a fixed
# time: `wait_for` polls the screen every 50 ms until the text appears or a timeout passes,
# and prints the screen when it does not. Each script ends with "N passed, N failed".
set -uo pipefail

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HYPHA=${HYPHA_BINARY:-$E2E_ROOT/.build/debug/hypha}
E2E_SOCKET="hypha-e2e-$$"
E2E_WORK=$(mktemp -d "${TMPDIR:-/tmp}/hypha-e2e.XXXXXX")
E2E_PASSED=0
E2E_FAILED=0
# The passphrase of the test node (EFF list words) and one that derives another database.
PASSPHRASE="abacus abdomen abdominal abide abiding ability ablaze able"
WRONG_PASSPHRASE="abacus abdomen abdominal abide abiding ablaze"
NODE_DIR="$E2E_WORK/node"
PASSPHRASE_FILE="$E2E_WORK/passphrase"

tm() { tmux -L "$E2E_SOCKET" -f /dev/null "$@"; }

e2e_cleanup() {
  tm kill-server >/dev/null 2>&1
  # Background nodes started with bg (each by its own pid).
  for pidfile in "$E2E_WORK"/*.pid; do
    [ -e "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  rm -rf "$E2E_WORK"
}
trap e2e_cleanup EXIT

if [ ! -x "$HYPHA" ]; then
  echo "no binary at $HYPHA: run 'swift build --product hypha' first" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# hypha with the test node's data directory and passphrase file.
hypha_cli() { "$HYPHA" "$1" --data-dir "$NODE_DIR" --passphrase-file "$PASSPHRASE_FILE" "${@:2}"; }

# Creates the test node (its database id starts 6d583418).
make_node() {
  printf '%s\n' "$PASSPHRASE" >"$PASSPHRASE_FILE"
  "$HYPHA" new --data-dir "$NODE_DIR" --domain example.org --name laptop --passphrase-file "$PASSPHRASE_FILE" >/dev/null
}

# start_app [VAR=value ...]: the app on the test node in session S (80x24), environment
# variables given as arguments. The pane stays after the process exits (remain-on-exit).
# A small shell wrapper records the exit status in $STATUS_FILE: tmux 3.3a sometimes
# marks a pane dead without its status (its SIGCHLD handling races), so wait_dead reads
# #{pane_dead_status} when tmux has it and the file otherwise.
STATUS_FILE="$E2E_WORK/exit-status"
start_app() { start_app_in "$NODE_DIR" "$@"; }

# start_app_in DATA_DIR [VAR=value ...]: the same on any data directory.
start_app_in() {
  local directory=$1
  shift
  local env_args=(-e LANG=C.UTF-8)
  for assignment in "$@"; do env_args+=(-e "$assignment"); done
  rm -f "$STATUS_FILE"
  tm new-session -d -s S -x 80 -y 24 "${env_args[@]}" \
    "sh -c '\"\$0\" --data-dir \"\$1\"; status=\$?; echo \$status >\"\$2\"; exit \$status' '$HYPHA' '$directory' '$STATUS_FILE'"
  tm set-option -t S remain-on-exit on >/dev/null
}

# start_app_session NAME DATA_DIR [ARG ...]: another app, in tmux session NAME, with extra
# command-line arguments (e.g. --listen). Its exit status goes to $E2E_WORK/NAME.status.
start_app_session() {
  local name=$1 directory=$2
  shift 2
  tm new-session -d -s "$name" -x 80 -y 24 -e LANG=C.UTF-8 \
    "sh -c 'bin=\$0; dir=\$1; shift; \"\$bin\" --data-dir \"\$dir\" \"\$@\"; echo \$? >\"$E2E_WORK/$name.status\"' '$HYPHA' '$directory' $*"
  tm set-option -t "$name" remain-on-exit on >/dev/null
}

# A free TCP port on 127.0.0.1 (bound and released; good enough for a test on loopback).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The app's process id (the child of the wrapper shell).
app_pid() { pgrep -P "$(tm display -p -t "$SESSION" '#{pane_pid}')" -x hypha; }

# The tmux session the helpers below act on; a script driving two apps switches it.
SESSION=S

screen() { tm capture-pane -p -t "$SESSION"; }

print_screen() {
  echo "----- screen -----"
  screen
  echo "------------------"
}

# wait_for TEXT [TIMEOUT_SECONDS]: until TEXT is on the screen.
wait_for() {
  local text=$1 timeout=${2:-10}
  local deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    if screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.05
  done
  echo "timed out after ${timeout}s waiting for: $text"
  print_screen
  return 1
}

# wait_gone TEXT [TIMEOUT_SECONDS]: until TEXT is no longer on the screen.
wait_gone() {
  local text=$1 timeout=${2:-10}
  local deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    if ! screen | grep -qF -- "$text"; then return 0; fi
    sleep 0.05
  done
  echo "timed out after ${timeout}s waiting for this to go: $text"
  print_screen
  return 1
}

# wait_dead [TIMEOUT_SECONDS]: until the pane is dead; prints the app's exit status
# (#{pane_dead_status}, or the wrapper's record when tmux did not keep it).
wait_dead() {
  local timeout=${1:-10}
  local deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    local state
    state=$(tm list-panes -t "$SESSION" -F '#{pane_dead} #{pane_dead_status}')
    if [ "${state%% *}" = 1 ]; then
      if [ -n "${state#* }" ]; then echo "${state#* }"; return 0; fi
      if [ -s "$STATUS_FILE" ]; then cat "$STATUS_FILE"; return 0; fi
    fi
    sleep 0.05
  done
  echo "timed out"
  return 1
}

keys() { tm send-keys -t "$SESSION" "$@"; }
type_text() { tm send-keys -t "$SESSION" -l -- "$1"; }

# check DESCRIPTION COMMAND...: runs COMMAND, counts a pass or a failure.
check() {
  local description=$1
  shift
  if "$@"; then
    E2E_PASSED=$((E2E_PASSED + 1))
    echo "ok   - $description"
  else
    E2E_FAILED=$((E2E_FAILED + 1))
    echo "FAIL - $description"
  fi
}

# finish: prints the summary line and exits non-zero when anything failed.
finish() {
  echo "$E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" -eq 0 ]
  exit $?
}

# unlock: types the right passphrase on the unlock screen and waits for the main screen.
unlock() {
  wait_for "Unlock Hypha" 10 || return 1
  type_text "$PASSPHRASE"
  keys Enter
  wait_for "Entries" 20
}

# Two real apps of one database: A creates it (with KEY = VALUE) and listens on $PORT; B (data
# directory DIR, node name "desktop") joins through the app's join form; A authorises B with one
# key; B opens the database and shows A's entry. Leaves SESSION=B.
two_authorised_apps() {
    local key="$1" value="$2" dir="$3"
    make_node
    hypha_cli put "$key" "$value"
    PORT=$(free_port)
    start_app_session A "$NODE_DIR" --listen "127.0.0.1:$PORT"
    SESSION=A
    check "A unlocks" unlock
    check "A listens where asked" wait_for "listening 127.0.0.1:$PORT" 10

    SESSION=B
    start_app_session B "$dir"
    check "B shows the welcome screen" wait_for "Join existing" 10
    keys j
    check "j opens the join form" wait_for "Join a database" 5
    type_text "example.org"; keys Tab
    type_text "$PASSPHRASE"; keys Tab
    type_text "127.0.0.1:$PORT"; keys Tab
    keys C-u; type_text "desktop"; keys Enter
    check "B waits with a verification code" wait_for "Verification code" 30

    SESSION=A
    check "A is asked to authorise B" wait_for "Authorise node \"desktop\"?" 30
    check "keys are held back for a moment" wait_gone "keys work in a moment" 5
    keys a
    check "A authorises B" wait_gone "Authorise node \"desktop\"" 10

    SESSION=B
    check "B becomes writable" wait_for "Authorised: this node can write now." 30
    keys Enter
    check "B has A's entry" wait_for "$value" 20
}

# sign_in BG_NAME DATA_DIR NODE_NAME PORT: a device that signs in with the passphrase alone
# through the node listening on PORT and replicates what it holds (left running as BG_NAME).
sign_in() {
    bg "$1" join --domain example.org --data-dir "$2" --name "$3" --self-authorise --peer "127.0.0.1:$4"
    check "$3 signs in through the node on port $4" bg_wait "$1" selfAuthorised 30
    check "$3 replicates what that node holds" bg_wait "$1" synced 30
}

# session_status NAME [TIMEOUT]: the exit status of the app started by start_app_session NAME,
# once it has quit (empty if it has not within TIMEOUT seconds, default 10).
session_status() {
    local deadline=$(( $(date +%s) + ${2:-10} ))
    while [ ! -s "$E2E_WORK/$1.status" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
    cat "$E2E_WORK/$1.status" 2>/dev/null
}

# eventually TIMEOUT CMD...: until CMD succeeds (for up to TIMEOUT seconds).
eventually() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# Background nodes: bg NAME ARGS… runs `hypha ARGS… --json` with the passphrase in
# $BG_PASSPHRASE_FILE (default: the test passphrase), its events in $E2E_WORK/NAME.out;
# bg_wait NAME TEXT [TIMEOUT] waits for TEXT there; bg_stop NAME stops it and waits for it.
bg() {
  local name=$1
  shift
  HYPHA_PASSPHRASE_FILE="${BG_PASSPHRASE_FILE:-$PASSPHRASE_FILE}" "$HYPHA" "$@" --json >"$E2E_WORK/$name.out" 2>&1 &
  echo $! >"$E2E_WORK/$name.pid"
}
bg_wait() {
  local deadline=$(( $(date +%s) + ${3:-20} ))
  while ! grep -qF -- "$2" "$E2E_WORK/$1.out" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no '$2' from $1"; cat "$E2E_WORK/$1.out"; return 1; }
    sleep 0.05
  done
}
bg_stop() {
  [ -e "$E2E_WORK/$1.pid" ] || return 0
  kill "$(cat "$E2E_WORK/$1.pid")" 2>/dev/null
  wait "$(cat "$E2E_WORK/$1.pid")" 2>/dev/null
  rm -f "$E2E_WORK/$1.pid"
}
