#!/usr/bin/env bash
# Quitting restores the terminal: exit status 0, the alternate screen is left; a signal
# (SIGTERM) also ends the app cleanly, and a crash signal restores the terminal first.
source "$(dirname "$0")/lib.sh"

make_node
start_app
check "unlocks" unlock
check "the app uses the alternate screen" test "$(tm display -p -t S '#{alternate_on}')" = 1
keys q
check "q exits with status 0" test "$(wait_dead 10)" = 0
check "the alternate screen is left" test "$(tm display -p -t S '#{alternate_on}')" = 0
check "the app's screen is gone" wait_gone "Entries" 5

tm kill-server
start_app
check "starts again" wait_for "Unlock Hypha" 10
kill -TERM "$(app_pid)"
check "SIGTERM exits with 128+15" test "$(wait_dead 10)" = 143
check "and leaves the alternate screen" test "$(tm display -p -t S '#{alternate_on}')" = 0

# A crash (here a SIGSEGV from outside) still restores the terminal, then dies of the signal.
tm kill-server
ulimit -c 0
start_app
check "starts once more" wait_for "Unlock Hypha" 10
kill -SEGV "$(app_pid)"
check "a crash signal still kills the app (128+11)" test "$(wait_dead 10)" = 139
check "after restoring the terminal" test "$(tm display -p -t S '#{alternate_on}')" = 0
finish
