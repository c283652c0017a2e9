#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the QuantScope .deb the way a user would and checks it, then removes it and checks that
# nothing is left behind. Runs as root on Debian/Ubuntu (CI runs it after `./mvnw verify`); it
# installs the tools it needs with apt-get and changes nothing else on the machine for good.
#
#   packaging/test-deb.sh                       build with ./mvnw -Pinstaller package, then test
#   packaging/test-deb.sh target/installer/quantscope_0.1.0-1_amd64.deb    test this package
#
# Checked, in order:
#   - the package: Depends names libgtk-3-0; no other platform's native libraries inside;
#     lintian finds no error but those a jpackage bundle under /opt brings (ALLOWED_LINTIAN);
#     maintainer, homepage and an extended description in the control file
#   - installed: /usr/bin/quantscope a plain link (no alternatives); the copyright file
#     (machine-readable, SPDX licence names), changelog.Debian.gz and the third-party notices;
#     the icon in every hicolor size and the desktop entry naming it; the AppStream metainfo
#     (`appstreamcli validate`); the manual page (`man --warnings`) and bash completion
#   - `apt-get install ./x.deb` works on a machine without desktop menu directories, and again
#     with them (the two ways the package's postinst registers the desktop entry)
#   - `xdg-mime query default application/x-onnx` names our desktop file; .onnx files have that type
#   - `quantscope --version` (on PATH), and with -Xshare:on: the AppCDS archive maps where installed
#   - `quantscope inspect` and `quantscope quantize` on a model file
#   - the window opens the model given as argument (under Xvfb, --exit-after), two models as
#     two windows, and `xdg-open` on a .onnx file starts QuantScope with that file; the window
#     writes its log in the user's state folder
#   - `apt-get remove` removes every file the package installed, the command on PATH and the
#     desktop entry; `apt-get purge` leaves no trace in dpkg
# STARTUP_RUNS=N also measures the time to the first window (packaging/linux/startup-time.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

pkg=quantscope
mime=application/x-onnx
desktop=quantscope-quantscope.desktop
app=/opt/quantscope
export DEBIAN_FRONTEND=noninteractive

fail() {
  echo "test-deb: FAILED: $*" >&2
  exit 1
}
step() { echo "test-deb: $*"; }

[ "$(id -u)" -eq 0 ] || fail "run as root (it installs a package)"

# What the test (and jpackage, if it builds) needs.
need=()
# libfile-mimeinfo-perl: xdg-mime and xdg-open outside a desktop session tell a file's type with
# its `mimetype` (from the shared MIME database, as a desktop's file manager does); without it
# they fall back to `file`, which knows no .onnx.
# lintian, appstream, man-db and bash-completion check the package and what it installs.
for p in xvfb xauth xdotool xdg-utils desktop-file-utils shared-mime-info libfile-mimeinfo-perl \
  libgtk-3-0 fakeroot dpkg-dev binutils lintian appstream man-db groff-base bash-completion; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  step "installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

deb=${1:-}
if [ -z "$deb" ]; then
  step "building the installer: ./mvnw -B -ntp -Pinstaller package -DskipTests"
  ./mvnw -B -ntp -q -Pinstaller package -DskipTests
  deb=$(ls -t target/installer/${pkg}_*.deb | head -n 1)
fi
[ -f "$deb" ] || fail "no package at '$deb'"
deb=$(realpath "$deb")

work=$(mktemp -d)
created_menus=
cleanup() {
  rm -rf "$work"
  if [ -n "$created_menus" ]; then
    rmdir /etc/xdg/menus/applications-merged 2>/dev/null || true
    rmdir /etc/xdg/menus 2>/dev/null || true
  fi
}
trap cleanup EXIT

# --- the package itself -----------------------------------------------------------------------
size=$(stat -c %s "$deb")
installed_kb=$(dpkg-deb -f "$deb" Installed-Size)
step "package $(basename "$deb"): $((size / 1024 / 1024)) MiB ($size bytes), installed size $((installed_kb / 1024)) MiB"
dpkg-deb -f "$deb" Depends | tr ',' '\n' | grep -qx ' *libgtk-3-0 *' || fail "Depends lacks libgtk-3-0"
if dpkg-deb -c "$deb" | grep -E '/(win|osx)-|linux-aarch64|\.dll$|\.dylib$|\.jnilib$'; then
  fail "the package holds other platforms' native libraries (listed above)"
fi

# What lintian says of any bundle jpackage makes: an app under /opt with its own runtime and
# native libraries (as shipped by OpenJDK, OpenJFX and ONNX Runtime: unstripped, one with libjpeg
# inside, one with a build-time RUNPATH) and its jars beside them. Every other error fails.
ALLOWED_LINTIAN='dir-or-file-in-opt|unstripped-binary-or-object|embedded-library|custom-library-search-path|jar-not-in-usr-share|codeless-jar'
step "lintian (takes a minute)"
lintian --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 || true
grep -E '^[EW]: ' "$work/lintian.txt" | cut -d' ' -f3 | sort | uniq -c | sed 's/^/test-deb:   /'
if grep -E '^E: ' "$work/lintian.txt" | grep -vE "^E: $pkg: ($ALLOWED_LINTIAN) "; then
  fail "lintian reports the errors above"
fi
if grep -E '^W: ' "$work/lintian.txt" | grep -vE "^W: $pkg: ($ALLOWED_LINTIAN) "; then
  fail "lintian warns about the above"
fi
control() { dpkg-deb -f "$deb" "$1"; }
[ "$(control Maintainer)" = "QuantScope developers <quantscope@users.noreply.github.com>" ] ||
  fail "Maintainer is '$(control Maintainer)'"
[ -n "$(control Homepage)" ] || fail "no Homepage"
[ "$(dpkg-deb -f "$deb" Description | wc -l)" -ge 5 ] || fail "the extended description is missing"

# --- install, check, remove ---------------------------------------------------------------------
window_opens() { # MODEL ARGS...: starts the app under Xvfb and checks the window title names MODEL
  local model=$1
  shift
  xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
    set -u
    "$@" >"'"$work"'/window.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      id=$(xdotool search --onlyvisible --class org.quantscope.ui.QuantScopeApp 2>/dev/null | head -n 1)
      [ -n "$id" ] && title=$(xdotool getwindowname "$id") && [[ "$title" == *"'"$model"'"* ]] && break
      kill -0 "$pid" 2>/dev/null || { echo "the app exited before showing the model"; exit 1; }
      sleep 0.1
    done
    echo "window: ${title:-none}"
    [[ "${title:-}" == *"'"$model"'"* ]] || { kill "$pid"; exit 1; }
    wait "$pid"
  ' window "$@" || { cat "$work/window.log" >&2; return 1; }
}

check_installed() {
  step "xdg-mime: $(xdg-mime query default $mime)"
  [ "$(xdg-mime query default $mime)" = "$desktop" ] || fail "xdg-mime query default $mime does not name $desktop"
  [ -x /usr/bin/quantscope ] || fail "quantscope is not on PATH"

  /usr/bin/quantscope --version >"$work/version.txt" || fail "quantscope --version failed"
  grep -q '^QuantScope ' "$work/version.txt" || fail "unexpected --version output: $(cat "$work/version.txt")"
  step "$(head -n 1 "$work/version.txt")"
  # The JVM refuses to start with -Xshare:on when it cannot map the app's class-data archive.
  JAVA_TOOL_OPTIONS=-Xshare:on /usr/bin/quantscope --version >/dev/null 2>"$work/cds.txt" ||
    fail "the AppCDS archive does not map in $app: $(cat "$work/cds.txt")"
  # The desktop entry's launcher: the window's JVM options (C1 only), the same archive.
  grep -qx "Exec=$app/bin/quantscope-window %F" "$app/lib/$desktop" ||
    fail "the desktop entry does not start $app/bin/quantscope-window"
  grep -qx 'java-options=-XX:TieredStopAtLevel=1' "$app/lib/app/quantscope-window.cfg" ||
    fail "the window's launcher does not run C1 only"
  ! grep -q 'TieredStopAtLevel' "$app/lib/app/quantscope.cfg" ||
    fail "the command line's launcher runs C1 only"
  JAVA_TOOL_OPTIONS=-Xshare:on "$app/bin/quantscope-window" --version >/dev/null 2>"$work/cds.txt" ||
    fail "the window's launcher does not map the AppCDS archive: $(cat "$work/cds.txt")"
  [ "$(ls "$app"/lib/*.desktop | wc -l)" = 1 ] || fail "more than one desktop entry: $(ls "$app"/lib/*.desktop)"

  # A model file, written with the installed app's own classes.
  java -cp "$app/lib/app/quantscope.jar:$app/lib/app/lib/*" packaging/linux/WriteExampleModel.java \
    "$work/example.onnx"
  grep -q ":$mime:\*\.onnx\$" /usr/share/mime/globs2 || fail "*.onnx is not in the shared MIME database"
  [ "$(xdg-mime query filetype "$work/example.onnx")" = "$mime" ] ||
    fail ".onnx files are not $mime: $(xdg-mime query filetype "$work/example.onnx")"

  # the package's own files beside the app under /opt
  [ -L /usr/bin/quantscope ] && [ "$(readlink /usr/bin/quantscope)" = "$app/bin/quantscope" ] ||
    fail "/usr/bin/quantscope is not a link to $app/bin/quantscope"
  [ "$(dpkg -S /usr/bin/quantscope | cut -d: -f1)" = "$pkg" ] || fail "/usr/bin/quantscope is not the package's"
  if update-alternatives --list quantscope >/dev/null 2>&1; then fail "quantscope is still an alternative"; fi
  doc=/usr/share/doc/$pkg
  head -n 1 "$doc/copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
    fail "the copyright file is not machine-readable"
  for lic in Apache-2.0 MIT EPL-2.0 LGPL-2.1-or-later BSD-3-Clause 'GPL-2.0-only WITH Classpath-exception-2.0'; do
    grep -q "^License: $lic\$" "$doc/copyright" || fail "the copyright file has no License: $lic"
  done
  zcat "$doc/changelog.Debian.gz" | head -n 1 | grep -q "^$pkg (" || fail "no changelog.Debian.gz"
  for c in 'OpenJFX' 'ONNX Runtime' 'Eclipse Layout Kernel' 'Eclipse Modeling Framework' JFreeChart \
    'Apache PDFBox' ControlsFX 'Protocol Buffers' Jackson picocli 'Java runtime'; do
    grep -q "$c" "$doc/THIRD-PARTY-NOTICES.txt" || fail "the third-party notices lack $c"
  done
  for px in 16 32 48 64 128 256 512; do
    [ -s "/usr/share/icons/hicolor/${px}x${px}/apps/quantscope.png" ] || fail "no ${px}px icon in hicolor"
  done
  [ -s /usr/share/icons/hicolor/scalable/apps/quantscope.svg ] || fail "no scalable icon in hicolor"
  grep -qx 'Icon=quantscope' "$app/lib/$desktop" || fail "the desktop entry does not name the icon quantscope"
  desktop-file-validate "$app/lib/$desktop" || fail "desktop-file-validate: $app/lib/$desktop"
  appstreamcli validate --no-net /usr/share/metainfo/org.quantscope.QuantScope.metainfo.xml ||
    fail "appstreamcli validate failed"
  MANWIDTH=100 man --warnings -l /usr/share/man/man1/quantscope.1.gz >"$work/man.txt" 2>"$work/man.err" ||
    fail "man cannot show the manual page: $(cat "$work/man.err")"
  [ ! -s "$work/man.err" ] || fail "the manual page has warnings: $(head -n 5 "$work/man.err")"
  grep -q 'auto-exclude' "$work/man.txt" || fail "the manual page lacks the verbs' options"
  completions=$(bash -c 'source /usr/share/bash-completion/completions/quantscope
    COMP_WORDS=(quantscope ins); COMP_CWORD=1; COMP_LINE="quantscope ins"; COMP_POINT=${#COMP_LINE}
    _complete_quantscope quantscope ins quantscope 2>/dev/null; printf "%s\n" "${COMPREPLY[@]}"')
  [ "$completions" = inspect ] || fail "bash completion of 'quantscope ins' gave '$completions'"
  step "package files: link, copyright, changelog, notices, icons, metainfo, man page, completion ok"

  quantscope inspect "$work/example.onnx" --json - >"$work/inspect.json" || fail "inspect --json - failed"
  head -n 2 "$work/inspect.json" | grep -q '"schema_version" : 1' || fail "inspect --json - does not start with schema_version"
  quantscope inspect "$work/example.onnx" >"$work/inspect.txt" || fail "quantscope inspect failed"
  grep -q 'Quantizable nodes' "$work/inspect.txt" || fail "inspect printed no verdicts"
  quantscope quantize "$work/example.onnx" -o "$work/example.int8.onnx" >"$work/quantize.txt" ||
    fail "quantscope quantize failed"
  [ -s "$work/example.int8.onnx" ] || fail "quantize wrote no model"
  step "CLI: inspect and quantize ok ($(tail -n 1 "$work/quantize.txt"))"

  local log=${XDG_STATE_HOME:-$HOME/.local/state}/quantscope/quantscope.0.log
  rm -f "$log"
  window_opens example.onnx quantscope --exit-after 3 "$work/example.onnx" || fail "the window did not open the model"
  grep -q 'QuantScope .* started' "$log" || fail "the window wrote no log to $log"
  # two files at once, as a file manager passes them (%F): a window each
  cp "$work/example.onnx" "$work/second.onnx"
  xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
    quantscope --exit-after 8 "'"$work"'/example.onnx" "'"$work"'/second.onnx" >"'"$work"'/two.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      titles=$(for id in $(xdotool search --onlyvisible --class org.quantscope.ui.QuantScopeApp 2>/dev/null); do
        xdotool getwindowname "$id"; done | sort | tr "\n" " ")
      [[ "$titles" == *example.onnx*second.onnx* ]] && break
      sleep 0.1
    done
    echo "windows: ${titles:-none}"
    wait "$pid"
    [[ "$titles" == *example.onnx*second.onnx* ]]
  ' || { cat "$work/two.log" >&2; fail "two models did not open two windows"; }
  # Double-click: xdg-open runs the desktop entry's Exec line with the file (%F). It waits for
  # the app, which has no --exit-after here: the window is closed by ending its process group.
  xvfb-run -a -s "-screen 0 1600x1000x24" bash -c '
    cp "'"$work"'/example.onnx" "'"$work"'/clicked.onnx"
    setsid xdg-open "'"$work"'/clicked.onnx" >"'"$work"'/open.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      id=$(xdotool search --onlyvisible --class org.quantscope.ui.QuantScopeApp 2>/dev/null | head -n 1)
      [ -n "$id" ] && title=$(xdotool getwindowname "$id") && [[ "$title" == *clicked.onnx* ]] && break
      sleep 0.1
    done
    kill -- -"$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo "xdg-open: ${title:-no window}"
    [[ "${title:-}" == *clicked.onnx* ]]
  ' || { cat "$work/open.log" >&2; fail "xdg-open did not open the model in QuantScope"; }

  if [ "${STARTUP_RUNS:-0}" -gt 0 ]; then
    xvfb-run -a -s "-screen 0 1600x1000x24" packaging/linux/startup-time.sh /usr/bin/quantscope "$STARTUP_RUNS"
  fi
}

check_removed() {
  local left=()
  while read -r f; do
    if [ -f "$f" ] || [ -L "$f" ]; then left+=("$f"); fi
  done <"$work/files.txt"
  [ "${#left[@]}" -eq 0 ] || fail "apt-get remove left files: ${left[*]:0:5}"
  [ ! -e "$app" ] || fail "$app is still there: $(find "$app" | head -n 5)"
  [ ! -e /usr/bin/quantscope ] || fail "/usr/bin/quantscope is still there"
  [ ! -e "/usr/share/applications/$desktop" ] || fail "the desktop entry is still there"
  [ "$(xdg-mime query default $mime)" != "$desktop" ] || fail "$mime still opens with $desktop"
}

install_check_remove() { # LABEL
  if dpkg -s "$pkg" >/dev/null 2>&1; then apt-get purge -y -qq "$pkg" >/dev/null; fi
  step "$1: apt-get install $(basename "$deb")"
  apt-get install -y -qq "$deb" >"$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "apt-get install failed"; }
  dpkg -L "$pkg" >"$work/files.txt"
  check_installed
  step "$1: apt-get remove, purge"
  apt-get remove -y -qq "$pkg" >/dev/null
  check_removed
  # without conffiles or a postrm (the no-op one is left out), remove leaves nothing to purge
  if dpkg -s "$pkg" >/dev/null 2>&1; then apt-get purge -y -qq "$pkg" >/dev/null; fi
  if dpkg -s "$pkg" >/dev/null 2>&1; then fail "dpkg still knows $pkg after purge"; fi
}

# 1. As on a server or in a container: no desktop menu directory (jpackage's own postinst fails
#    there). Skipped where the machine has one and the test must not take it away.
if [ ! -e /etc/xdg/menus ]; then
  install_check_remove "no menu directory"
fi
# 2. As on a desktop: the menu directory exists (created for the test when missing).
if [ ! -e /etc/xdg/menus ]; then
  mkdir -p /etc/xdg/menus
  created_menus=yes
fi
install_check_remove "with menu directory"

echo "test-deb: 1 passed, 0 failed ($(basename "$deb"), $((size / 1024 / 1024)) MiB, installed $((installed_kb / 1024)) MiB)"
