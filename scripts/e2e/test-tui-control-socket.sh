#!/usr/bin/env bash
# The open app is a running node: commands beside it go through its control socket (no
# passphrase), their writes show in the app; while it is locked the socket refuses anything that
# needs keys; a write made straight into the database by another process shows too.
source "$(dirname "$0")/lib.sh"

make_node
hypha_cli put notes/first "written before the app opened"
start_app HYPHA_LOCK_AFTER_SECONDS=8
check "unlocks" unlock
check "shows the direct write made before it opened" wait_for "written before the app opened" 5
check "its control socket is there" eventually 5 test -e "$NODE_DIR/control.sock"

no_passphrase() { HYPHA_PASSPHRASE_FILE= "$HYPHA" "$1" --data-dir "$NODE_DIR" "${@:2}"; }
check "put through the socket needs no passphrase" no_passphrase put notes/socket "through the socket"
check "the app shows it" wait_for "through the socket" 5
check "get through the socket" test "$(no_passphrase get notes/socket)" = "through the socket"

check "the app locks by itself" wait_for "Locked after 8 seconds without a key press." 20
check "a read through the socket is refused while locked" sh -c "! HYPHA_PASSPHRASE_FILE= '$HYPHA' get notes/socket --data-dir '$NODE_DIR' 2>'$E2E_WORK/locked.err'"
check "with one line saying so" grep -q "locked" "$E2E_WORK/locked.err"
check "unlocks again" unlock
check "reads through the socket work again" test "$(no_passphrase get notes/socket)" = "through the socket"

# Another process writes into the database itself (as a command that found no socket would).
keys Down   # a key press keeps the app from locking again meanwhile
check "a direct write succeeds" env HYPHA_DIRECT=1 "$HYPHA" put notes/direct "straight into the database" --data-dir "$NODE_DIR" --passphrase-file "$PASSPHRASE_FILE"
check "the app shows it too" wait_for "notes/direct" 5
keys q
check "quits with status 0" test "$(wait_dead 10)" = 0
finish
