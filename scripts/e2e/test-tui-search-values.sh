#!/usr/bin/env bash
# Search (/) finds keys and values that contain the text, case-insensitively, with progress;
# it used to match key prefixes only. Clearing it keeps the selected entry.
source "$(dirname "$0")/lib.sh"

make_node
python3 - "$E2E_WORK/entries.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(5000):
        value = f"plain value {i}"
        if i in (1234, 2345, 4321):
            value = f"a HayStack with a NeEdLe inside ({i})"
        f.write(json.dumps({"key": f"item/{i:05d}", "value": value}) + "\n")
    f.write(json.dumps({"key": "needle/in/the/key", "value": "nothing here"}) + "\n")
PY
hypha_cli import "$E2E_WORK/entries.jsonl" >/dev/null
start_app
check "unlocks" unlock
check "all entries are listed" wait_for "of 5,001" 20
keys Down Down
check "the third entry is selected" wait_for "3 of 5,001" 5
keys /
type_text "needle"
check "the search finds the three values and the key" wait_for "of 4" 20
check "a value match is listed" wait_for "item/01234" 5
check "the key match is listed" wait_for "needle/in/the" 5
check "plain entries are not" wait_gone "item/00002" 5
keys Enter
check "Enter keeps the search" wait_for "Entries matching" 2
keys Down
check "moving in the matches" wait_for "2 of 4" 5
keys Escape
check "Esc clears it: every entry is back" wait_for "of 5,001" 10
check "with the selected match still selected" wait_for "2,346 of 5,001" 10
keys /
type_text "HAYSTACK"
check "upper case finds the same values" wait_for "of 3" 20
keys Escape
check "Esc while typing clears too" wait_for "of 5,001" 10
keys q
check "quits" test "$(wait_dead 10)" = 0
finish
