"""The one error type geo/ raises for problems a user can act on."""

from __future__ import annotations


class EventmapError(Exception):
    """Bad input or an impossible request, with a message fit to show a user.

    Parameters
    ----------
    message
        One line saying what went wrong.
    problems
        Optional list of one-line problems, each naming its location
        (file, row, feature index), for errors that collect several.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems or [])

    def lines(self) -> list[str]:
        """The message followed by every problem, one per line."""
        return [self.message, *self.problems] if self.problems else [self.message]

    def __str__(self) -> str:
        return "\n".join(self.lines())
