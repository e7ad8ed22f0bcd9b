#!/usr/bin/env bash
# A stale edit becomes a visible conflict, never a silent overwrite. Two real apps (create,
# join, authorise as in test-tui-two-nodes.sh): the editor is open on an entry on A; B edits
# and saves that entry; then A saves. Both nodes show the key in conflict with BOTH values, on
# screen and from `hypha get` on each data directory. (Saving with `replaces: nil`, every
# version A holds when it writes, would silently replace B's edit: this test then fails.)
source "$(dirname "$0")/lib.sh"

SECOND_DIR="$E2E_WORK/second"

two_authorised_apps "shared/note" "first version" "$SECOND_DIR"

# A opens the editor on the entry and starts typing.
SESSION=A
keys /
type_text "shared/note"
check "A's filter finds the entry" wait_for "1 of 1" 5
keys Enter
check "A's detail pane shows the entry's version" wait_for "first version" 5
keys e
check "A's editor is open on the entry" wait_for "Edit 'shared/note'" 5
keys C-e
type_text ", edited on A"

# Meanwhile B edits the same entry and saves.
SESSION=B
keys /
type_text "shared/note"
check "B's filter finds the entry" wait_for "1 of 1" 5
keys Enter e
check "B's editor is open on the entry" wait_for "Edit 'shared/note'" 5
keys C-e
type_text ", edited on B"
keys C-s
check "B saved its edit" wait_for "Saved 'shared/note'." 5

# A's editor learns that the entry changed; A saves anyway.
SESSION=A
check "A's editor says the entry changed on another node" wait_for "changed on another node: saving keeps both" 20
keys C-s
check "A saved its edit" wait_for "Saved 'shared/note'." 5
check "A marks the key as a conflict" wait_for "⚠ 2 values" 10
check "A's detail pane shows A's value" wait_for "first version, edited on A" 10
check "A's detail pane shows B's value" wait_for "first version, edited on B" 10

SESSION=B
check "B marks the key as a conflict" wait_for "⚠ 2 values" 20
check "B's detail pane shows A's value" wait_for "first version, edited on A" 10
check "B's detail pane shows B's value" wait_for "first version, edited on B" 10

keys q
SESSION=A
keys q
for name in A B; do
  check "app $name quits with status 0" test "$(session_status $name)" = 0
done

# From the command line: each data directory holds both values, in conflict.
expect_conflict() {
  local output=$1
  echo "$output" | grep -qF "shared/note: 2 concurrent values (conflict)" &&
    echo "$output" | grep -qF "first version, edited on A" &&
    echo "$output" | grep -qF "first version, edited on B" ||
    { echo "hypha get printed:"; echo "$output"; return 1; }
}
A_GET=$(hypha_cli get shared/note 2>&1)
check "hypha get on A's data directory prints both values" expect_conflict "$A_GET"
B_GET=$("$HYPHA" get --data-dir "$SECOND_DIR" --passphrase-file "$PASSPHRASE_FILE" shared/note 2>&1)
check "hypha get on B's data directory prints both values" expect_conflict "$B_GET"
finish
