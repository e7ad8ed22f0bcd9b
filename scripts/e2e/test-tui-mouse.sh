#!/usr/bin/env bash
# Mouse: a click focuses the pane under it and selects the row it hits; the wheel moves the
# selection. tmux passes the raw X10 mouse report (ESC [ M b x y, each + 32, 1-based) to the
# app, as a terminal would once the app asked for mouse reports.
source "$(dirname "$0")/lib.sh"

make_node
for i in 1 2 3 4 5; do hypha_cli put "k$i" "value $i" >/dev/null; done
start_app
check "unlocks" unlock
check "all five entries show" wait_for "1 of 5" 10

# mouse BUTTON X Y (0-based cells): a press then a release.
mouse() {
  local b=$1 x=$2 y=$3
  tm send-keys -t S -H 1b 5b 4d "$(printf '%x' $((32 + b)))" "$(printf '%x' $((33 + x)))" "$(printf '%x' $((33 + y)))"
  if [ "$b" -lt 64 ]; then
    tm send-keys -t S -H 1b 5b 4d 23 "$(printf '%x' $((33 + x)))" "$(printf '%x' $((33 + y)))"
  fi
}

# Entries pane: border on row 1, the table header on row 2, k1 on row 3, so k4 is on row 6.
mouse 0 5 6
check "a click selects the fourth entry" wait_for "4 of 5" 5
check "the detail pane shows it" wait_for "value 4" 5
mouse 65 5 8
check "the wheel down moves the selection down" wait_for "5 of 5" 5
mouse 64 5 8
check "the wheel up moves it up by three" wait_for "2 of 5" 5
# The nodes pane (bottom right, rows 16-22): a click there focuses it.
mouse 0 60 18
check "a click focuses the nodes pane" wait_for "r revoke" 5
mouse 0 10 4
check "a click back in the entries focuses them and selects k2" wait_for "/ search" 5
check "with k2 selected" wait_for "2 of 5" 5
keys q
check "quits" test "$(wait_dead 10)" = 0
finish
