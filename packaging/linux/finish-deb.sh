#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Completes the .deb that jpackage wrote, so that it installs like a Debian package: jpackage
# only knows /opt. Called by packaging/installer.xml after `jpackage --type deb`:
#
#   packaging/linux/finish-deb.sh DEB SHELL_FILES_DIR
#
# It unpacks DEB, adds
#   /usr/bin/quantscope                          a symbolic link to the launcher (no alternatives)
#   /usr/share/doc/quantscope/copyright          machine-readable, SPDX licence names
#   /usr/share/doc/quantscope/changelog.Debian.gz
#   /usr/share/doc/quantscope/THIRD-PARTY-NOTICES.txt, README.md
#   /usr/share/icons/hicolor/*/apps/quantscope.{png,svg}    the icon by name, every size
#   /usr/share/metainfo/org.quantscope.QuantScope.metainfo.xml   AppStream
#   /usr/share/bash-completion/completions/quantscope, /usr/share/man/man1/quantscope.1.gz
#   /usr/share/lintian/overrides/quantscope      what lintian asks of uploads to Debian only
# writes the control file's maintainer, homepage, section and extended description, the
# md5sums, removes the menu entry jpackage gives the window's launcher (the package's own entry
# starts that launcher), and packs it again (owned by root, xz).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
deb=$(realpath "$1")
shell_files=$(realpath "$2")
pkg=quantscope

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/pkg"
p=$work/pkg

# jpackage's launcher library is loaded, never run
chmod 644 "$p/opt/quantscope/lib/libapplauncher.so"

# the window's launcher (bin/quantscope-window, which the desktop entry starts) is no menu entry of
# its own: Java 17's jpackage gives every launcher one, and its install and removal commands
rm -f "$p/opt/quantscope/lib/quantscope-quantscope-window.desktop" "$p/opt/quantscope/lib/quantscope-window.png"
sed -i '/quantscope-quantscope-window\.desktop/d' "$p/DEBIAN/postinst" "$p/DEBIAN/prerm"

# the command on PATH: a plain link, owned by the package (no update-alternatives)
install -d -m 755 "$p/usr/bin"
ln -sf /opt/quantscope/bin/quantscope "$p/usr/bin/quantscope"

# documentation
doc=$p/usr/share/doc/$pkg
install -d -m 755 "$doc"
install -m 644 "$here/copyright" "$doc/copyright"
gzip -9n <"$here/changelog" >"$doc/changelog.Debian.gz"
chmod 644 "$doc/changelog.Debian.gz"
install -m 644 "$root/src/main/resources/org/quantscope/THIRD-PARTY-NOTICES.txt" "$doc/THIRD-PARTY-NOTICES.txt"
install -m 644 "$root/README.md" "$doc/README.md"

# icons by name from the hicolor theme
for size in 16 32 48 64 128 256 512; do
  install -d -m 755 "$p/usr/share/icons/hicolor/${size}x${size}/apps"
  install -m 644 "$root/icons/quantscope-$size.png" "$p/usr/share/icons/hicolor/${size}x${size}/apps/quantscope.png"
done
install -d -m 755 "$p/usr/share/icons/hicolor/scalable/apps"
install -m 644 "$root/icons/quantscope.svg" "$p/usr/share/icons/hicolor/scalable/apps/quantscope.svg"

# AppStream
install -d -m 755 "$p/usr/share/metainfo"
install -m 644 "$here/org.quantscope.QuantScope.metainfo.xml" "$p/usr/share/metainfo/"

# shell completion and the manual page, generated from the command line's annotations
install -d -m 755 "$p/usr/share/bash-completion/completions" "$p/usr/share/man/man1"
# (a completion script is sourced, not run: no #! line)
sed '1{/^#!/d}' "$shell_files/quantscope.bash" >"$p/usr/share/bash-completion/completions/quantscope"
chmod 644 "$p/usr/share/bash-completion/completions/quantscope"
gzip -9n <"$shell_files/quantscope.1" >"$p/usr/share/man/man1/quantscope.1.gz"
chmod 644 "$p/usr/share/man/man1/quantscope.1.gz"

# lintian: this package is not uploaded to Debian, so its first changelog entry closes no ITP bug
install -d -m 755 "$p/usr/share/lintian/overrides"
install -m 644 "$here/lintian-overrides" "$p/usr/share/lintian/overrides/$pkg"

# jpackage's preinst and postrm templates do nothing: leave them out
for script in preinst postrm; do
  f=$p/DEBIAN/$script
  [ -f "$f" ] || continue
  if ! grep -vE '^[[:space:]]*(#.*)?$|^set -e$|^case |^esac$|;;$|^[[:space:]]*[a-z|*-]+\)$|unknown argument|^[[:space:]]*exit [01]$' "$f" >/dev/null; then
    rm "$f"
  fi
done

# the control file: what jpackage cannot say
control=$p/DEBIAN/control
version=$(sed -n 's/^Version: //p' "$control")
arch=$(sed -n 's/^Architecture: //p' "$control")
depends=$(sed -n 's/^Depends: //p' "$control")
size=$(du -sk --exclude=DEBIAN "$p" | cut -f1)
cat >"$control" <<CONTROL
Package: $pkg
Version: $version
Section: science
Priority: optional
Architecture: $arch
Maintainer: QuantScope developers <quantscope@users.noreply.github.com>
Installed-Size: $size
Depends: $depends
Homepage: https://github.com/quantscope/quantscope
Description: inspector and command line for INT8 quantization of ONNX models
 QuantScope opens an ONNX model and shows which nodes ONNX Runtime's dynamic
 quantization would quantize, and for every node it would not, the reason.
 .
 The same engine runs in the window and on the command line: quantize (byte
 for byte what ONNX Runtime's quantize_dynamic writes), check the parity of
 the INT8 model against the float one, benchmark both, find the nodes that
 break parity, and write PDF, PNG and JSON reports for continuous
 integration.
 .
 The package brings its own Java runtime, JavaFX and ONNX Runtime under
 /opt/quantscope.
CONTROL

# md5sums of every file the package installs
(cd "$p" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) >"$p/DEBIAN/md5sums"
chmod 644 "$p/DEBIAN/md5sums"
chmod 755 "$p/DEBIAN"

out=$work/out.deb
dpkg-deb --root-owner-group -Zxz -b "$p" "$out" >/dev/null
mv "$out" "$deb"
echo "finish-deb: $(basename "$deb") completed"
