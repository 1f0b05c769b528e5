#!/usr/bin/env bash
# Runs the dashboard under tmux on the demo data and saves the text of its screens at 80×24
# and 200×50 into docs/ (the README shows one): the attention ones list the breached pile (B).
# Needs tmux (installed with apt-get when root).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y --no-install-recommends tmux >/dev/null; } || { echo "install tmux first: sudo apt-get install tmux" >&2; exit 1; }

node bin/switchboard.mjs services up >/dev/null
node bin/switchboard.mjs migrate >/dev/null
# The demo property comes with business hours and response targets (core/demo/seed-demo.ts):
# some items are breached, one is at risk. Run on a fresh SWITCHBOARD_DATA_DIR for the screens
# in docs/, so that the demo is seeded as it is today.
node bin/switchboard.mjs seed-demo >/dev/null

capture() { # capture COLUMNS ROWS NAME KEYS...
  local cols=$1 rows=$2 name=$3; shift 3
  local session="sb-capture-$$"
  tmux kill-session -t "$session" 2>/dev/null || true
  tmux new-session -d -s "$session" -x "$cols" -y "$rows" \
    "NCURSES_NO_UTF8_ACS=1 TERM=xterm-256color node bin/switchboard.mjs -p demo tui"
  # Until the first refresh has drawn the attention bar (a loaded machine can take seconds).
  for _ in $(seq 1 100); do tmux capture-pane -p -t "$session" | grep -qE 'pend(ing)? [0-9]|p [0-9]' && break; sleep 0.2; done
  sleep 1
  for keys in "$@"; do tmux send-keys -t "$session" "$keys"; sleep 2; done
  tmux capture-pane -p -t "$session" > "docs/tui-$name.txt"
  tmux send-keys -t "$session" q
  sleep 1
  tmux kill-session -t "$session" 2>/dev/null || true
  echo "saved docs/tui-$name.txt"
}

capture 80 24 inbox-80x24
capture 200 50 inbox-200x50
capture 200 50 detail-200x50 s Enter
capture 200 50 queues-200x50 2
capture 80 24 attention-80x24
capture 200 50 attention-200x50 B
capture 80 24 agents-80x24 4
capture 200 50 reports-200x50 5
capture 80 24 reports-80x24 5
