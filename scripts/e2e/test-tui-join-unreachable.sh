#!/usr/bin/env bash
# Joining with a peer nobody listens on: the waiting screen shows the connection state (the
# refusal and the retry countdown) instead of "Waiting for approval" with no error, and Esc
# goes back to the form without keeping anything.
source "$(dirname "$0")/lib.sh"

DEAD=$(free_port)
start_app_session B "$E2E_WORK/second"
SESSION=B
check "the welcome screen" wait_for "Join existing" 10
keys j
check "the join form" wait_for "Join a database" 5
type_text "example.org"; keys Tab
type_text "$PASSPHRASE"; keys Tab
type_text "127.0.0.1:$DEAD"; keys Tab
keys C-u; type_text "desktop"; keys Enter
check "the waiting screen says the peer cannot be reached" wait_for "Cannot reach 127.0.0.1:$DEAD" 30
check "because the connection is refused" wait_for "connection refused" 2
check "and when it retries" wait_for "Retrying in" 5
check "it does not claim to wait for approval" wait_gone "Waiting for approval on one of your other nodes" 2
keys Escape
check "Esc goes back to the form" wait_for "Join a database" 10
check "with the peer kept" wait_for "127.0.0.1:$DEAD" 2
check "nothing is left on disk" test ! -e "$E2E_WORK/second/config.json"
keys Escape
check "Esc again: the welcome screen" wait_for "Join existing" 5
keys q
check "q quits with status 0" test "$(session_status B)" = 0
finish
