#!/usr/bin/env bash
# With HYPHA_LOCK_AFTER_SECONDS=2 the app locks by itself: keys wiped, values gone, unlock
# screen back.
source "$(dirname "$0")/lib.sh"

make_node
hypha_cli put secret/plan "under the oak"
start_app HYPHA_LOCK_AFTER_SECONDS=2
check "unlocks" unlock
check "shows the value" wait_for "under the oak" 5
check "locks by itself" wait_for "Locked after 2 seconds without a key press." 10
check "no value stays on screen" wait_gone "under the oak" 2
check "unlocks again" unlock
check "and shows the value again" wait_for "under the oak" 5
keys q
check "quits with status 0" test "$(wait_dead 10)" = 0
finish
