#!/usr/bin/env bash
# The peers pane shows a configured peer that cannot be reached: its address, "retrying in
# N s" and the last error (it used to say "No peers connected." while it retried), and a
# connected peer with its name, state, direction and transport.
source "$(dirname "$0")/lib.sh"

make_node
DEAD=$(free_port)
start_app_session S "$NODE_DIR" --peer "127.0.0.1:$DEAD"
check "unlocks" unlock
check "the dead peer is listed" wait_for "127.0.0.1:$DEAD" 15
check "it is being retried with a countdown" wait_for "retrying in" 15
keys Tab Tab
check "focused, the peers pane widens" wait_for "Tab pane" 2
check "with the last error" wait_for "refused" 5
check "and its direction and transport" wait_for "out tcp" 2
check "no 'No peers connected.'" wait_gone "No peers" 2
keys q
finish
