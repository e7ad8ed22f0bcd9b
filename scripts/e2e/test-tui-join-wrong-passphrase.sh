#!/usr/bin/env bash
# Joining with a wrong passphrase does not trap the data directory: the peer closes right after
# the capability, and the waiting screen says the peer does not serve the database the
# passphrase derives; Esc goes back to the form with what was typed (no passphrase) and
# nothing kept on disk; the right passphrase then joins. A directory left by a wrong join
# (the app quit on the waiting screen) offers "start over" on the unlock screen.
source "$(dirname "$0")/lib.sh"

make_node
PORT=$(free_port)
start_app_session A "$NODE_DIR" --listen "127.0.0.1:$PORT"
SESSION=A
check "A unlocks" unlock
check "A listens" wait_for "listening 127.0.0.1:$PORT" 10

# join_form PASSPHRASE DIR NAME: fills the join form of the app in $SESSION and presses Enter.
join_form() {
  keys j
  wait_for "Join a database" 5 || return 1
  type_text "example.org"; keys Tab
  type_text "$1"; keys Tab
  type_text "127.0.0.1:$PORT"; keys Tab
  keys C-u; type_text "$3"; keys Enter
}

SESSION=B
start_app_session B "$E2E_WORK/second"
check "B shows the welcome screen" wait_for "Join existing" 10
join_form "$WRONG_PASSPHRASE" "$E2E_WORK/second" desktop
check "B says the peer does not serve that database" wait_for "does not serve" 30
check "and tells to check the passphrase and domain" wait_for "check the passphrase" 2
check "the title says it cannot join" wait_for "Cannot join" 2
keys Escape
check "Esc goes back to the join form" wait_for "Join a database" 10
check "with the domain kept" wait_for "example.org" 2
check "and the peer kept" wait_for "127.0.0.1:$PORT" 2
check "nothing is left on disk" test ! -e "$E2E_WORK/second/config.json" -a ! -e "$E2E_WORK/second/hypha.sqlite"
# The focus is on the passphrase: type the right one and join.
type_text "$PASSPHRASE"
check "the passphrase's word count shows as it is typed" wait_for "8 words" 5
keys Enter
check "the right passphrase joins" wait_for "Verification code" 30
SESSION=A
check "A is asked to authorise" wait_for "Authorise node \"desktop\"?" 30
wait_gone "keys work in a moment" 5
keys a
SESSION=B
check "B is authorised" wait_for "Authorised: this node can write now." 30
keys q

# A wrong join left behind by quitting on the waiting screen: the restart offers to start over.
SESSION=C
start_app_session C "$E2E_WORK/third"
check "C shows the welcome screen" wait_for "Join existing" 10
join_form "$WRONG_PASSPHRASE" "$E2E_WORK/third" laptop2
check "C is told the passphrase is wrong" wait_for "does not serve" 30
keys q
check "q quits C on that screen" test "$(session_status C)" = 0
tm kill-session -t C
start_app_session C "$E2E_WORK/third"
check "after a restart C asks for the passphrase" wait_for "Unlock Hypha" 10
check "and says the node never received anything" wait_for "never received anything from a peer" 5
type_text "$PASSPHRASE"; keys Enter
check "the right passphrase does not open the wrong database" wait_for "Wrong passphrase" 20
check "start over is offered" wait_for "Ctrl-R start over" 2
keys C-r
check "Ctrl-R starts over on the welcome screen" wait_for "Join existing" 10
check "the files are gone" test ! -e "$E2E_WORK/third/config.json"
join_form "$PASSPHRASE" "$E2E_WORK/third" laptop2
check "and the right passphrase now joins" wait_for "Verification code" 30
keys q
SESSION=A
keys q
finish
