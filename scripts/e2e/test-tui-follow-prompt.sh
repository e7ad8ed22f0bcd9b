#!/usr/bin/env bash
# The follow prompt, end to end. A and B are two devices of one database. With both stopped,
# A changes the passphrase (`hypha rekey`) and B writes to the old database, not knowing yet.
# A is served again with the new passphrase (it serves the old database beside the new one).
# B's app (old passphrase) hears of the succession and shows the prompt; Esc puts it off (the
# banner stays), a save in the editor is refused with the engine's one line and the text
# stays; F reopens the prompt, a wrong passphrase says why in one line, the new one follows:
# B's app then shows the successor's entries, including the one B wrote meanwhile.
source "$(dirname "$0")/lib.sh"

A_DIR="$NODE_DIR"
B_DIR="$E2E_WORK/desktop"
NEW_PASSPHRASE="yodel zippy backspace earphone handiwork supernova gallantly cardboard"
NEW_FILE="$E2E_WORK/new-passphrase"
printf '%s\n' "$NEW_PASSPHRASE" >"$NEW_FILE"
TODAY=$(date -u +%Y-%m-%d)

make_node
hypha_cli put notes/one "first note from A"
PORT=$(free_port)

# B signs in through A and replicates what A holds, then both stop.
bg a serve --data-dir "$A_DIR" --listen "127.0.0.1:$PORT"
check "A listens" bg_wait a listening
sign_in b-join "$B_DIR" desktop "$PORT"
bg_stop b-join
bg_stop a

# A changes the passphrase while stopped; B writes to the old database, not knowing.
check "A changes the passphrase (hypha rekey)" \
  sh -c "'$HYPHA' rekey --data-dir '$A_DIR' --passphrase-file '$PASSPHRASE_FILE' --new-passphrase-file '$NEW_FILE' >/dev/null"
NEW_DATABASE=$("$HYPHA" id --domain example.org --passphrase-file "$NEW_FILE")
HYPHA_PASSPHRASE_FILE="$PASSPHRASE_FILE" "$HYPHA" put --data-dir "$B_DIR" late/b "late write of B"
"$HYPHA" put --data-dir "$A_DIR" --passphrase-file "$NEW_FILE" notes/two "after the change"

BG_PASSPHRASE_FILE="$NEW_FILE" bg a2 serve --data-dir "$A_DIR" --listen "127.0.0.1:$PORT"
check "A serves again, with the new passphrase" bg_wait a2 listening

SESSION=B
start_app_session B "$B_DIR" --peer "127.0.0.1:$PORT"
check "B's app unlocks with the old passphrase" unlock
check "B's app shows the follow prompt" wait_for "Follow the new passphrase" 30
check "it says when and from which node" wait_for "This database moved to a new passphrase on $TODAY (from laptop)." 5
check "it asks for the new passphrase" wait_for "Enter the new passphrase to follow." 5
check "the status bar says moved" wait_for "· desktop · moved" 5

keys Escape
check "Esc puts the prompt off" wait_gone "Follow the new passphrase" 5
check "the banner keeps it reachable" wait_for "Moved to a new passphrase on $TODAY (from laptop): F to follow." 5
check "B still shows its late write" wait_for "late/b" 10

# A write to the moved database: the engine's one line, and the text stays in the editor.
keys a
check "the editor opens" wait_for "Add entry" 5
type_text "notes/refused"; keys Tab
type_text "typed on B after it heard"
keys C-s
check "the save is refused with the engine's line" wait_for "this database moved to a new passphrase on $TODAY (from laptop)" 10
check "the editor stays open" wait_for "Add entry" 2
check "the text stays in the editor" wait_for "typed on B after it heard" 2
keys Escape
check "closing asks first" wait_for "Discard changes?" 5
keys y
check "the editor closes" wait_gone "Add entry" 5

keys F
check "F reopens the prompt" wait_for "Follow the new passphrase" 5
type_text "abacus abdomen abdominal abide abiding ability ablaze zoom"
check "the word count shows as it is typed" wait_for "8 words" 5
keys Enter
check "a passphrase of no successor says why in one line" wait_for "which is not a successor of this" 20
check "it names the successor it knows" wait_for "${NEW_DATABASE:0:8}…" 5
type_text "$NEW_PASSPHRASE"
keys Enter
# (The "Following database …" notice is brief; the status bar is what stays.)
check "B follows: the status bar shows the new database" wait_for "hypha ${NEW_DATABASE:0:8}…" 60
check "B shows the successor's copy of A's entry" wait_for "first note from A" 20
check "B shows what A wrote after the change" wait_for "notes/two" 20
check "B's late write came along" wait_for "late/b" 20
check "B is writable on the new database" wait_for "· desktop · writable" 10
check "the prompt and the banner are gone" wait_gone "F to follow" 5

# The late write reaches A.
check "B's late write reached A" \
  eventually 30 sh -c "'$HYPHA' get --data-dir '$A_DIR' --passphrase-file '$NEW_FILE' late/b 2>/dev/null | grep -qF 'late write of B'"

keys q
check "the app quits with status 0" test "$(session_status B)" = 0
check "B's config names the new database" \
  python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["database"] != sys.argv[2])' "$B_DIR/config.json" "$NEW_DATABASE"
check "hypha list with the new passphrase lists B's late write" \
  sh -c "'$HYPHA' list --data-dir '$B_DIR' --passphrase-file '$NEW_FILE' | grep -qF 'late/b'"

bg_stop a2
finish
