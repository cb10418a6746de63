"""Refusals a person sees as a plain-English message, never a 500."""

from groups.models import GroundRules


class SignupRefused(Exception):
    """The request cannot be met; `message` is shown to the person as is."""

    reason = "refused"

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(message)
        self.message = message
        if reason:
            self.reason = reason


class SessionFull(SignupRefused):
    reason = "full"


class GroundRulesRequired(SignupRefused):
    """The person must first accept the group's current ground rules."""

    reason = "ground_rules"

    def __init__(self, ground_rules: GroundRules) -> None:
        super().__init__("Please read and agree to this group's ground rules first.")
        self.ground_rules = ground_rules
