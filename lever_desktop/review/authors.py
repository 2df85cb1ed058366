"""perform_as: who a feedback form will be authored as in Lever.

Lever attributes the form to the user named in ``perform_as``, so getting
this wrong puts words in a colleague's mouth. The rules (LEVER_API.md):
- the interviewer's email is looked up case-insensitively among the cached
  Lever users (deactivated ones included, so we can say *why* it fails);
- the user must be active;
- when the draft names an interview, the user should be one of its
  interviewers: otherwise a warning, not a refusal (Lever does not say it
  enforces this);
- a configured service account is never a silent fallback: the reviewer must
  choose it explicitly and confirm, and the audit trail records that.
Resolution is pure: callers pass the cached users and interview.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Via = Literal["interviewer", "chosen", "service_account"]


class AuthorUnresolved(Exception):
    """No Lever user can author this form; ``code`` is stable for flags and the UI."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class ServiceAccountNotConfirmed(AuthorUnresolved):
    def __init__(self, message: str) -> None:
        super().__init__("service_account_unconfirmed", message)


@dataclass(frozen=True)
class Author:
    user_id: str
    email: str
    name: str
    via: Via
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The sentence the approve step always shows."""
        how = {
            "interviewer": "the interviewer",
            "chosen": "chosen by the reviewer instead of the interviewer",
            "service_account": "the service account, confirmed by the reviewer",
        }[self.via]
        return f"{self.name} <{self.email}> (Lever user {self.user_id}, {how})"

    def in_words(self) -> str:
        """``describe`` for a recruiter: who, and how it was chosen, without Lever's user id."""
        how = {
            "interviewer": "the interviewer",
            "chosen": "chosen instead of the interviewer",
            "service_account": "the service account",
        }[self.via]
        return f"{self.name} <{self.email}> ({how})"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _norm(email: str | None) -> str:
    return (email or "").strip().casefold()


def find_user(users: Iterable[dict[str, Any]], email: str) -> dict[str, Any] | None:
    """The cached user with this email; an active one wins over a deactivated namesake."""
    wanted = _norm(email)
    matches = [u for u in users if _norm(u.get("email")) == wanted]
    matches.sort(key=lambda u: u.get("deactivatedAt") is not None)
    return matches[0] if matches else None


def _interviewer_ids(interview: dict[str, Any]) -> tuple[set[str], set[str]]:
    ids, emails = set(), set()
    for person in interview.get("interviewers") or []:
        if isinstance(person, dict):
            if person.get("id"):
                ids.add(person["id"])
            if person.get("email"):
                emails.add(_norm(person["email"]))
        elif isinstance(person, str):
            ids.add(person)
    return ids, emails


def _usable(user: dict[str, Any] | None, email: str, who: str) -> dict[str, Any]:
    if user is None:
        raise AuthorUnresolved(
            "unknown_interviewer",
            f"No Lever user has the email {email} ({who}). Sync users, or choose another author.",
        )
    if user.get("deactivatedAt"):
        raise AuthorUnresolved(
            "interviewer_deactivated",
            f"The Lever user {user.get('name') or email} <{email}> ({who}) is deactivated "
            "and cannot author feedback. Choose another author.",
        )
    return user


def resolve_author(
    interviewer_email: str,
    users: Iterable[dict[str, Any]],
    interview: dict[str, Any] | None = None,
    *,
    chosen_email: str | None = None,
    service_account_email: str | None = None,
    confirm_service_account: bool = False,
) -> Author:
    """Who ``perform_as`` will be; raises AuthorUnresolved with a reason the reviewer can act on."""
    users = list(users)
    email, via, who = interviewer_email, "interviewer", "the draft's interviewer"
    if chosen_email and _norm(chosen_email) != _norm(interviewer_email):
        email, via, who = chosen_email, "chosen", "chosen by the reviewer"
        if service_account_email and _norm(chosen_email) == _norm(service_account_email):
            via, who = "service_account", "the configured service account"
            if not confirm_service_account:
                raise ServiceAccountNotConfirmed(
                    f"Feedback would be authored as the service account {service_account_email} "
                    "instead of the interviewer; confirm this choice explicitly."
                )
    user = _usable(find_user(users, email), email, who)
    warnings: list[str] = []
    if interview is not None:
        ids, emails = _interviewer_ids(interview)
        if user["id"] not in ids and _norm(user.get("email")) not in emails:
            warnings.append(
                f"{user.get('name') or email} is not one of the interviewers of interview "
                f"{interview.get('id')}; Lever may still accept the form."
            )
    return Author(
        user_id=str(user["id"]),
        email=str(user.get("email") or email),
        name=str(user.get("name") or email),
        via=via,  # type: ignore[arg-type]
        warnings=warnings,
    )


def choices(
    users: Iterable[dict[str, Any]], interviewer_email: str, service_account_email: str | None = None
) -> list[tuple[str, str]]:
    """Whom else the reviewer may pick as the author: (``"Name <email>"``, email) of every active
    cached Lever user, by name; not the interviewer (the default) nor the service account (offered
    on its own line)."""
    skip = {_norm(interviewer_email), _norm(service_account_email)}
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for u in sorted(users, key=lambda u: str(u.get("name") or u.get("email") or "").casefold()):
        email = str(u.get("email") or "")
        if not email or u.get("deactivatedAt") or _norm(email) in skip | seen:
            continue
        seen.add(_norm(email))
        out.append((f"{u.get('name') or email} <{email}>", email))
    return out


def confirmation(chosen: str, interviewer_email: str, *, service_account: bool) -> str:
    """The question asked before a form goes to Lever under someone other than its interviewer."""
    who = f"the service account {chosen}" if service_account else chosen
    return (
        f"This feedback will appear in Lever as written by {who}, not by the interviewer "
        f"{interviewer_email}. The audit trail records your choice."
    )
