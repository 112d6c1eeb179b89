#!/usr/bin/env bash
# Server CPU time per request: loads URL with wrk for 8 s and divides the CPU time the process PID used by
# the requests served (user + system, from /proc/PID/stat). Steadier than requests/s on a shared machine,
# because it does not depend on how the cores are split between wrk and the server.
#   bench/cpu-per-request.sh NAME PID URL [wrk options...]
set -euo pipefail
name=$1; pid=$2; url=$3; shift 3
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks)
requests=$(wrk -t2 -c64 -d8s "$@" "$url" | awk '/requests in/ {print $1}')
after=$(ticks)
echo "$name: $requests requests, $(( (after - before) * 1000000 / hz )) us CPU, $(( (after - before) * 1000000000 / hz / requests )) ns per request"
