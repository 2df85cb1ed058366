# Build the Windows installer and smoke-test both the bundle and an installed copy.
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Python path\to\python.exe]
#
# Needs: Python 3.11-3.13 with `pip install -e .[dist]`, Inno Setup 6 (iscc.exe on
# PATH or in its default folder). Output: dist\lever-desktop-<version>-windows-x64-setup.exe
#
# Code signing is optional and driven by the environment (skipped when unset):
#   WINDOWS_CERTIFICATE_PFX       path to the code-signing certificate (.pfx)
#   WINDOWS_CERTIFICATE_PASSWORD  its password
#   WINDOWS_TIMESTAMP_URL         RFC 3161 timestamp server (default: DigiCert's)
# signtool.exe (Windows SDK) must then be on PATH. The executables are signed before
# they are packed, and the setup program after.
param([string]$Python = "python")
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe $($arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Invoke-Sign([string[]]$files) {
    if (-not $env:WINDOWS_CERTIFICATE_PFX) { Write-Host "signing skipped (WINDOWS_CERTIFICATE_PFX unset)"; return }
    $timestamp = if ($env:WINDOWS_TIMESTAMP_URL) { $env:WINDOWS_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
    Invoke-Checked "signtool" (@("sign", "/f", $env:WINDOWS_CERTIFICATE_PFX, "/p", $env:WINDOWS_CERTIFICATE_PASSWORD,
        "/fd", "sha256", "/tr", $timestamp, "/td", "sha256") + $files)
}

$version = & $Python -c "import sys; sys.path.insert(0, 'packaging'); import app_metadata; print(app_metadata.package_info()['__version__'])"
if ($LASTEXITCODE -ne 0) { throw "could not read the version" }
Write-Host "== Lever Desktop $version"

Invoke-Checked $Python @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN", "build_spec.spec")
Invoke-Checked $Python @("packaging\smoke_test.py", "dist\lever-desktop", "--expect-version", $version)
Invoke-Sign @("dist\lever-desktop\lever-desktop.exe", "dist\lever-desktop\lever-desktop-console.exe")

$iscc = Get-Command "iscc.exe" -ErrorAction SilentlyContinue
$isccPath = if ($iscc) { $iscc.Source } else { Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
Invoke-Checked $isccPath @("/Q", "/DAppVersion=$version", "packaging\windows\lever-desktop.iss")
$setup = "dist\lever-desktop-$version-windows-x64-setup.exe"
Invoke-Sign @($setup)

# Install silently for the current user into a temporary folder, smoke-test what
# got installed, then uninstall: this is the artifact users download.
$target = Join-Path ([System.IO.Path]::GetTempPath()) ("lever-desktop-install-" + [guid]::NewGuid())
$install = Start-Process -FilePath $setup -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER", "/DIR=`"$target`"")
if ($install.ExitCode -ne 0) { throw "the installer failed with exit code $($install.ExitCode)" }
try {
    Invoke-Checked $Python @("packaging\smoke_test.py", $target, "--expect-version", $version)
} finally {
    $uninstall = Start-Process -FilePath (Join-Path $target "unins000.exe") -Wait -PassThru -ArgumentList @("/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
    if ($uninstall.ExitCode -ne 0) { Write-Warning "uninstall exited with $($uninstall.ExitCode)" }
}
Get-Item $setup | Format-Table Name, Length
