#!/usr/bin/env bash
# Package the PyInstaller bundle (dist/lever-desktop) as a .tar.gz and a .deb in dist/.
#
#   pyinstaller --noconfirm build_spec.spec && packaging/linux/build.sh     (or: make dist)
#   DEB_COMPRESSION=xz packaging/linux/build.sh                              (smaller, slower)
#
# The .deb installs the bundle under /opt/lever-desktop, puts `lever-desktop` on
# PATH through a /usr/bin symlink (the bootloader finds _internal/ through
# /proc/self/exe, so a symlink is enough), and adds the desktop entry and the
# hicolor icons. It has no maintainer scripts: dpkg's triggers refresh the menu
# and icon caches, and an upgrade removes files the new version no longer ships.
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
BUNDLE=dist/lever-desktop
[ -x "$BUNDLE/lever-desktop" ] || { echo "no bundle at $BUNDLE: run pyinstaller build_spec.spec first" >&2; exit 1; }

VERSION=$("$PYTHON" -c 'import sys; sys.path.insert(0, "packaging"); import app_metadata; print(app_metadata.package_info()["__version__"])')
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)
DEB=dist/lever-desktop_${VERSION}_${ARCH}.deb
TARBALL=dist/lever-desktop-${VERSION}-linux-${ARCH}.tar.gz
# Reproducible archive timestamps: the last commit, unless the caller sets one.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

# Old versions' installers would make "the .deb in dist/" ambiguous.
rm -f dist/lever-desktop_*.deb dist/lever-desktop-*-linux-*.tar.gz

echo "== $TARBALL"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C dist -czf "$TARBALL" lever-desktop

echo "== $DEB"
STAGE=build/deb/lever-desktop
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications"
cp -a "$BUNDLE" "$STAGE/opt/lever-desktop"
ln -s /opt/lever-desktop/lever-desktop "$STAGE/usr/bin/lever-desktop"
install -m 0644 resources/linux/lever-desktop.desktop "$STAGE/usr/share/applications/lever-desktop.desktop"
for size in 16 32 64 128 256; do
  install -D -m 0644 "resources/icons/lever-desktop-$size.png" \
    "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/lever-desktop.png"
done
install -D -m 0644 resources/icons/lever-desktop.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/lever-desktop.svg"
# Files readable by all, programs and directories executable, nothing writable but by root.
find "$STAGE" -type d -exec chmod 0755 {} +
find "$STAGE" -type f ! -perm -u+x -exec chmod 0644 {} +
find "$STAGE" -type f -perm -u+x -exec chmod 0755 {} +

# What the bundle deliberately leaves to the system: libc and the C++ runtime (at
# least the build machine's: build on the oldest distribution you support), OpenGL/EGL, the X11
# connection (PyInstaller never bundles these), and the xcb helpers Qt's X11
# platform plugin links against when the build machine lacked them.
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: lever-desktop
Version: $VERSION
Architecture: $ARCH
Maintainer: Lever Desktop <support@lever-desktop.invalid>
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: libc6 (>= $(getconf GNU_LIBC_VERSION | cut -d' ' -f2)), libstdc++6, libgcc-s1, libgl1, libegl1, libxcb1, libxcb-icccm4, libxcb-keysyms1, libxkbcommon-x11-0, libfontconfig1, libdbus-1-3
Recommends: gnome-keyring | kwalletmanager | keepassxc
Section: misc
Priority: optional
Homepage: https://github.com/lever-desktop/lever-desktop
Description: Review AI-drafted interview feedback and submit it to Lever
 Lever Desktop is where a recruiter or interviewer reviews interview feedback
 drafted by an AI pipeline, in Lever's own feedback form, edits and approves
 it, and submits it to Lever on behalf of the interviewer, exactly once.
 The API key is kept in the desktop keyring (Secret Service).
CONTROL

# gzip by default: 60 MB in a few seconds; xz makes 46 MB but takes a minute or more
# (single-threaded), so release builds opt in (DEB_COMPRESSION=xz in the GitHub workflow).
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-gzip}" --build "$STAGE" "$DEB" >/dev/null
ls -l "$TARBALL" "$DEB"
