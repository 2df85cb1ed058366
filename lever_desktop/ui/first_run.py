"""First run ("Try the sandbox" or "Connect to Lever") and the Settings dialog.

Both use ``AccountForm``. Saving happens off the GUI thread; a keychain that
is missing, locked or slow is reported in the dialog, which stays open with
everything the person typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lever_desktop import APP_NAME, config, secrets
from lever_desktop.ui.account_form import AccountForm, write_secrets
from lever_desktop.ui.due_settings import DueSettings
from lever_desktop.ui.plain import plain_label
from lever_desktop.ui.privacy_settings import PrivacySettings, RoleChoice
from lever_desktop.ui.tasks import TaskRunner, in_thread


def _big_button(title: str, text: str) -> QPushButton:
    button = QPushButton(f"{title}\n{text}")
    button.setMinimumHeight(84)
    button.setStyleSheet("QPushButton { text-align: left; padding: 10px 16px; }")
    return button


class _SavingDialog(QDialog):
    """A dialog whose OK saves the account form first (off the GUI thread)."""

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.form = AccountForm(runner, config.Settings.load())
        self.problem = plain_label()  # shows the error's own words
        self.problem.setWordWrap(True)
        self.problem.setObjectName("saveProblem")
        self.problem.setStyleSheet("#saveProblem { color: #cf222e; }")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        # No keychain (a Linux desktop without Secret Service): said before Save is refused, with
        # the way that still works. Probed off the GUI thread: a locked keychain can hang.
        self.keychain_note = plain_label()
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setObjectName("keychainNote")
        self.keychain_note.setStyleSheet("#keychainNote { color: #9a6700; }")
        self.keychain_note.hide()
        runner.run(
            in_thread(secrets.keychain_problem),
            owner=self,
            on_success=self._show_keychain_problem,
            name="check the keychain",
        )

    def _show_keychain_problem(self, problem: str | None) -> None:
        if problem is None:
            return
        import os

        from_env = "LEVER_API_KEY" in os.environ
        self.keychain_note.setText(
            "No keychain is available on this computer, so Save cannot keep an API key here. "
            + (
                "The API key in effect comes from LEVER_API_KEY in Lever Desktop's environment."
                if from_env
                else "Set up a keychain (GNOME Keyring, KWallet, or KeePassXC's Secret Service), or "
                + secrets.WITHOUT_KEYCHAIN
                + ' The README\'s "Without a keychain" says how.'
            )
        )
        self.keychain_note.show()

    def save(self) -> None:
        if not self.form.api_key.text().strip() and not self._has_saved_key():
            self.problem.setText(
                "Enter your Lever API key (Lever → Settings → Integrations and API → API credentials)."
            )
            return
        self.problem.setText("Saving…")
        self.buttons.setEnabled(False)

        def failed(exc: BaseException) -> bool:
            self.buttons.setEnabled(True)
            if isinstance(exc, (ValueError, secrets.SecretStoreError)):
                self.problem.setText(str(exc))
                return True
            self.problem.setText("Saving failed; nothing you typed was lost.")
            return False

        self.runner.run(
            self._save_all(), owner=self, on_success=lambda _r: self.accept(), on_failure=failed, name="save settings"
        )

    async def _save_all(self) -> None:
        await self.form.save()

    def _has_saved_key(self) -> bool:
        return False


class FirstRunDialog(_SavingDialog):
    """Welcome: try the sandbox, or connect a Lever account."""

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(runner, parent)
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.chose_sandbox = False
        self.resize(620, 560)
        self.pages = QStackedWidget()

        welcome = QWidget()
        w = QVBoxLayout(welcome)
        intro = QLabel(
            f"<h2>Welcome to {APP_NAME}</h2><p>Review interview feedback drafted by AI in Lever's own forms, "
            "fix what needs fixing, and submit it to Lever as the interviewer — exactly once.</p>"
        )
        intro.setWordWrap(True)
        w.addWidget(intro)
        self.role = RoleChoice(self.form.settings)
        w.addWidget(self.role)
        self.try_sandbox = _big_button(
            "Try the sandbox",
            "A simulated Lever account on this computer, with candidates and drafts to review. Nothing reaches Lever.",
        )
        self.connect_lever = _big_button("Connect to Lever", "Use your company's Lever account with an API key.")
        w.addWidget(self.try_sandbox)
        w.addWidget(self.connect_lever)
        w.addStretch(1)
        self.try_sandbox.clicked.connect(self._sandbox)
        self.connect_lever.clicked.connect(lambda: self.pages.setCurrentIndex(1))

        connect = QWidget()
        c = QVBoxLayout(connect)
        c.addWidget(QLabel("<h3>Connect to Lever</h3>"))
        c.addWidget(self.form)
        c.addWidget(self.keychain_note)
        c.addWidget(self.problem)
        c.addStretch(1)
        row = QHBoxLayout()
        back = QPushButton("Back")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        row.addWidget(back)
        row.addStretch(1)
        row.addWidget(self.buttons)
        c.addLayout(row)

        self.pages.addWidget(welcome)
        self.pages.addWidget(connect)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

    def _sandbox(self) -> None:
        self.chose_sandbox = True
        if self.form.settings.role is None:  # not chosen: nothing to remember, the safe default holds
            self.accept()
            return

        def failed(_exc: BaseException) -> bool:
            self.accept()  # the sandbox still opens; the role is asked for again in Settings
            return False

        self.runner.run(
            in_thread(_remember_role, self.form.settings.role),
            owner=self,
            on_success=lambda _r: self.accept(),
            on_failure=failed,
            name="save role",
        )


def _remember_role(role: str) -> None:
    """The sandbox saves no account, but the person's role holds for it and for a later account."""
    settings = config.Settings.load()
    settings.role, settings.show_others_feedback = role, None
    settings.save()


class SettingsDialog(_SavingDialog):
    """The same account fields, later. An empty API key keeps the saved one."""

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(runner, parent)
        self.setWindowTitle(f"{APP_NAME} — Settings")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.form.api_key.setPlaceholderText("leave empty to keep the saved key")
        self.setMinimumWidth(600)  # the fields' hints are read in full, not clipped
        # The sections scroll, Save stays in view: together they are taller than a 640-pixel screen.
        sections = QWidget()
        inner = QVBoxLayout(sections)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.form)
        inner.addWidget(PrivacySettings(self.form.settings))
        self.due = DueSettings(self.form.settings, runner)
        inner.addWidget(self.due)
        inner.addWidget(QLabel("Changes to the account take effect the next time Lever Desktop starts."))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(sections)
        # scrolling down the sections passes over the boxes: the wheel must never change a setting
        from lever_desktop.ui.forms.wheel import WheelScrollsForm  # here: not at a first run's start

        WheelScrollsForm(self).guard(sections)
        scroll.setMinimumWidth(sections.sizeHint().width())
        room = self.screen().availableGeometry().height() - 60 if self.screen() else 10_000  # its title bar
        self.resize(self.sizeHint().width(), min(sections.sizeHint().height() + 80, room))  # whole where it fits
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.keychain_note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def _has_saved_key(self) -> bool:
        return True

    async def _save_all(self) -> None:
        await self.form.save()
        await in_thread(write_secrets, self.due.secrets())  # Draft with AI's key: used from the next draft on


class ConnectAccountDialog(_SavingDialog):
    """From the sandbox: connect the company's Lever account, opened the next time the app starts."""

    def __init__(self, runner: TaskRunner, parent=None) -> None:
        super().__init__(runner, parent)
        self.setWindowTitle(f"{APP_NAME} — Connect a Lever account")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Connect your company's Lever account with an API key. The sandbox keeps running "
            f"until you quit; {APP_NAME} opens your Lever account the next time it starts."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.form)
        layout.addWidget(self.keychain_note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
