"""Settings → Feedback due and Draft with AI: when a form is due, how far back to look, where drafts go.

Edits go into the dialog's ``Settings`` object, saved with the rest (as ``privacy_settings``).
The provider line is read off the GUI thread: its key may come from the keychain.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QSpinBox

from lever_desktop import config
from lever_desktop.drafting.providers import (
    KEY_ENV,
    KEY_NAMES,
    Provider,
    ProviderConfigError,
    describe,
    provider_from_settings,
)
from lever_desktop.ui.plain import plain_label
from lever_desktop.ui.tasks import TaskRunner, in_thread


class DueSettings(QGroupBox):
    def __init__(self, settings: config.Settings, runner: TaskRunner, parent=None) -> None:
        super().__init__("Feedback due and Draft with AI", parent)
        self.settings = settings
        self.due_hours = QSpinBox(minimum=1, maximum=24 * 14, suffix=" h after the interview")
        self.due_hours.setValue(settings.feedback_due_hours)
        self.due_hours.setToolTip(
            "When the interview has no reminder setting in Lever (Lever's own reminders, "
            "every 6 hours or daily, set the due time where there are some)"
        )
        self.lookback = QSpinBox(minimum=1, maximum=365, suffix=" days")
        self.lookback.setValue(settings.feedback_due_lookback_days)
        self.lookback.setToolTip(
            "Interviews older than this are not listed, and only candidates active since "
            "then are read from Lever for it"
        )
        self.provider = plain_label("…")  # the model and host from the settings or the environment
        self.provider.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Feedback is due", self.due_hours)
        form.addRow("List interviews of the last", self.lookback)
        # The provider's key, kept in the keychain like Lever's (never shown; empty keeps the saved one).
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setEnabled(False)
        self.key.setAccessibleName("The model provider's API key")
        self._key_name: str | None = None
        form.addRow("Draft with AI sends to", self.provider)
        form.addRow("Its API key", self.key)
        self.due_hours.valueChanged.connect(lambda h: setattr(self.settings, "feedback_due_hours", h))
        self.lookback.valueChanged.connect(lambda d: setattr(self.settings, "feedback_due_lookback_days", d))
        show_provider(runner, settings, self.provider, known=self._known)

    def _known(self, provider: Provider) -> None:
        import os

        env = KEY_ENV.get(provider.kind)
        if env is None:
            self.key.setPlaceholderText("Amazon Bedrock uses your AWS credentials")
        elif os.environ.get(env):
            self.key.setPlaceholderText(f"{env} in Lever Desktop's environment is used")
        else:
            self._key_name = KEY_NAMES[provider.kind]
            self.key.setEnabled(True)
            self.key.setPlaceholderText(
                "leave empty to keep the saved key"
                if provider.api_key
                else "kept in the keychain, like the Lever API key"
            )

    def secrets(self) -> dict[str, str]:
        """{keychain name: key} to save, or nothing when the field is empty or not in effect."""
        key = self.key.text().strip()
        return {self._key_name: key} if self._key_name and key else {}


def show_provider(
    runner: TaskRunner,
    settings: config.Settings,
    label: QLabel,
    prefix: str = "",
    known: Callable[[Provider], None] | None = None,
) -> None:
    """Put where drafting sends data into ``label`` (or why it cannot); ``known(provider)`` after.
    Read off the GUI thread: the provider's key may come from the keychain."""
    label.setText(f"{prefix}…")

    def found(provider: Provider) -> None:
        label.setText(f"{prefix}{describe(provider)}")
        if known is not None:
            known(provider)

    def unknown(e: BaseException) -> bool:
        if isinstance(e, ProviderConfigError):
            label.setText(str(e))
            return True
        return False

    runner.run(
        in_thread(provider_from_settings, settings),
        owner=label,
        on_success=found,
        on_failure=unknown,
        name="drafting provider",
    )
