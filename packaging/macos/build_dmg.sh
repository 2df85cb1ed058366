#!/usr/bin/env bash
# Build "Lever Desktop.app" and a .dmg, smoke-test the app inside the mounted .dmg,
# and sign and notarise when the environment asks for it.
#
#   packaging/macos/build_dmg.sh            (PYTHON=path/to/python to pick the interpreter)
#
# Output: dist/lever-desktop-<version>-macos-<arch>.dmg (arm64 or x86_64: build on each).
#
# Signing and notarisation (each step is skipped, with a message, when its variables are unset):
#   MACOS_SIGN_IDENTITY   "Developer ID Application: Name (TEAMID)" in the login keychain.
#                         build_spec.spec passes it to PyInstaller, which signs every binary
#                         and then the .app with the hardened runtime, a secure timestamp and
#                         packaging/macos/entitlements.plist; this script signs the .dmg.
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD (an app-specific password)
#                         `xcrun notarytool submit --wait` sends the signed .dmg to Apple,
#                         then `xcrun stapler staple` attaches the ticket so Gatekeeper can
#                         check it offline. Notarisation needs a signed app.
# Check a release by hand: spctl --assess --type open --context context:primary-signature -v <dmg>
set -euo pipefail
cd "$(dirname "$0")/../.."

PYTHON=${PYTHON:-python3}
VERSION=$("$PYTHON" -c 'import sys; sys.path.insert(0, "packaging"); import app_metadata; print(app_metadata.package_info()["__version__"])')
APP="dist/Lever Desktop.app"
DMG="dist/lever-desktop-${VERSION}-macos-$(uname -m).dmg"

echo "== PyInstaller (signing identity: ${MACOS_SIGN_IDENTITY:-none, ad-hoc})"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN build_spec.spec
"$PYTHON" packaging/smoke_test.py "$APP" --expect-version "$VERSION"

echo "== $DMG"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"   # drag-to-install
rm -f "$DMG"
# ULFO (lzfse): smaller and faster to open than UDZO; readable since macOS 10.11.
hdiutil create -quiet -volname "Lever Desktop" -srcfolder "$STAGE" -fs HFS+ -format ULFO -ov "$DMG"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
  codesign --verify --deep --strict --verbose=2 "$APP"
else
  echo "signing skipped (MACOS_SIGN_IDENTITY unset): Gatekeeper will block the app on other Macs"
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$DMG"
else
  echo "notarisation skipped (needs MACOS_SIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD)"
fi

# Smoke-test the artifact users download: the app inside the mounted image.
MOUNT=$(mktemp -d)
hdiutil attach -quiet -nobrowse -readonly -mountpoint "$MOUNT" "$DMG"
status=0
"$PYTHON" packaging/smoke_test.py "$MOUNT/Lever Desktop.app" --expect-version "$VERSION" || status=$?
hdiutil detach -quiet "$MOUNT" || hdiutil detach -force "$MOUNT"
ls -l "$DMG"
exit $status
