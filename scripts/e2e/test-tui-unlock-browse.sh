#!/usr/bin/env bash
# Unlock with a wrong passphrase (the message names both databases), then the right one,
# and browse entries made with `hypha put`.
source "$(dirname "$0")/lib.sh"

make_node
hypha_cli put notes/alpha "first value"
hypha_cli put notes/beta "second value"
hypha_cli put "people/作者" "Jørgen"
start_app

check "the unlock screen shows the node" wait_for "Database 6d583418" 10
check "the passphrase never shows" bash -c "! tmux -L $E2E_SOCKET capture-pane -p -t S | grep -q abacus"
type_text "$WRONG_PASSPHRASE"
check "typed words never show" bash -c "! tmux -L $E2E_SOCKET capture-pane -p -t S | grep -q abdomen"
keys Enter
check "a wrong passphrase names the database it derives" wait_for "Wrong passphrase: it derives database" 20
check "and the one this node holds" wait_for "this node holds" 5
check "(its short id)" wait_for "│ 6d583418…" 5
check "the main screen opens with the right passphrase" unlock
check "entries from hypha put are listed" wait_for "notes/alpha" 5
check "with their values" wait_for "second value" 5
check "wide characters line up" wait_for "people/作者" 5
keys Down
check "the selection moves" wait_for "2 of 3" 5
check "the detail pane follows it" wait_for "││notes/beta" 5
check "the status bar shows the node" wait_for "laptop · writable" 5
keys q
check "q quits with status 0" test "$(wait_dead 10)" = 0
finish
