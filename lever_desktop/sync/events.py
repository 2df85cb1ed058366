"""What the sync engine tells its listeners (progress bar, status line, CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from lever_desktop.observers import Listeners


class SyncState(str, Enum):
    ONLINE = "online"  # idle, Lever reachable at the last attempt
    SYNCING = "syncing"
    OFFLINE = "offline"  # Lever unreachable: retrying with backoff


@dataclass
class SyncReport:
    """Summary of one pass (also what ``lever-desktop sync --json`` prints)."""

    full: bool
    resources: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # records stored per resource
    requests: int = 0
    rate_limited: int = 0  # 429s met
    seconds: float = 0.0
    restarts: int = 0  # walks restarted after "Invalid offset token"
    cancelled: bool = False
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cancelled

    @property
    def offline(self) -> bool:
        from lever_desktop.lever.errors import LeverUnavailable

        return isinstance(self.error, LeverUnavailable)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "full": self.full,
            "counts": self.counts,
            "requests": self.requests,
            "rateLimited": self.rate_limited,
            "seconds": round(self.seconds, 3),
            "restarts": self.restarts,
            "cancelled": self.cancelled,
            "error": str(self.error) if self.error else None,
        }


@dataclass(frozen=True)
class SyncEvent:
    kind: str  # "state" | "progress" | "finished" | "failed" | "cancelled"
    state: SyncState
    resource: str | None = None
    done: int = 0
    total: int | None = None  # estimate; None when unknown (indeterminate bar)
    report: SyncReport | None = None


Listener = Callable[[SyncEvent], None]


class EventBus(Listeners[SyncEvent]):
    """The engine's listeners (progress bar, status line, CLI)."""
