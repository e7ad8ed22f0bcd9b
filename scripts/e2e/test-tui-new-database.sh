#!/usr/bin/env bash
# Journey 1: on a machine without a node, create a database from the welcome screen: domain,
# the generated passphrase shown once, three of its words typed back, keys derived, main
# screen. The passphrase read off the screen then works for the command line.
source "$(dirname "$0")/lib.sh"

start_app
check "the welcome screen offers a new database" wait_for "Welcome to Hypha" 10
keys n
check "n asks for the domain" wait_for "Domain" 5
keys Tab C-u
type_text "e2e-node"
keys BTab
type_text "Example.ORG."
keys Enter
check "the passphrase is shown once" wait_for "Write these 8 words down now" 10
check "with the warning" wait_for "only this once" 5

words=()
for n in 1 2 3 4 5 6 7 8; do
  words[n]=$(screen | grep -oE " $n\. [a-z-]+" | head -n 1 | awk '{print $2}')
done
check "eight words are readable" test -n "${words[8]}"
keys Enter
check "three words are asked back" wait_for "Type back these words" 5
positions=$(screen | grep -oE "Word [1-8]" | awk '{print $2}' | tr '\n' ' ')
first=1
for p in $positions; do
  [ $first = 1 ] || keys Tab
  first=0
  type_text "${words[p]}"
done
keys Enter
check "keys are derived with progress showing" wait_for "Deriving keys" 5
check "the main screen opens" wait_for "No entries yet" 20
check "the node is writable" wait_for "e2e-node · writable" 5

keys a
type_text "first/entry"
keys Tab
type_text "made in the app"
keys C-s
check "an entry is saved" wait_for "Saved 'first/entry'." 5

printf '%s\n' "${words[*]:1}" >"$PASSPHRASE_FILE"
shown=$(screen | head -n 1 | grep -oE "hypha [0-9a-f]{8}" | awk '{print $2}')
derived=$("$HYPHA" id --domain example.org --passphrase-file "$PASSPHRASE_FILE")
check "the words on screen derive this database ($shown)" test "${derived:0:8}" = "$shown"
check "the command line reads the entry with them" test "$(hypha_cli get first/entry)" = "made in the app"
keys q
check "quits with status 0" test "$(wait_dead 10)" = 0
finish
