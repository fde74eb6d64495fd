"""The readiness check at the end (the SURE test: four yes/no questions) and what to do next.

A "no" to any question means the person may not be ready to decide; each "no" points to the
help that fits it. The answers are kept with the draft (never in a URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from trdnav.features.aid.steps import N_, Raw

KEY = "sure"  # the draft key of the answers (not a questionnaire step)


@dataclass(frozen=True)
class Question:
    name: str
    text: str
    if_no: str  # what to do next when the answer is "no"


QUESTIONS: tuple[Question, ...] = (
    Question(
        "sure",
        N_("Do you feel sure about the best choice for you?"),
        N_(
            "It is fine not to decide today. Bring the printable summary to the clinic and talk "
            "it through."
        ),
    ),
    Question(
        "understand",
        N_("Do you know the benefits and risks of each option?"),
        N_(
            "Look again at \u201cAll options, the same questions\u201d (or compare two) and "
            "write down what is not clear. Ask the clinician those questions."
        ),
    ),
    Question(
        "values",
        N_("Are you clear about which benefits and risks matter most to you?"),
        N_(
            "Open \u201cChange what matters to you\u201d and try a few settings: see how the order "
            "changes."
        ),
    ),
    Question(
        "support",
        N_("Do you have enough support and advice to make a choice?"),
        N_(
            "Talk with someone you trust, and ask the clinic to contact you. You do not have to "
            "decide alone."
        ),
    ),
)
NAMES = tuple(q.name for q in QUESTIONS)


def read(form: Mapping[str, object]) -> Raw:
    """The four answers from a form: "yes", "no" or "" (not answered)."""
    return {n: v if (v := form.get(n)) in ("yes", "no") else "" for n in NAMES}


@dataclass(frozen=True)
class Readiness:
    """The outcome: answered all four, ready (all yes), and the advice for each "no"."""

    complete: bool
    ready: bool
    advice: tuple[str, ...]


def readiness(raw: Raw | None) -> Readiness | None:
    """What the answers say, or None before any is given."""
    if not raw or not any(raw.get(n) for n in NAMES):
        return None
    answers = [raw.get(n) for n in NAMES]
    advice = tuple(q.if_no for q in QUESTIONS if raw.get(q.name) == "no")
    complete = all(a in ("yes", "no") for a in answers)
    return Readiness(complete=complete, ready=complete and not advice, advice=advice)
