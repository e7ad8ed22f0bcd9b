#!/usr/bin/env bash
# Add an entry in the editor, edit it, and read it back with `hypha get` from the shell.
source "$(dirname "$0")/lib.sh"

make_node
hypha_cli put existing "already here"
start_app
check "unlocks" unlock
check "lists the existing entry" wait_for "already here" 5

keys a
check "a opens the add form" wait_for "Add entry" 5
type_text "todo/today"
keys Tab
type_text "buy milk"
keys Enter
type_text "call Jørgen"
keys C-s
check "Ctrl-S saves" wait_for "Saved 'todo/today'." 5
check "the new entry is listed" wait_for "buy milk ⏎…" 5
check "hypha get reads the saved value" test "$(hypha_cli get todo/today)" = "$(printf 'buy milk\ncall Jørgen')"

keys /
type_text "todo"
check "the filter narrows the list" wait_for "1 of 1" 5
keys Enter e
check "e opens the editor on the entry" wait_for "Edit 'todo/today'" 5
keys C-e
type_text " and bread"
keys C-s
check "the edit is saved" wait_for "Saved 'todo/today'." 5
check "hypha get sees the edit" test "$(hypha_cli get todo/today)" = "$(printf 'buy milk and bread\ncall Jørgen')"

keys Escape
check "Esc clears the filter" wait_for "already here" 5
keys q
check "quits with status 0" test "$(wait_dead 10)" = 0
finish
