#!/usr/bin/env bash
# Makes the README screenshots from the real app: each scene drives `hypha` in a private
# tmux server (the e2e harness), captures the pane with its colours (capture-pane -e) and
# renders it to screenshots/<scene>.png with scripts/ansi2png.py (pyte + Pillow).
#
#   scripts/screenshots.sh            every scene that this build can show
#   scripts/screenshots.sh main       only the named scenes
#
# The conflict, authorise, peers, history, follow and reconnect scenes run other real nodes in the
# background (`hypha join`, `hypha serve`) next to the app. The reconnect scene saves a peer
# that then goes down in the node's config, so it runs last.
set -uo pipefail
cd "$(dirname "$0")/.."

# What the renderer needs: pyte + Pillow, DejaVu Sans Mono and WenQuanYi Zen Hei (CJK).
./scripts/install-packages.sh tmux fonts-dejavu-core fonts-wqy-zenhei python3-pip
if ! python3 -c "import pyte, PIL" 2>/dev/null; then
  python3 -m pip install --quiet pyte pillow || python3 -m pip install --quiet --break-system-packages pyte pillow
fi
[ -x .build/debug/hypha ] || swift build --product hypha

source scripts/e2e/lib.sh
OUT=screenshots
mkdir -p "$OUT"

shot() {
  local name=$1
  tm capture-pane -e -p -t S >"$E2E_WORK/$name.ansi"
  python3 scripts/ansi2png.py "$E2E_WORK/$name.ansi" "$OUT/$name.png" --cols 80 --rows 24
}

stop_app() { tm kill-server >/dev/null 2>&1; }

scene_welcome() {
  start_app_in "$E2E_WORK/empty"
  wait_for "Welcome to Hypha" 10 && shot welcome
  stop_app
}

scene_unlock() {
  [ -d "$NODE_DIR" ] || make_node
  start_app_in "$NODE_DIR"
  wait_for "Unlock Hypha" 10 || return 1
  type_text "$PASSPHRASE"
  keys Enter
  wait_for "Deriving keys" 5 && shot unlock
  stop_app
}

scene_main() {
  [ -d "$NODE_DIR" ] || make_node
  hypha_cli put "journal/2026-11-20" "Walked to the harbour; the ferry was late again."
  hypha_cli put "journal/2026-11-21" "Sync test between laptop and desktop."
  hypha_cli put "people/Jørgen" "Jørgen Nørgaard — bike repair, Thursdays"
  hypha_cli put "people/作者" "作者の連絡先: 東京"
  hypha_cli put "recipes/crème brûlée" "4 yolks, 500 ml cream, 80 g sugar, vanilla"
  hypha_cli put "todo/today" "$(printf 'buy oat milk\ncall the dentist\nwater the plants')"
  hypha_cli put "todo/week" "renew passport"
  start_app_in "$NODE_DIR"
  unlock || return 1
  wait_for "todo/week" 5 || return 1
  keys End Up
  wait_for "todo/today" 5 && wait_for "call the dentist" 5 && shot main
  stop_app
}

# Background nodes (bg, bg_wait, bg_stop) come from scripts/e2e/lib.sh.

# A second writer ("desktop"), signed in with the passphrase.
make_desktop() {
  [ -d "$E2E_WORK/desktop" ] && return 0
  bg desktop-sign-in join --domain example.org --data-dir "$E2E_WORK/desktop" --name desktop --self-authorise
  bg_wait desktop-sign-in selfAuthorised && bg_stop desktop-sign-in
}

scene_conflict() {
  [ -d "$NODE_DIR" ] || make_node
  make_desktop || return 1
  # Both nodes edit the same entry without seeing each other's edit, then sync.
  hypha_cli put "todo/today" "buy oat milk, call the dentist"
  HYPHA_PASSPHRASE_FILE="$PASSPHRASE_FILE" "$HYPHA" put --data-dir "$E2E_WORK/desktop" "todo/today" "book the ferry, buy oat milk"
  local port
  port=$(free_port)
  bg origin serve --data-dir "$NODE_DIR" --listen "127.0.0.1:$port"
  bg_wait origin listening || return 1
  bg desktop serve --data-dir "$E2E_WORK/desktop" --listen 127.0.0.1:0 --peer "127.0.0.1:$port"
  bg_wait desktop synced && bg_wait origin synced
  bg_stop desktop; bg_stop origin
  start_app_in "$NODE_DIR"
  unlock || return 1
  wait_for "2 values" 10 || return 1
  select_entry todo/today || return 1
  keys Tab
  wait_for "2 values in conflict" 5 && shot conflict
  stop_app
}

scene_authorise() {
  [ -d "$NODE_DIR" ] || make_node
  local port
  port=$(free_port)
  start_app_session S "$NODE_DIR" --listen "127.0.0.1:$port"
  unlock || return 1
  bg phone join --domain example.org --data-dir "$E2E_WORK/phone" --name phone --peer "127.0.0.1:$port"
  wait_for "Authorise node \"phone\"" 20 && wait_gone "keys work in a moment" 5 && shot authorise
  keys d
  wait_gone "Authorise node \"phone\"" 5
  bg_stop phone
  stop_app
  rm -rf "$E2E_WORK/phone"
}

scene_peers() {
  [ -d "$NODE_DIR" ] || make_node
  make_desktop || return 1
  # A revoked node for the nodes pane.
  bg old join --domain example.org --data-dir "$E2E_WORK/old" --name old-phone --self-authorise
  bg_wait old selfAuthorised && bg_stop old
  local port database
  port=$(free_port)
  database=$("$HYPHA" id --domain example.org --passphrase-file "$PASSPHRASE_FILE")
  bg old-serve serve --data-dir "$E2E_WORK/old" --listen 127.0.0.1:0 --peer "127.0.0.1:$port"
  start_app_session S "$NODE_DIR" --listen "127.0.0.1:$port"
  unlock || return 1
  bg_wait old-serve synced && bg_stop old-serve
  hypha_cli revoke old-phone >/dev/null
  bg desktop serve --data-dir "$E2E_WORK/desktop" --listen 127.0.0.1:0 --peer "ws://127.0.0.1:$port"
  bg relay serve --always-on --database "$database" --name relay --data-dir "$E2E_WORK/relay" --listen 127.0.0.1:0 --peer "127.0.0.1:$port"
  # The peer rows themselves (the nodes pane names the desktop too).
  wait_for "desktop synced" 20 && wait_for "always-on) synced" 20 && wait_for "revoked" 20 || return 1
  keys Tab Tab
  wait_for "in ws" 10 && shot peers || return 1
  bg_stop desktop; bg_stop relay
  stop_app
}

# The laptop and the desktop replicate once, each as `hypha serve`, then stop.
sync_desktop() {
  local port status
  port=$(free_port)
  bg origin serve --data-dir "$NODE_DIR" --listen "127.0.0.1:$port"
  bg_wait origin listening || return 1
  bg desktop serve --data-dir "$E2E_WORK/desktop" --listen 127.0.0.1:0 --peer "127.0.0.1:$port"
  bg_wait desktop synced && bg_wait origin synced
  status=$?
  bg_stop desktop; bg_stop origin
  return $status
}
desktop_cli() { HYPHA_PASSPHRASE_FILE="$PASSPHRASE_FILE" "$HYPHA" "$1" --data-dir "$E2E_WORK/desktop" "${@:2}"; }

# select_row TEXT [MAX]: presses Down until the selected row (▶) shows TEXT, at most MAX times.
select_row() {
  local tries=0 before deadline
  until screen | grep -F "▶" | grep -qF -- "$1"; do
    [ "$tries" -lt "${2:-100}" ] || return 1
    before=$(screen | grep -F "▶")
    keys Down
    # The next look is at the frame that answers the key (the selection moved), or after 2 s.
    deadline=$(( $(date +%s) + 2 ))
    while [ "$(screen | grep -F "▶")" = "$before" ] && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.05; done
    tries=$((tries + 1))
  done
}

# select_entry KEY: moves the entries selection to KEY.
select_entry() {
  keys Home
  select_row "▶ $1"
}

scene_history() {
  [ -d "$NODE_DIR" ] || make_node
  make_desktop || return 1
  hypha_cli put plans/ferry "Ferry at 08:10 from the north pier"
  hypha_cli put plans/ferry "Ferry at 08:40: the 08:10 is cancelled"
  sync_desktop || return 1
  # Both nodes edit it without seeing each other's edit: two branches.
  hypha_cli put plans/ferry "Ferry at 09:10, bikes on board"
  desktop_cli put plans/ferry "Take the bridge instead"
  sync_desktop || return 1
  # Resolved on the laptop, deleted by mistake, brought back with `hypha restore`.
  hypha_cli put plans/ferry "Ferry at 09:10; the bridge if it is windy"
  hypha_cli del plans/ferry
  hypha_cli restore plans/ferry "$(hypha_cli history plans/ferry | grep -F "if it is windy" | cut -f1)" >/dev/null
  # Deleted entries for the deleted list.
  hypha_cli put "notes/address" "Harbour Road 12"
  hypha_cli put "notes/wifi" "hypha-cabin / ask Jørgen"
  hypha_cli del "notes/address"
  hypha_cli del "notes/wifi"
  start_app_in "$NODE_DIR"
  unlock || return 1
  wait_for "plans/ferry" 10 && select_entry plans/ferry || return 1
  keys h
  wait_for "History of 'plans/ferry'" 5 && wait_for "Ferry at 08:10" 5 || return 1
  select_row "bridge instead" 20 || return 1
  wait_for "after " 5 && shot history || return 1
  # Esc and D sent together would read as Alt-D.
  keys Escape
  wait_gone "History of" 5 || return 1
  keys D
  wait_for "Deleted entries" 5 && wait_for "notes/wifi" 5 && wait_for "(deleted)" 5 && shot deleted || return 1
  stop_app
}

# The follow prompt: the desktop changed the passphrase (`hypha rekey`) while the laptop was
# away; the laptop's app hears of it from the desktop, which serves the old database too.
scene_follow() {
  local a="$E2E_WORK/follow-desktop" b="$E2E_WORK/follow-laptop" new="$E2E_WORK/follow-new" port status=1
  printf '%s\n' "yodel zippy backspace earphone handiwork supernova gallantly cardboard" >"$new"
  [ -s "$PASSPHRASE_FILE" ] || printf '%s\n' "$PASSPHRASE" >"$PASSPHRASE_FILE"
  "$HYPHA" new --data-dir "$a" --domain example.org --name desktop --passphrase-file "$PASSPHRASE_FILE" >/dev/null || return 1
  local put="put --data-dir $a --passphrase-file $PASSPHRASE_FILE"
  "$HYPHA" $put "journal/2026-11-20" "Walked to the harbour; the ferry was late again."
  "$HYPHA" $put "people/Jørgen" "Jørgen Nørgaard — bike repair, Thursdays"
  "$HYPHA" $put "todo/week" "renew passport"
  port=$(free_port)
  bg follow-a serve --data-dir "$a" --listen "127.0.0.1:$port"
  bg_wait follow-a listening || return 1
  bg follow-b join --domain example.org --data-dir "$b" --name laptop --self-authorise --peer "127.0.0.1:$port"
  bg_wait follow-b selfAuthorised && bg_wait follow-b synced || return 1
  bg_stop follow-b; bg_stop follow-a
  "$HYPHA" rekey --data-dir "$a" --passphrase-file "$PASSPHRASE_FILE" --new-passphrase-file "$new" >/dev/null || return 1
  "$HYPHA" put --data-dir "$b" --passphrase-file "$PASSPHRASE_FILE" "todo/today" "book the ferry"
  BG_PASSPHRASE_FILE="$new" bg follow-a2 serve --data-dir "$a" --listen "127.0.0.1:$port"
  bg_wait follow-a2 listening || return 1
  start_app_in "$b"
  if unlock && wait_for "Follow the new passphrase" 30; then
    type_text "$(cat "$new")"
    wait_for "8 words" 5 && shot follow && status=0
  fi
  bg_stop follow-a2
  stop_app
  return $status
}

# A saved peer (the desktop, given with --peer) goes down: the peers pane counts down to the
# next attempt, while the relay dialled in stays synced.
scene_reconnect() {
  [ -d "$NODE_DIR" ] || make_node
  make_desktop || return 1
  local desktop_port app_port database
  desktop_port=$(free_port)
  app_port=$(free_port)
  database=$("$HYPHA" id --domain example.org --passphrase-file "$PASSPHRASE_FILE")
  bg desktop serve --data-dir "$E2E_WORK/desktop" --listen "127.0.0.1:$desktop_port"
  bg_wait desktop listening || return 1
  start_app_session S "$NODE_DIR" --listen "127.0.0.1:$app_port" --peer "127.0.0.1:$desktop_port"
  unlock || return 1
  bg relay serve --always-on --database "$database" --name relay --data-dir "$E2E_WORK/relay" --listen 127.0.0.1:0 \
    --peer "127.0.0.1:$app_port"
  keys Tab Tab
  local status=1
  if wait_for "desktop synced" 20 && wait_for "always-on) synced" 20; then
    bg_stop desktop
    wait_for "desktop retrying in" 20 && wait_for "refused" 10 && shot reconnect && status=0
  fi
  # Stopped whatever happened, so a failed scene leaves no node running.
  bg_stop desktop; bg_stop relay
  stop_app
  return $status
}

scenes=${*:-"welcome unlock main conflict authorise peers history follow reconnect"}
for scene in $scenes; do
  if ! "scene_$scene"; then
    echo "scene $scene failed"
    E2E_FAILED=$((E2E_FAILED + 1))
    stop_app
  fi
done
[ "$E2E_FAILED" -eq 0 ]
