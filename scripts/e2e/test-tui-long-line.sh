#!/usr/bin/env bash
# The editor on a long line: a 100,000-character one-line value (the command line's argument
# limit; values go up to 500 KB) opens at once and takes typing at once (it used to measure
# the whole line for every character: 0.9 s for 1,080 characters, 15 s for 5,000). Long lines
# wrap, and the footer shows the line and column.
source "$(dirname "$0")/lib.sh"

make_node
LONG="$(python3 -c 'print("0123456789" * 9999 + "THE-END-OK", end="")')"
hypha_cli put long "$LONG"
start_app
check "unlocks" unlock
check "the entry is listed" wait_for "long" 10

# elapsed_until TEXT LIMIT_MS: waits for TEXT, passes when it came within LIMIT_MS.
since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
START=$(date +%s%N)
keys e
check "the editor opens" wait_for "Edit 'long'" 30
echo "  opened after $(since "$START") ms"
check "within 3 s (debug build)" test "$(since "$START")" -lt 3000
check "the footer shows line and column" wait_for "Ln 1/1, Col 1" 2
check "the line wraps (its second row shows)" bash -c "tmux -L '$E2E_SOCKET' capture-pane -p -t S | grep -c '0123456789012' | awk '{exit !(\$1 >= 5)}'"
keys C-e
check "End goes to the end of the line, shown wrapped" wait_for "D-OK" 5
check "moving is no change" wait_gone "modified" 2
check "the column is 100,001" wait_for "Col 100001" 2
START=$(date +%s%N)
type_text "+typed"
check "typing at the end shows" wait_for "D-OK+typed" 5
echo "  typed after $(since "$START") ms"
check "within 1 s" test "$(since "$START")" -lt 1000
keys C-a
START=$(date +%s%N)
type_text "start:"
check "typing at the start shows" wait_for "start:0123" 5
echo "  typed after $(since "$START") ms"
check "within 1 s" test "$(since "$START")" -lt 1000
keys C-s
check "it saves" wait_for "Saved 'long'." 10
check "the saved value has both edits" test "$(hypha_cli get long | head -c 10)" = "start:0123"
keys q
check "quits" test "$(wait_dead 10)" = 0
finish
