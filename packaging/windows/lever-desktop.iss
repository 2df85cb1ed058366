; Inno Setup 6 script for Lever Desktop (built by packaging/windows/build.ps1):
;   iscc /DAppVersion=0.1.0 packaging\windows\lever-desktop.iss
; Installs the PyInstaller bundle (dist\lever-desktop) per user by default
; (no admin prompt; "install for all users" is offered), with a Start menu entry.

#ifndef AppVersion
  #error Define the version: iscc /DAppVersion=x.y.z lever-desktop.iss
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\lever-desktop"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; The AppId never changes: it is how an upgrade finds the installed copy.
AppId={{6B0E8C1A-52D4-4B43-9F3E-7C2A9D5E1F08}
AppName=Lever Desktop
AppVersion={#AppVersion}
AppVerName=Lever Desktop {#AppVersion}
AppPublisher=Lever Desktop
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\Lever Desktop
DefaultGroupName=Lever Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=lever-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile=..\..\resources\icons\lever-desktop.ico
UninstallDisplayIcon={app}\lever-desktop.exe
UninstallDisplayName=Lever Desktop
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Ask a running Lever Desktop to close (Restart Manager) instead of failing on locked DLLs.
CloseApplications=yes
RestartApplications=no

[InstallDelete]
; Upgrades: remove the previous version's payload before copying the new one.
; PyInstaller loads whatever sits in _internal\, so a module or DLL that an older
; release shipped and this one dropped must not survive next to the new files.
; User data lives in the user's AppData folders, never under {app}.
Type: filesandordirs; Name: "{app}\_internal"
Type: files; Name: "{app}\lever-desktop.exe"
Type: files; Name: "{app}\lever-desktop-console.exe"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Lever Desktop"; Filename: "{app}\lever-desktop.exe"
Name: "{autodesktop}\Lever Desktop"; Filename: "{app}\lever-desktop.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\lever-desktop.exe"; Description: "{cm:LaunchProgram,Lever Desktop}"; Flags: nowait postinstall skipifsilent
