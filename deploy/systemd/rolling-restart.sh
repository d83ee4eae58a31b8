#!/usr/bin/env bash
# Rolling restart of Tickwire processes, one at a time: restart one, wait until a NEW process answers its /health
# (another processId; a process that is not in a cluster has none, then any 200 will do), then the next.
#
#   deploy/systemd/rolling-restart.sh 2567 2568 2569
#   deploy/systemd/rolling-restart.sh --health-url 'https://play.example.com/p{port}/health' 2567 2568 2569
#
# Options ({port} in a value is replaced by the port being restarted):
#   --restart CMD      how to restart one process (default: systemctl restart tickwire@{port}); run with sh -c.
#                      `systemctl restart` returns once the old process drained (SIGTERM, TimeoutStopSec) and
#                      the new one was started.
#   --health-url URL   where it answers (default: http://127.0.0.1:{port}/health, on this machine). Through the
#                      proxy (/p{port}/health), it also checks the proxy reaches it again.
#   --timeout S        how long to wait for each process (default 30); past it, stop with exit 1 and leave the
#                      remaining processes alone.
# Needs curl. Each process drains its own rooms on SIGTERM: their players see the start screen and press Quick
# play, which puts them in a room on a process still running.
set -euo pipefail

restart='systemctl restart tickwire@{port}'
health_url='http://127.0.0.1:{port}/health'
timeout_s=30
ports=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --restart) restart="$2"; shift 2 ;;
    --health-url) health_url="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) ports+=("$1"); shift ;;
  esac
done
if [ "${#ports[@]}" -eq 0 ]; then echo "usage: $0 [options] PORT..." >&2; exit 2; fi

# The processId in a /health answer, or "" (not answering, or not clustered).
process_id() {
  curl -fsS --max-time 2 "$1" 2>/dev/null | sed -n 's/.*"processId":"\([^"]*\)".*/\1/p' || true
}
answers() { curl -fsS --max-time 2 -o /dev/null "$1" 2>/dev/null; }

for port in "${ports[@]}"; do
  url="${health_url//\{port\}/$port}"
  before="$(process_id "$url")"
  started=$(date +%s%N)
  echo "restarting ${port} (processId ${before:-none})"
  sh -c "${restart//\{port\}/$port}"
  deadline=$(( $(date +%s) + timeout_s ))
  while :; do
    if answers "$url"; then
      after="$(process_id "$url")"
      if [ -z "$before" ] || { [ -n "$after" ] && [ "$after" != "$before" ]; }; then break; fi
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "process ${port} did not answer ${url} as a new process within ${timeout_s} s: stopping here" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "process ${port} is back (processId ${after:-none}) after $(( ($(date +%s%N) - started) / 1000000 )) ms"
done
echo "restarted ${#ports[@]} process(es): ${ports[*]}"
