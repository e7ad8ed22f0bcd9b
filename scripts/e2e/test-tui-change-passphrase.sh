#!/usr/bin/env bash
# Change passphrase… in the app, end to end. Node A (the app) holds a conflict with node B
# (`hypha serve`), which reaches A only through an always-on relay (`hypha serve --always-on`).
# In A's app: P, the domain kept, the generated passphrase read off the screen and three of its
# words typed back. Afterwards A's app shows the same entries (the conflict too) on the new
# database; the relay, which hears of the succession from the old database A's app still
# serves, follows it by itself, and B (old passphrase) is told; `hypha list` with the NEW
# passphrase lists A's entries and config.json names the new database.
source "$(dirname "$0")/lib.sh"

B_DIR="$E2E_WORK/desktop"
RELAY_DIR="$E2E_WORK/relay"
NEW_FILE="$E2E_WORK/new-passphrase"
make_node
OLD_DATABASE=$("$HYPHA" id --domain example.org --passphrase-file "$PASSPHRASE_FILE")

# B signs in with the passphrase alone; then A and B write the same entry apart: a conflict.
bg b-sign-in join --domain example.org --data-dir "$B_DIR" --name desktop --self-authorise
check "B signs in with the passphrase" bg_wait b-sign-in selfAuthorised
bg_stop b-sign-in
hypha_cli put shared/plan "ferry at nine, from the laptop"
hypha_cli put notes/one "first note"
HYPHA_PASSPHRASE_FILE="$PASSPHRASE_FILE" "$HYPHA" put --data-dir "$B_DIR" shared/plan "bridge instead, from the desktop"

# The relay dials A's app; B dials only the relay.
PORT=$(free_port)
RELAY_PORT=$(free_port)
bg relay serve --always-on --database "$OLD_DATABASE" --name relay --data-dir "$RELAY_DIR" \
  --listen "127.0.0.1:$RELAY_PORT" --peer "127.0.0.1:$PORT"
check "the relay listens" bg_wait relay listening
bg desktop serve --data-dir "$B_DIR" --listen 127.0.0.1:0 --peer "127.0.0.1:$RELAY_PORT"
check "B listens" bg_wait desktop listening

start_app_session A "$NODE_DIR" --listen "127.0.0.1:$PORT"
SESSION=A
check "A unlocks" unlock
check "A shows the conflict with B (through the relay)" wait_for "⚠ 2 values" 30
check "A shows its other entry" wait_for "notes/one" 5

keys P
check "P opens Change passphrase" wait_for "Change passphrase" 5
# One sentence (wrapped in the 80-column form).
check "it says what will happen: the other devices follow" \
  wait_for "Your other devices will need the new passphrase to follow; this database" 5
check "it says what will happen: this database becomes history" wait_for "becomes read-only history." 5
check "the domain is the current one" wait_for "Domain  example.org" 5
keys Enter
check "a new passphrase is shown once" wait_for "Write these 8 words down now" 10

# Read the 8 words off the screen (" 1. word  2. word …").
declare -a WORDS
while read -r number word; do WORDS[$number]=$word; done < <(screen | grep -oE ' [1-8]\. [a-z-]+' | sed -E 's/^ ([1-8])\. /\1 /')
check "all 8 words are on the screen" test "${#WORDS[@]}" -eq 8
printf '%s\n' "${WORDS[*]}" >"$NEW_FILE"

keys Enter
check "it asks for three of the words" wait_for "Type back these words of your passphrase." 5
POSITIONS=$(screen | grep -oE 'Word [1-8]' | awk '{print $2}')
check "three positions are asked" test "$(echo "$POSITIONS" | wc -l)" -eq 3
check "the words are not shown while asked for" wait_gone "Write these 8 words down" 2
# A wrong word first: refused, nothing happens.
first=1
for position in $POSITIONS; do
  if [ "$first" = 1 ]; then type_text "notaword"; first=0; else type_text "${WORDS[$position]}"; fi
  keys Tab
done
keys Enter
check "a word that does not match is refused" wait_for "does not match. Esc shows the words again." 5
# Back to the first field: Tab cycles, so Shift-Tab three times returns to it.
keys BTab BTab BTab C-u
type_text "${WORDS[$(echo "$POSITIONS" | head -1)]}"
keys Enter
check "the passphrase changes" wait_for "Passphrase changed: the database is now" 30
NEW_DATABASE=$("$HYPHA" id --domain example.org --passphrase-file "$NEW_FILE")
check "the notice names the new database" wait_for "is now ${NEW_DATABASE:0:8}…" 5
check "the status bar shows the new database" wait_for "hypha ${NEW_DATABASE:0:8}…" 5
check "A shows the same entries: the conflict" wait_for "⚠ 2 values" 20
check "A shows the same entries: the other one" wait_for "first note" 10
check "A is writable on the new database" wait_for "· writable" 5

# A's app serves the old database too: the relay hears of the succession and follows it, and
# B (still on the old passphrase) is told.
check "the relay follows the new database by itself" bg_wait relay "following the successor database $NEW_DATABASE" 30
check "B is told the database moved" bg_wait desktop '"event":"succession"' 30

keys q
check "the app quits with status 0" test "$(session_status A)" = 0

LISTED=$("$HYPHA" list --data-dir "$NODE_DIR" --passphrase-file "$NEW_FILE" 2>&1)
check "hypha list with the new passphrase lists the conflict" sh -c "echo \"\$1\" | grep -q 'shared/plan.*2 values'" _ "$LISTED"
check "hypha list with the new passphrase lists the other entry" sh -c "echo \"\$1\" | grep -qF 'first note'" _ "$LISTED"
[ -n "$(echo "$LISTED" | grep -F 'first note')" ] || echo "hypha list printed: $LISTED"
check "the old passphrase no longer opens this node" sh -c "! '$HYPHA' list --data-dir '$NODE_DIR' --passphrase-file '$PASSPHRASE_FILE' >/dev/null 2>&1"
config_field() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); v=c.get(sys.argv[2]); print(v if isinstance(v,str) else ",".join(v or []))' "$NODE_DIR/config.json" "$1"; }
check "config.json names the new database" test "$(config_field database)" = "$NEW_DATABASE"
check "config.json keeps the old one among its predecessors" test "$(config_field predecessors)" = "$OLD_DATABASE"
check "the old database is kept beside it" test -e "$NODE_DIR/hypha.sqlite"

bg_stop desktop
bg_stop relay
finish
