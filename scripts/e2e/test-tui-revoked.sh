#!/usr/bin/env bash
# A revoked device: two real apps (create, join, authorise as in test-tui-two-nodes.sh); A
# revokes B from its nodes pane; B says so, no longer writes, and X (after a question whose
# default keeps the data) deletes this database's files from B and shows the welcome screen.
source "$(dirname "$0")/lib.sh"

SECOND_DIR="$E2E_WORK/second"

two_authorised_apps "shared/note" "first version" "$SECOND_DIR"

# A revokes B from its nodes pane.
SESSION=A
keys Tab Tab Tab
check "A's nodes pane lists B" wait_for "desktop  authorised" 10
# Writers are listed by key: move to B's row, wherever it is.
keys Home
for _ in 1 2 3; do wait_for "▶ desktop" 1 >/dev/null && break; keys Down; done
check "B's row is selected" wait_for "▶ desktop" 2
keys r
check "A asks before revoking" wait_for "Revoke node?" 5
keys y
check "A revoked B" wait_for "Revoked desktop." 10

SESSION=B
check "B learns it was revoked, and by whom" wait_for "This device was revoked by laptop on $(date -u +%Y-%m-%d)." 30
check "B's status bar says revoked" wait_for "· revoked" 5
check "B offers to remove its data" wait_for "X remove local data" 5
check "B still reads what it holds" wait_for "first version" 5
keys a
check "B no longer writes" wait_for "it can read what it holds but no longer write" 5
keys X
check "X asks first" wait_for "Remove this database's data from this device?" 5
keys Enter
check "Enter keeps the data" wait_gone "Remove local data?" 5
check "the data is still there" test -e "$SECOND_DIR/config.json" -a -e "$SECOND_DIR/hypha.sqlite"
keys X
check "X asks again" wait_for "Remove local data?" 5
keys y
check "B is back on the welcome screen" wait_for "Join existing" 20
check "it says the data was removed" wait_for "Removed this database's data from this device." 5
for name in config.json hypha.sqlite hypha.sqlite-wal hypha.sqlite-shm hypha.log; do
  check "$name is gone" test ! -e "$SECOND_DIR/$name"
done
check "hypha get finds no node there any more" sh -c "! '$HYPHA' get --data-dir '$SECOND_DIR' --passphrase-file '$PASSPHRASE_FILE' shared/note 2>/dev/null"

keys q
SESSION=A
keys q
for name in A B; do
  check "app $name quits with status 0" test "$(session_status $name)" = 0
done
finish
