#!/usr/bin/env bash
# Makes the README screenshots from the real app: each scene drives `hypha` in a private
# tmux server (the e2e harness), captures the pane with its colours (capture-pane -e) and
# renders it to screenshots/<scene>.png with scripts/ansi2png.py (pyte + Pillow).
#
#   scripts/screenshots.sh            every scene that this build can show
#   scripts/screenshots.sh main       only the named scenes
#
# Scenes that need two nodes talking (conflict, authorise, peers) are listed in NETWORK_SCENES
# and skipped until the node runtime (NodeBackend with networking) is in the build: add their
# steps in the scene_* functions below.
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

# Need the network runtime (two nodes): see the header.
NETWORK_SCENES="conflict authorise peers"
scene_conflict() { echo "skipped conflict: two writers need the network runtime"; }
scene_authorise() { echo "skipped authorise: an authorisation request needs the network runtime"; }
scene_peers() { echo "skipped peers: connected peers need the network runtime"; }

scenes=${*:-"welcome unlock main $NETWORK_SCENES"}
for scene in $scenes; do
  if ! "scene_$scene"; then
    echo "scene $scene failed"
    E2E_FAILED=$((E2E_FAILED + 1))
    stop_app
  fi
done
[ "$E2E_FAILED" -eq 0 ]
