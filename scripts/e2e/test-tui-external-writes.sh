#!/usr/bin/env bash
# Writes made outside the app (`hypha put` beside it) show at once: the runtime polls
# PRAGMA data_version every 50 ms and the app reloads on its databaseChanged event (it used
# to catch up on a 2 s timer). Each of three writes must be on screen well within 0.6 s of
# the command returning (the screen is read every 50 ms, through tmux).
source "$(dirname "$0")/lib.sh"

make_node
start_app
check "unlocks" unlock
check "starts empty" wait_for "No entries yet" 5

# shows_within KEY VALUE MILLISECONDS
shows_within() {
  local key=$1 value=$2 limit=$3
  hypha_cli put "$key" "$value" >/dev/null || return 1
  local start now
  start=$(date +%s%N)
  while true; do
    if screen | grep -qF -- "$value"; then
      now=$(date +%s%N)
      echo "  $key showed after $(( (now - start) / 1000000 )) ms"
      [ $(( (now - start) / 1000000 )) -le "$limit" ]
      return
    fi
    now=$(date +%s%N)
    if [ $(( (now - start) / 1000000 )) -gt 5000 ]; then echo "  $key never showed"; print_screen; return 1; fi
    sleep 0.02
  done
}

for i in 1 2 3; do
  check "write $i from the command line shows within 600 ms" shows_within "outside/$i" "written outside $i" 600
  sleep 0.3
done
keys q
check "quits" test "$(wait_dead 10)" = 0
finish
