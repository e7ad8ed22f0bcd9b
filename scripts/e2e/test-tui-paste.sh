#!/usr/bin/env bash
# Bracketed paste: pasted text goes into the focused field as text. Control characters in it
# (Ctrl-C, Esc sequences, a CR that would be Enter) are refused, never run as keys; newlines
# go in only in the multi-line editor. tmux's paste-buffer -p brackets the text because the
# app turned the mode on (ESC[?2004h).
source "$(dirname "$0")/lib.sh"

make_node
start_app
check "unlocks" unlock
keys a
check "a opens the editor" wait_for "Add entry" 5

# A key with a newline at the end: one line, and the key field keeps the focus.
tm set-buffer -b k "$(printf 'notes/pasted\n')"
tm paste-buffer -p -b k -t S
check "the key is pasted" wait_for "notes/pasted" 5
keys Tab
# A value with line breaks, a Ctrl-C, an Esc and an arrow-key sequence.
tm set-buffer -b v "$(printf 'first line\nsecond \003line\n\033[Athird line\033')"
tm paste-buffer -p -b v -t S
check "the value's first line is pasted" wait_for "first line" 5
check "the app did not quit on the pasted Ctrl-C" test "$(tm list-panes -t S -F '#{pane_dead}')" = 0
check "line breaks start new lines" wait_for "second line" 2
check "the escape sequence is not run as a key" wait_for "[Athird line" 2
check "the editor is still open" wait_for "Add entry" 2
keys C-s
check "it saves" wait_for "Saved 'notes/pasted'." 5
check "the value holds the text without the control characters" \
  test "$(hypha_cli get notes/pasted)" = "$(printf 'first line\nsecond line\n[Athird line')"

# Pasting while browsing runs nothing either (an "a", a "d", a "q" in the text).
tm set-buffer -b b "adq"
tm paste-buffer -p -b b -t S
check "a paste while browsing is no key press" wait_for "Entries" 2
check "the app is still running" test "$(tm list-panes -t S -F '#{pane_dead}')" = 0
check "and opened no editor" wait_gone "Add entry" 2
keys q
check "quits" test "$(wait_dead 10)" = 0
finish
