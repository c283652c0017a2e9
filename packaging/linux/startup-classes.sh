#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Writes src/main/resources/org/quantscope/ui/startup-classes.txt: the classes the window loads
# from its start (QuantScopeApp) until it is first shown (QuantScopeApp$1, the listener added just
# after stage.show()), which QuantScopeApp preloads in a background thread while JavaFX starts.
# The preload is off for this run. Lambdas, proxies and classes of the class-data archive are left out. Needs DISPLAY and a built jar.
#
#   xvfb-run -a -s "-screen 0 1600x1000x24" packaging/linux/startup-classes.sh MODEL.onnx
set -euo pipefail

model=${1:?usage: startup-classes.sh MODEL.onnx}
root=$(cd "$(dirname "$0")/../.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
java -Dquantscope.noPreload=true "-Xlog:class+load:file=$log" -jar "$root/target/quantscope.jar" --exit-after 2 "$model" >/dev/null
out=$root/src/main/resources/org/quantscope/ui/startup-classes.txt
{
  echo "# Classes loaded before the window is first shown (bert_tiny), preloaded by QuantScopeApp while"
  echo "# JavaFX starts. Written by packaging/linux/startup-classes.sh."
  awk '/ org\.quantscope\.ui\.QuantScopeApp source:/ {on = 1; next}
       / org\.quantscope\.ui\.QuantScopeApp\$1 source:/ {exit}
       on && / source: (file:|jrt:)/ && $2 !~ /\$\$Lambda|LambdaForm|\$Proxy/ {print $2}' "$log"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "startup-classes: $(($(wc -l <"$out") - 2)) classes in $out"
