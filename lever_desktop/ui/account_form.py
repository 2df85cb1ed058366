"""The account fields shared by the first-run dialog and Settings.

The API key is checked against Lever as soon as it is entered and the result
is shown in words ("Connected as Dana Scully — super admin"). Saving writes the
non-secret settings to settings.json and the secrets to the keychain, both off
the GUI thread; a missing or locked keychain is said plainly and the fields
keep what was typed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSizePolicy,
    QWidget,
)

from lever_desktop import config, secrets
from lever_desktop import webhook_tokens as signature_tokens
from lever_desktop.lever.account import describe_key
from lever_desktop.ui.plain import plain_label
from lever_desktop.ui.tasks import TaskRunner, in_thread
from lever_desktop.ui.webhooks_step import ConnectWebhooksStep, SignatureTokensEdit

_log = logging.getLogger(__name__)

KEY_CHECK = "check API key"  # TaskRunner's latest= key: only the newest check reports
REGIONS = [
    ("us", "United States — api.lever.co"),
    ("eu", "Europe — api.eu.lever.co"),
    ("sandbox", "Lever's sandbox — api.sandbox.lever.co"),
]


class AccountForm(QWidget):
    """API key, region, relay, webhook tokens, service account, review threshold."""

    checked = Signal(bool, str)  # key works?, what to tell the person

    def __init__(self, runner: TaskRunner, settings: config.Settings | None = None, parent=None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.settings = settings or config.Settings()
        self.key_ok = False
        form = QFormLayout(self)
        self.api_key = QLineEdit(echoMode=QLineEdit.EchoMode.Password, placeholderText="Lever API key")
        self.api_key.setAccessibleName("Lever API key")
        self.email = QLineEdit(placeholderText="you@company.com (shows who the key belongs to)")
        self.region = QComboBox()
        for code, text in REGIONS:
            self.region.addItem(text, code)
        self.base_url = QLineEdit(placeholderText="optional: another API address, e.g. a local lever-sandbox")
        self.key_status = plain_label(" ")  # Lever's answer (a name, an error) in its own words
        self.key_status.setWordWrap(True)
        self.key_status.setObjectName("keyStatus")
        # As tall as its text: a wrapping label otherwise takes a taller dialog's spare height.
        self.key_status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        # What the app will really use: the environment (LEVER_BASE_URL, LEVER_REGION,
        # LEVER_ALLOW_CUSTOM_HOST) overrides the fields, and a person must see that.
        self.address_in_effect = plain_label()
        self.address_in_effect.setObjectName("addressInEffect")
        self.address_in_effect.setWordWrap(True)
        self.address_in_effect.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.relay_url = QLineEdit(placeholderText="https://relay.example.com")
        self.relay_token = QLineEdit(
            echoMode=QLineEdit.EchoMode.Password, placeholderText="reader token (empty: keep the saved one)"
        )
        self.webhook_tokens = SignatureTokensEdit()
        self.connect_webhooks = ConnectWebhooksStep(runner, self)
        self.service_account = QLineEdit(placeholderText="optional: author used only when you confirm it")
        self.threshold = QDoubleSpinBox(minimum=0.0, maximum=1.0, singleStep=0.05, decimals=2)
        form.addRow("API key", self.api_key)
        form.addRow("Your Lever email", self.email)
        form.addRow("Region", self.region)
        form.addRow("API address", self.base_url)
        form.addRow("Address in effect", self.address_in_effect)
        form.addRow("", self.key_status)
        form.addRow("Relay URL", self.relay_url)
        form.addRow("Relay reader token", self.relay_token)
        form.addRow("Webhook signature tokens", self.webhook_tokens)
        form.addRow("", self.connect_webhooks)
        form.addRow("Service account email", self.service_account)
        form.addRow("Confirm AI values below", self.threshold)
        self._load(self.settings)
        self.api_key.editingFinished.connect(self.check_key)
        self.email.editingFinished.connect(self.check_key)
        self.region.currentIndexChanged.connect(self.check_key)
        self.base_url.editingFinished.connect(self.check_key)
        self.region.currentIndexChanged.connect(self.show_address_in_effect)
        self.base_url.textChanged.connect(self.show_address_in_effect)
        self.show_address_in_effect()

    def _load(self, s: config.Settings) -> None:
        self.region.setCurrentIndex(max(0, self.region.findData(s.region)))
        self.base_url.setText(s.base_url or "")
        self.relay_url.setText(s.relay_url or "")
        self.service_account.setText(s.service_account_email or "")
        self.email.setText(str(s.extra.get("reviewer_email", "")))
        self.threshold.setValue(s.confidence_threshold)

    def address(self) -> config.ApiAddress:
        typed = config.Settings(region=self.region.currentData(), base_url=self.base_url.text().strip() or None)
        return config.api_address(typed)

    def api_address(self) -> str:
        """Where the key check goes: the address in effect, environment overrides included."""
        return self.address().url

    def show_address_in_effect(self) -> None:
        self.address_in_effect.setText(self.address().describe())

    def typed_api_key(self) -> str:
        return self.api_key.text().strip()

    def typed_relay_url(self) -> str:
        return self.relay_url.text().strip()

    def check_key(self) -> None:
        key = self.api_key.text().strip()
        if not key:
            return
        self.key_status.setText("Checking the key with Lever…")

        def done(text: str) -> None:
            self.key_ok = True
            self.key_status.setText(f"✔ {text}")
            self.checked.emit(True, text)

        def failed(exc: BaseException) -> bool:
            if self._runner.busy(latest=KEY_CHECK):  # overtaken: a newer check is under way and will say
                return True
            self.key_ok = False
            text = str(exc) if isinstance(exc, ValueError) else _why(exc)
            self.key_status.setText(f"✘ {text}")
            self.checked.emit(False, text)
            return True

        self._runner.run(
            describe_key(key, self.api_address(), self.email.text().strip()),
            owner=self,
            on_success=done,
            on_failure=failed,
            name="check API key",
            latest=KEY_CHECK,
        )

    def webhook_token_map(self) -> dict[str, str]:
        """One account-wide token and/or ``event = token`` lines, or a JSON object; raises ValueError."""
        return self.webhook_tokens.tokens()

    async def save(self) -> None:
        """Settings file and keychain; raises ValueError / SecretStoreError with a clear message."""
        tokens = self.webhook_token_map()
        s = self.settings
        s.region = self.region.currentData()
        s.base_url = self.base_url.text().strip().rstrip("/") or None
        s.relay_url = self.relay_url.text().strip() or None
        s.service_account_email = self.service_account.text().strip() or None
        s.confidence_threshold = self.threshold.value()
        s.extra["reviewer_email"] = self.email.text().strip()
        s.sandbox = False
        await in_thread(
            write_secrets,
            {
                secrets.API_KEY: self.api_key.text().strip(),
                secrets.RELAY_READER_TOKEN: self.relay_token.text().strip(),
            },
        )
        if tokens:  # added to the kept ones (e.g. from "Connect webhooks"), an event's new token replacing its old
            await in_thread(signature_tokens.keep_in_keychain, tokens)
        await in_thread(s.save)


def write_secrets(values: dict[str, str]) -> None:
    """Empty fields keep what the keychain has: Settings never shows saved secrets, so an empty
    field means "unchanged", not "delete"."""
    for name, value in values.items():
        if value:
            secrets.set_secret(name, value)


def _why(exc: BaseException) -> str:
    from lever_desktop.messages import explain

    return explain(exc) or f"The key could not be checked ({type(exc).__name__})."
