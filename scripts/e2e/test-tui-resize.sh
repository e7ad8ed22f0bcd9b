#!/usr/bin/env bash
# The layout follows the terminal size: side panes on a wide terminal, stacked panes on a
# narrow one, a request to enlarge when too small.
source "$(dirname "$0")/lib.sh"

make_node
hypha_cli put notes/one "value one"
start_app
check "unlocks" unlock
check "a wide terminal shows the peers pane" wait_for "─ Peers " 5

tm resize-window -t S -x 50 -y 16
check "a narrow terminal stacks entries over the detail" wait_for "─ Detail " 5
check "and hides the side panes" wait_gone "─ Peers " 5
check "the entry is still listed" wait_for "notes/one" 5

tm resize-window -t S -x 30 -y 8
check "too small asks for more room" wait_for "Make the terminal at least" 5

tm resize-window -t S -x 100 -y 30
check "growing again brings the side panes back" wait_for "─ Nodes " 5
check "the hint bar is on the last row" bash -c "tmux -L $E2E_SOCKET capture-pane -p -t S | tail -n 1 | grep -q 'q quit'"
keys q
check "quits with status 0" test "$(wait_dead 10)" = 0
finish
