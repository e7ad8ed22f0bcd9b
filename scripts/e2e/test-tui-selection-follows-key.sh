#!/usr/bin/env bash
# The selection follows the selected entry, not the row number: when another node inserts an
# entry above it, the cursor stays on the same key (the row number moves down by one).
source "$(dirname "$0")/lib.sh"

two_authorised_apps "k5" "value five" "$E2E_WORK/second"

# add_entry KEY VALUE: in the current session's app.
add_entry() {
  keys a
  wait_for "Add entry" 5 || return 1
  type_text "$1"; keys Tab
  type_text "$2"
  keys C-s
  wait_for "Saved '$1'." 5
}

SESSION=B
check "B adds k7" add_entry k7 "value seven"
SESSION=A
check "A shows k7" wait_for "value seven" 20
keys Home
check "A selects k5, row 1 of 2" wait_for "1 of 2" 5

SESSION=B
check "B adds k1, above k5" add_entry k1 "value one"
SESSION=A
check "A shows k1" wait_for "value one" 20
check "the selection moved with k5 to row 2 of 3" wait_for "2 of 3" 5
# The detail pane's first line is the selected key.
check "the detail pane still shows k5" bash -c "tmux -L '$E2E_SOCKET' capture-pane -p -t A | sed -n 3p | grep -q '│k5 '"
keys Down
check "moving on selects k7" wait_for "3 of 3" 5
keys q
SESSION=B
keys q
finish
