#!/usr/bin/env bash
# End-to-end check of the attention bar in a real terminal: runs the dashboard under tmux on
# the demo data (it comes with response targets, so that some of it is breached; a demo seeded
# before it did needs a fresh SWITCHBOARD_DATA_DIR) at 80×24 and 200×50
# and fails unless the bar shows every pile, abbreviated at 80 columns and in full at 200,
# and B lists the breached pile. Writes nothing under docs/ (capture-tui-screens.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "install tmux first: sudo apt-get install tmux" >&2; exit 1; }

node bin/switchboard.mjs services up >/dev/null
node bin/switchboard.mjs migrate >/dev/null
node bin/switchboard.mjs seed-demo >/dev/null

session="sb-check-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
trap cleanup EXIT
failed=0

# screen COLUMNS ROWS KEYS...: the pane's text once the dashboard has drawn its bar.
screen() {
  local cols=$1 rows=$2; shift 2
  cleanup
  tmux new-session -d -s "$session" -x "$cols" -y "$rows" "NCURSES_NO_UTF8_ACS=1 TERM=xterm-256color node bin/switchboard.mjs -p demo tui"
  for _ in $(seq 1 50); do tmux capture-pane -p -t "$session" | grep -q 'pending [0-9]' && break; sleep 0.2; done
  for keys in "$@"; do tmux send-keys -t "$session" "$keys"; sleep 1; done
  tmux capture-pane -p -t "$session"
  tmux send-keys -t "$session" q
  sleep 0.5
}

# expect NAME TEXT PATTERN: grep -E for PATTERN in TEXT, reporting NAME.
expect() {
  if grep -qE -- "$3" <<<"$2"; then echo "ok    $1"; else echo "FAIL  $1 (no /$3/)"; failed=1; fi
}

narrow=$(screen 80 24)
bar=$(sed -n 23p <<<"$narrow")
expect "80x24: the bar is the line above the status bar" "$bar" '^unas(signed|g) [0-9]+ .* · missed [0-9]+ .*breach(ed)? [0-9]+ .*risk [0-9]+.*pend(ing)? [0-9]+'
expect "80x24: breached is not empty" "$bar" 'breach(ed)? [1-9]'
expect "80x24: WAITING and DUE, no DEPT" "$narrow" '^ID +STATUS +WAITING DUE +CONTACT +TITLE'

wide=$(screen 200 50 B)
bar=$(sed -n 49p <<<"$wide")
expect "200x50: the piles in full with their keys" "$bar" '^U open unassigned [0-9]+ \(oldest [0-9]+[dhm][^)]*\)  ·  M missed with email [0-9]+.*  ·  B breached [1-9][0-9]* \(oldest .*  ·  W at risk [0-9]+.*  ·  L pending [0-9]+'
expect "200x50: B lists the breached pile" "$wide" 'breached: oldest first'
expect "200x50: every row listed is overdue" "$(grep -E '^[CT][0-9]+ ' <<<"$wide" | grep -vE ' over ' || true)" '^$'
expect "200x50: DEPT and TAGS" "$wide" '^ID +TYPE +STATUS +WAITING +DUE +PRIO +AGENT +DEPT +TAGS +CONTACT'

exit $failed
