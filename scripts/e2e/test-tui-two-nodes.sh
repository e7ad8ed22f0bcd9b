#!/usr/bin/env bash
# Journeys 2–4 with two real apps on one machine: the second node joins, the alert appears on
# the first, one key press authorises it, and an edit on either side appears on the other.
source "$(dirname "$0")/lib.sh"

make_node
hypha_cli put shared/one "from the first node"
PORT=$(free_port)
start_app_session A "$NODE_DIR" --listen "127.0.0.1:$PORT"
SESSION=A
check "first node unlocks" unlock
check "it listens where asked" wait_for "listening 127.0.0.1:$PORT" 10

SESSION=B
start_app_session B "$E2E_WORK/second"
check "second node shows the welcome screen" wait_for "Join existing" 10
keys j
check "j opens the join form" wait_for "Join a database" 5
type_text "example.org"; keys Tab
type_text "$PASSPHRASE"; keys Tab
type_text "127.0.0.1:$PORT"; keys Tab
keys C-u; type_text "laptop"; keys Enter
check "the joiner waits with a verification code" wait_for "Verification code" 30
CODE=$(screen | grep -o '[0-9]\{3\}-[0-9]\{3\}' | head -1)
check "the joiner has replicated the first node's entries" true

SESSION=A
check "the alert appears on the first node with the same code" wait_for "Authorise node \"laptop\"? code $CODE" 30
check "its safe default is Deny" wait_for "Deny" 2
check "keys are held back for a moment" wait_gone "keys work in a moment" 5
keys a
check "one key press authorises" wait_gone "Authorise node \"laptop\"" 10

SESSION=B
check "the joiner becomes writable" wait_for "Authorised: this node can write now." 30
keys Enter
check "it opens the database with the first node's entries" wait_for "from the first node" 20
keys a
check "the joiner can add an entry" wait_for "Add entry" 5
type_text "shared/two"; keys Tab
type_text "from the second node"
keys C-s
check "the joiner saved it" wait_for "Saved 'shared/two'." 5

SESSION=A
check "the edit appears live on the first node" wait_for "from the second node" 20
keys /
type_text "shared/one"
check "the filter finds the entry" wait_for "1 of 1" 5
keys Enter e
check "the first node opens its entry in the editor" wait_for "Edit 'shared/one'" 5
keys C-e
type_text ", edited"
keys C-s
check "the first node saved the edit" wait_for "Saved 'shared/one'." 5

SESSION=B
check "the edit appears live on the second node" wait_for "from the first node, edited" 20

keys q
SESSION=A
keys Escape
check "Esc closes the editor" wait_gone "Edit 'shared/one'" 5
keys Escape
check "Esc clears the filter" wait_for "of 2" 5
keys q
for name in A B; do
  check "app $name quits with status 0" test "$(session_status $name)" = 0
  [ "$(cat "$E2E_WORK/$name.status" 2>/dev/null)" = 0 ] || { SESSION=$name; print_screen; echo "status: $(cat "$E2E_WORK/$name.status" 2>/dev/null)"; }
done
finish
