#!/usr/bin/env bash
# Ctrl-C never loses unsaved work: in the editor it is Esc (the app asks before discarding);
# "Keep editing" keeps the text, which then saves. Ctrl-C while browsing quits cleanly.
source "$(dirname "$0")/lib.sh"

make_node
start_app
check "unlocks" unlock
keys a
check "a opens the editor" wait_for "Add entry" 5
type_text "notes/unsaved"; keys Tab
type_text "words I do not want to lose"
check "the text is in the editor" wait_for "words I do not want to lose" 5
keys C-c
check "Ctrl-C asks instead of quitting" wait_for "Discard changes?" 5
check "the app is still running" test "$(tm list-panes -t S -F '#{pane_dead}')" = 0
keys Escape
check "Esc keeps editing" wait_gone "Discard changes?" 5
check "the text is still there" wait_for "words I do not want to lose" 2
keys C-c
check "Ctrl-C asks again" wait_for "Discard changes?" 5
keys n
check "n keeps editing" wait_gone "Discard changes?" 5
keys C-s
check "the text saves" wait_for "Saved 'notes/unsaved'." 5
check "the CLI reads it back" test "$(hypha_cli get notes/unsaved)" = "words I do not want to lose"
wait_gone "Add entry" 5
keys C-c
S=$(wait_dead 10); check "Ctrl-C while browsing quits with status 0" test "$S" = 0
finish
