#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Renders the application icon from its SVG sources into every file the window and the installers
# use, and writes them into icons/ and the app's resources. Run from anywhere; commit the result.
#
#   quantscope.svg        the drawing, rendered for 48 px and up
#   quantscope-small.svg  the same idea with thicker strokes and no grid, rendered for 16 and 32 px
#
# Needs rsvg-convert (Debian: librsvg2-bin) and a JDK (IconFiles.java packs .ico and .icns).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
resources="$here/../src/main/resources/org/quantscope/ui"
command -v rsvg-convert >/dev/null || { echo "make-icons: rsvg-convert is missing (apt-get install librsvg2-bin)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for size in 16 32 48 64 128 256 512 1024; do
  source=quantscope.svg
  [ "$size" -le 32 ] && source=quantscope-small.svg
  rsvg-convert --width "$size" --height "$size" "$here/$source" --output "$work/quantscope-$size.png"
done
java "$here/IconFiles.java" "$work" "$here"
for size in 16 32 48 64 128 256 512; do
  cp "$work/quantscope-$size.png" "$here/quantscope-$size.png"
done
# The window's icons (the stage picks the size that fits each place).
for size in 16 32 48 64 128 256; do
  cp "$work/quantscope-$size.png" "$resources/icon-$size.png"
done
ls -l "$here"/quantscope*.png "$here"/quantscope.ico "$here"/quantscope.icns
