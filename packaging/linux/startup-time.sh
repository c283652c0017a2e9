#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Time to first window: from starting LAUNCHER until QuantScope's main window is mapped on the X
# display, polled every 20 ms with xdotool. Needs DISPLAY (run it under xvfb-run) and xdotool.
# The app opens its built-in example and closes itself (--exit-after); the first run is a warm-up
# and is not counted. Prints every run and the median in milliseconds.
#
#   xvfb-run -a -s "-screen 0 1600x1000x24" packaging/linux/startup-time.sh /opt/quantscope/bin/QuantScope 7
#
# With STARTUP_TITLE set, it waits instead for the window's title to contain it: the title becomes
# "MODEL - QuantScope" once the model is loaded and its facts are shown, so
#   STARTUP_TITLE="bert_tiny.onnx - QuantScope" packaging/linux/startup-time.sh LAUNCHER 3 .../bert_tiny.onnx
# times the window with the model's facts. The window is mapped, with its title, before its first
# frame is drawn; with STARTUP_FRAME=1 it times instead that first frame with the model (its facts,
# or why it cannot be opened), as the app itself reports it (QUANTSCOPE_STARTUP_TRACE, set to the
# launch's time here).
set -euo pipefail

launcher=${1:?usage: startup-time.sh LAUNCHER [RUNS] [extra launcher args...]}
runs=${2:-7}
shift $(($# < 2 ? $# : 2))
# The stage's X window class is the JavaFX application class (also the desktop file's StartupWMClass).
wm_class=org.quantscope.ui.QuantScopeApp
search=(--onlyvisible --class "$wm_class")
[ -z "${STARTUP_TITLE:-}" ] || search=(--onlyvisible --name "$STARTUP_TITLE")

[ -n "${DISPLAY:-}" ] || { echo "startup-time: DISPLAY is not set (run under xvfb-run)" >&2; exit 2; }
command -v xdotool >/dev/null || { echo "startup-time: xdotool is missing" >&2; exit 2; }

one_frame() {
  local log
  log=$(mktemp)
  QUANTSCOPE_STARTUP_TRACE=$(date +%s%3N) "$launcher" --exit-after 3 "$@" >/dev/null 2>"$log" || {
    echo "startup-time: the app exited with $?" >&2
    rm -f "$log"
    return 1
  }
  sed -n 's/^quantscope: first frame with the model \([0-9]*\) ms.*/\1/p' "$log" | head -n 1 | grep . || {
    echo "startup-time: the app did not report its first frame" >&2
    rm -f "$log"
    return 1
  }
  rm -f "$log"
}

one_run() {
  [ -z "${STARTUP_FRAME:-}" ] || { one_frame "$@"; return; }
  local start now pid
  start=$(date +%s%N)
  "$launcher" --exit-after 3 "$@" >/dev/null 2>&1 &
  pid=$!
  while ! xdotool search "${search[@]}" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "startup-time: the app exited before its window appeared" >&2
      return 1
    fi
    sleep 0.02
  done
  now=$(date +%s%N)
  wait "$pid" || { echo "startup-time: the app exited with $?" >&2; return 1; }
  echo $(((now - start) / 1000000))
}

one_run "$@" >/dev/null # warm-up: page cache, JavaFX's native library cache in ~/.openjfx
times=()
for ((i = 1; i <= runs; i++)); do
  t=$(one_run "$@")
  times+=("$t")
  echo "run $i: $t ms"
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}')
echo "median of $runs: $median ms"
