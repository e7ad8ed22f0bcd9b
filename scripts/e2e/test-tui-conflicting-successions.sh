#!/usr/bin/env bash
# Two different successions of one database, end to end in the app: the owner changes the
# passphrase on A, and a thief holding a copy of device C (and the old passphrase) makes a
# succession of its own. B's app, connected to both, says the database may be compromised and
# lists both candidates; it follows neither by itself; the owner's new passphrase chooses
# the owner's successor.
source "$(dirname "$0")/lib.sh"

A_DIR="$NODE_DIR"
B_DIR="$E2E_WORK/desktop"
C_DIR="$E2E_WORK/tablet"
T_DIR="$E2E_WORK/thief"
NEW_FILE="$E2E_WORK/new-passphrase"
THIEF_FILE="$E2E_WORK/thief-passphrase"
NEW_PASSPHRASE="yodel zippy backspace earphone handiwork supernova gallantly cardboard"
printf '%s\n' "$NEW_PASSPHRASE" >"$NEW_FILE"
printf '%s\n' "abdominal enigmatic yodel zippy cardboard earphone backspace handiwork" >"$THIEF_FILE"

make_node
hypha_cli put notes/one "first note from A"
PORT=$(free_port)
THIEF_PORT=$(free_port)

# B and C sign in through A and replicate what A holds; then everything stops.
bg a serve --data-dir "$A_DIR" --listen "127.0.0.1:$PORT"
check "A listens" bg_wait a listening
sign_in b-join "$B_DIR" desktop "$PORT"
sign_in c-join "$C_DIR" tablet "$PORT"
bg_stop c-join
bg_stop b-join
bg_stop a

# The owner changes the passphrase on A; a thief with a copy of C does the same.
cp -a "$C_DIR" "$T_DIR"
check "A changes the passphrase" \
  sh -c "'$HYPHA' rekey --data-dir '$A_DIR' --passphrase-file '$PASSPHRASE_FILE' --new-passphrase-file '$NEW_FILE' >/dev/null"
check "the thief makes a succession of its own" \
  sh -c "'$HYPHA' rekey --data-dir '$T_DIR' --passphrase-file '$PASSPHRASE_FILE' --new-passphrase-file '$THIEF_FILE' >/dev/null"
OURS=$("$HYPHA" id --domain example.org --passphrase-file "$NEW_FILE")
THEIRS=$("$HYPHA" id --domain example.org --passphrase-file "$THIEF_FILE")

BG_PASSPHRASE_FILE="$NEW_FILE" bg a2 serve --data-dir "$A_DIR" --listen "127.0.0.1:$PORT"
check "A serves again, with the new passphrase" bg_wait a2 listening
BG_PASSPHRASE_FILE="$THIEF_FILE" bg t serve --data-dir "$T_DIR" --listen "127.0.0.1:$THIEF_PORT"
check "the thief serves" bg_wait t listening

SESSION=B
start_app_session B "$B_DIR" --peer "127.0.0.1:$PORT" --peer "127.0.0.1:$THIEF_PORT"
check "B's app unlocks with the old passphrase" unlock
check "B's app says the database may be compromised" wait_for "Conflicting successions" 30
check "it lists the owner's successor" wait_for "${OURS:0:8}…" 10
check "it lists the thief's successor" wait_for "${THEIRS:0:8}…" 10
check "it asks for the passphrase that is yours" wait_for "Enter the new passphrase that is yours" 5
keys Escape
check "Esc puts it off; the banner keeps the warning" wait_for "Conflicting successions: this database may be compromised. F to choose." 5
check "B follows neither by itself" sh -c "grep -q '\"database\" *: *\"$("$HYPHA" id --domain example.org --passphrase-file "$PASSPHRASE_FILE")\"' '$B_DIR/config.json'"

keys F
check "F reopens it" wait_for "Enter the new passphrase that is yours" 5
type_text "$NEW_PASSPHRASE"
keys Enter
# (The "Following database …" notice is brief; the status bar is what stays.)
check "the owner's passphrase follows the owner's successor" wait_for "hypha ${OURS:0:8}… · example.org · desktop" 60
check "B shows the successor's entries" wait_for "first note from A" 20
check "the warning is gone" wait_gone "F to choose" 10

keys q
check "the app quits with status 0" test "$(session_status B)" = 0
check "B's config names the owner's database" \
  python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["database"] != sys.argv[2])' "$B_DIR/config.json" "$OURS"

bg_stop t
bg_stop a2
finish
