#!/usr/bin/env bash
# The history of an entry and bringing versions back: versions written beside the app
# (`hypha put`) and in it all show in the history view (h), newest first; an old one is
# restored (r, asks, Keep is the default) and becomes current, here and on the command line.
# An entry deleted in the app is found with the "show deleted" toggle (D), its history opened
# (Enter) and its value brought back.
source "$(dirname "$0")/lib.sh"

# wait_for_row A B [TIMEOUT]: until one screen row holds both A and B.
wait_for_row() {
  local a=$1 b=$2 timeout=${3:-10}
  local deadline=$(( $(date +%s%N) + timeout * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    if screen | grep -F -- "$a" | grep -qF -- "$b"; then return 0; fi
    sleep 0.05
  done
  echo "timed out after ${timeout}s waiting for a row with: $a … $b"
  print_screen
  return 1
}

value_is() { [ "$(hypha_cli get notes/ferry)" = "$1" ]; }

make_node
hypha_cli put notes/ferry "Ferry at 08:10"
hypha_cli put notes/ferry "Ferry at 08:40"
start_app
check "unlocks" unlock
check "shows the entry" wait_for "Ferry at 08:40" 10

# A third version, written beside the running app.
hypha_cli put notes/ferry "Ferry at 09:10" >/dev/null
check "a write beside the app shows" wait_for "Ferry at 09:10" 5
check "the hint row offers the history" wait_for "h history" 2

keys h
check "h opens the history" wait_for "History of 'notes/ferry'" 5
check "the newest version is current" wait_for_row "current" "Ferry at 09:10" 5
check "the older versions are listed" wait_for "Ferry at 08:40" 2
check "down to the first" wait_for "Ferry at 08:10" 2
check "each with its short id and node" wait_for_row ":2  laptop" "Ferry at 08:10" 2

keys End
check "the oldest is shown whole" wait_for "the first version of this key here" 5
keys r
check "r asks first" wait_for "Restore version?" 5
check "it names the version" wait_for "the value of 'notes/ferry' again?" 2
keys Enter
check "Enter keeps: the question closes" wait_gone "Restore version?" 5
check "and nothing was written" value_is "Ferry at 09:10"

keys r
wait_for "Restore version?" 5
keys y
check "y restores and says so" wait_for "Restored version" 5
check "the restored value is the current version" wait_for_row "current" "Ferry at 08:10" 5
check "only one version is current" test "$(screen | grep -c current)" = 1
check "hypha get reads the restored value" value_is "Ferry at 08:10"

keys Escape
check "Esc closes the history" wait_gone "History of" 5
check "the entry shows the restored value" wait_for "Ferry at 08:10" 5

# Deleted: one in the app, then one beside it (written after, so that d cannot meet a row
# that is being inserted and deleted under the cursor).
keys d
check "d asks" wait_for "Delete entry?" 5
keys y
check "the entry is deleted" wait_for "Deleted 'notes/ferry'" 5
check "no entries left" wait_for "No entries yet" 5
hypha_cli put notes/bike "fix the brake" >/dev/null
hypha_cli del notes/bike >/dev/null

keys D
check "D lists the deleted entries" wait_for "Deleted entries" 5
check "the one deleted in the app" wait_for "notes/ferry" 5
check "and the one deleted beside it" wait_for "notes/bike" 5
keys Down Enter
check "Enter opens its history" wait_for "History of 'notes/ferry'" 5
check "the deletion is the current version" wait_for_row "current" "(deleted)" 5
keys Down
check "the version before the deletion" wait_for "after " 2
keys r
check "restoring asks" wait_for "Restore version?" 5
keys y
check "the value is back" wait_for_row "current" "Ferry at 08:10" 5
check "hypha get reads it" value_is "Ferry at 08:10"
keys q
check "q closes the history" wait_gone "History of" 5
check "it left the deleted entries" wait_gone "notes/ferry" 5
keys D
check "D goes back to the live entries" wait_for "┌─ Entries ─" 5
check "where it is again" wait_for "Ferry at 08:10" 5

keys q
check "quits" test "$(wait_dead 10)" = 0
finish
