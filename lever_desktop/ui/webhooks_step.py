"""Settings' webhook part: the signature tokens field and the "Connect webhooks" step.

The field takes the tokens as customers have them (one account-wide token, one per event,
or both; ``webhook_tokens``). "Connect webhooks" runs the same setup as
``lever-desktop webhooks setup`` with the key, API address and relay URL in the form:
the tokens Lever returns go straight to the keychain, and what happened — including
what a Super Admin must still switch on in Lever — is shown as plain text.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from lever_desktop import config, secrets
from lever_desktop import webhook_tokens as tokens
from lever_desktop.ui.plain import plain_label, plain_tooltip
from lever_desktop.ui.tasks import TaskRunner, in_thread
from lever_desktop.webhooks.setup import SetupReport, connect_account

REPLACE_TEXT = "Replace webhooks missing a token"


class SignatureTokensEdit(QPlainTextEdit):
    """Where a person pastes signature tokens; empty keeps what the keychain has."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(
            "one account-wide signing token, and/or one per line: candidateStageChange = <signature token>"
        )
        self.setAccessibleName("Webhook signature tokens")
        self.setFixedHeight(70)

    def tokens(self) -> dict[str, str]:
        """``{event|"*": token}``; raises ValueError with a clear message (never a token)."""
        return tokens.parse(self.toPlainText(), "Webhook signature tokens")


class AccountFields(Protocol):  # what the step reads from the account form
    settings: config.Settings

    def api_address(self) -> str: ...
    def typed_api_key(self) -> str: ...
    def typed_relay_url(self) -> str: ...


class ConnectWebhooksStep(QWidget):
    """A "Connect webhooks" button, the replace choice, and the report."""

    done = Signal(bool)  # every event connected?

    def __init__(self, runner: TaskRunner, form: AccountFields, parent=None) -> None:
        super().__init__(parent)
        self._runner, self._form = runner, form
        self.button = QPushButton("Connect webhooks")
        self.button.setToolTip(
            "Register the relay with Lever for every webhook event and keep the signature tokens in the keychain"
        )
        self.replace = QCheckBox(REPLACE_TEXT)
        self.report = plain_label()  # the relay's address, Lever's words and ours: never markup, never reordered
        self.report.setWordWrap(True)
        self.report.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report.setObjectName("webhooksReport")
        # A wrapped label gets its height for the width only if it may grow: else the last lines are cut.
        self.report.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        self.report.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.report.hide()  # until there is something to say
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.replace)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.report)
        self.button.clicked.connect(self.start)

    def _say(self, text: str) -> None:
        self.report.setText(text)
        self.report.show()

    def start(self) -> None:
        relay_url = self._form.typed_relay_url()
        if not relay_url:
            self._say("Enter the relay URL first (the relay's public https:// address).")
            return
        self.button.setEnabled(False)
        self._say("Connecting webhooks…")
        self._runner.run(
            self._connect(self._form.typed_api_key(), self._form.api_address(), relay_url, self.replace.isChecked()),
            owner=self,
            on_success=self._show,
            on_failure=self._failed,
            name="connect webhooks",
        )

    async def _connect(self, api_key: str, base_url: str, relay_url: str, replace: bool) -> SetupReport:
        api_key = api_key or await in_thread(secrets.get_secret, secrets.API_KEY) or ""
        if not api_key:
            raise ValueError("Enter your Lever API key first.")
        return await connect_account(api_key, base_url, relay_url, self._form.settings, replace=replace)

    def _show(self, report: SetupReport) -> None:
        self.button.setEnabled(True)
        self._say("\n\n".join(report.summary(replace=f"tick “{REPLACE_TEXT}” and connect again")))
        self.report.setToolTip(plain_tooltip("\n".join(report.lines()[1:-1])))  # event by event
        self.done.emit(report.ok)

    def _failed(self, exc: BaseException) -> bool:
        from lever_desktop.lever.errors import LeverError
        from lever_desktop.messages import explain

        self.button.setEnabled(True)
        if not isinstance(exc, (LeverError, ValueError, secrets.SecretStoreError)):
            self._say("Connecting webhooks failed; the details are in the log.")
            return False
        self._say(f"Webhooks not connected: {explain(exc) or exc}")
        self.done.emit(False)
        return True
