"""Who owns a saved scenario or review, and who may see it.

An `Owner` is the OIDC subject and e-mail of the signed-in user (app/web/auth.py), or `LOCAL_OWNER` when the app
runs without an `[auth]` section and for the CLI (unless `--owner` is given). A row is visible to its owner and,
when its visibility is `team`, to everybody signed in; only its owner may rename, delete or re-share it.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

SUBJECT_MAX_CHARS = 255          # OIDC Core 1.0 § 2: `sub` must not exceed 255 ASCII characters
EMAIL_MAX_CHARS = 320            # RFC 3696 erratum 1690: 64 (local part) + 1 + 255 (domain)
PRIVATE = "private"
TEAM = "team"
VISIBILITIES: tuple[str, ...] = (PRIVATE, TEAM)
LOCAL_SUBJECT = "local"


class OwnerError(ValueError):
    """An owner's subject or e-mail, or a visibility, out of range."""


@dataclass(frozen=True, slots=True)
class Owner:
    """The acting user: OIDC `sub` (the key) and e-mail (shown to people)."""

    subject: str
    email: str = ""

    def __post_init__(self) -> None:
        _check("owner subject", self.subject, SUBJECT_MAX_CHARS, required=True)
        _check("owner e-mail", self.email, EMAIL_MAX_CHARS, required=False)

    @property
    def label(self) -> str:
        """How the owner is shown: the e-mail, else the subject."""
        return self.email or self.subject


def _check(field: str, value: object, max_chars: int, *, required: bool) -> None:
    if not isinstance(value, str):
        raise OwnerError(f"{field}: must be text, got {type(value).__name__}")
    if required and not value.strip():
        raise OwnerError(f"{field}: must not be empty (1..{max_chars} characters)")
    if len(value) > max_chars:
        raise OwnerError(f"{field}: is {len(value)} characters long (allowed: {int(required)}..{max_chars})")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise OwnerError(f"{field}: must not contain control characters")


LOCAL_OWNER = Owner(LOCAL_SUBJECT, "")


def check_visibility(value: str) -> str:
    """`value` if it is one of VISIBILITIES, else OwnerError naming the allowed values."""
    if value not in VISIBILITIES:
        raise OwnerError(f"visibility: {value!r} is not allowed (allowed: {', '.join(VISIBILITIES)})")
    return value
