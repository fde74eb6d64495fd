"""The decision aid's questionnaire: steps, fields, per-step validation, mapping to the contract.

Answers are kept as the raw strings the person typed, per step, so that going back shows
exactly what was entered (even when it was wrong) and nothing typed is ever lost. The mapping
to `AssessmentRequest` happens only from those raw answers, in one place (`to_request`).
Labels are English source strings; templates translate them with gettext (`N_` marks them
for Babel extraction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from trdnav.domain.measures import instruments
from trdnav.domain.requests import PREFERENCE_KEYS

Kind = Literal["int", "money", "percent", "radio", "checkboxes", "text"]
Raw = dict[str, Any]  # field name -> str | list[str]


def N_(text: str) -> str:
    """Mark a string for translation without translating it here."""
    return text


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""
    low: int = 0
    high: int = 0
    group: str = ""  # fields sharing a group are shown together under that heading


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    intro: str
    fields: tuple[Field, ...] = field(default_factory=tuple)


YES_NO_DK = (("yes", N_("Yes")), ("no", N_("No")), ("unknown", N_("I don't know")))
_PRIOR = (
    ("none", N_("Never had it")),
    ("responded", N_("Had it and it helped")),
    ("did_not_respond", N_("Had it and it did not help")),
    ("stopped_side_effects", N_("Stopped because of side effects")),
    ("unknown", N_("I don't know")),
)
_HISTORY3 = (
    ("none", N_("No")),
    ("past", N_("In the past")),
    ("current", N_("Now")),
    ("unknown", N_("I don't know")),
)
_WEIGHT = tuple(
    (str(i), label)
    for i, label in enumerate(
        (N_("Not at all"), N_("A little"), N_("Somewhat"), N_("A lot"), N_("Very much"))
    )
)
TRIAL_ROWS = 5


def _yn(name: str, label: str, hint: str = "", group: str = "", required: bool = True) -> Field:
    return Field(name, label, "radio", YES_NO_DK, required=required, hint=hint, group=group)


def phq9_fields() -> tuple[Field, ...]:
    phq9 = instruments.get("phq9")
    answers = tuple((str(i), a) for i, a in enumerate(phq9.answers))
    return tuple(
        Field(f"phq9_{i}", item, "radio", answers, required=True)
        for i, item in enumerate(phq9.items, start=1)
    )


def _trial_fields() -> tuple[Field, ...]:
    out: list[Field] = []
    outcomes = (
        ("no_response", N_("Did not help")),
        ("partial_response", N_("Helped a little")),
        ("response", N_("Helped")),
        ("intolerable", N_("Stopped because of side effects")),
        ("unknown", N_("I don't know")),
    )
    for i in range(1, TRIAL_ROWS + 1):
        group = f"trial_{i}"
        out += [
            Field(f"trial_{i}_name", N_("Medicine name"), "text", group=group),
            Field(
                f"trial_{i}_adequate",
                N_(
                    "Did you take it at the full dose your prescriber aimed for, "
                    "for 6 weeks or more?"
                ),
                "radio",
                YES_NO_DK,
                group=group,
            ),
            Field(f"trial_{i}_outcome", N_("How did it go?"), "radio", outcomes, group=group),
        ]
    return tuple(out)


_PREF_LABELS = {
    "fast_relief": N_("Feeling better quickly"),
    "lasting_results": N_("Results that last after the treatment ends"),
    "few_side_effects": N_("Few side effects"),
    "avoid_medication": N_("Avoiding another medicine"),
    "drive_myself": N_("Driving myself to and from visits"),
    "few_visits": N_("Few visits to the clinic"),
    "low_cost": N_("Low cost to me"),
}

_HEALTH = (
    (
        "metal_in_head",
        N_("Do you have metal in or near your head (within about 30 cm / 1 foot)?"),
        N_(
            "For example aneurysm clips or coils, shrapnel or bullet fragments, plates or "
            "screws in the skull, stents in the neck or brain. Fillings and braces do not count."
        ),
    ),
    ("cochlear_implant", N_("Do you have a cochlear implant?"), ""),
    (
        "implanted_neurostimulator",
        N_("Do you have an implanted nerve or brain stimulator?"),
        N_("Such as deep brain stimulation (DBS), a vagus nerve stimulator (VNS), or their wires."),
    ),
    (
        "cardiac_device",
        N_("Do you have a pacemaker or a defibrillator (ICD)?"),
        N_("Including a wearable defibrillator vest."),
    ),
    ("seizure_history", N_("Have you ever had epilepsy or a seizure?"), ""),
    (
        "neurological_condition",
        N_(
            "Have you had a stroke, brain tumour, serious head injury, dementia, or raised "
            "pressure in the skull?"
        ),
        "",
    ),
    (
        "aneurysm_or_avm",
        N_(
            "Have you been told you have an aneurysm (a bulging blood vessel) or an arteriovenous "
            "malformation (AVM)?"
        ),
        N_("In the brain, the aorta or elsewhere."),
    ),
    ("intracerebral_hemorrhage", N_("Have you ever had bleeding in the brain?"), ""),
    (
        "cardiovascular_disease",
        N_("Do you have heart disease, heart failure, or a serious irregular heartbeat?"),
        "",
    ),
    (
        "mania_history",
        N_("Have you ever had a manic or hypomanic episode?"),
        N_("Days of unusually high energy or mood, little need for sleep, racing thoughts."),
    ),
    ("ketamine_misuse", N_("Have you ever misused ketamine?"), ""),
    ("bladder_disease", N_("Do you have a bladder disease such as interstitial cystitis?"), ""),
    (
        "ketamine_hypersensitivity",
        N_("Have you had an allergic reaction to ketamine or esketamine?"),
        "",
    ),
)

STEPS: tuple[Step, ...] = (
    Step(
        "about",
        N_("About you"),
        N_("A few facts that change which treatments can be used."),
        (
            Field(
                "age",
                N_("How old are you?"),
                "int",
                required=True,
                low=0,
                high=120,
                hint=N_("In years."),
            ),
            Field(
                "pregnancy",
                N_("Are you pregnant, planning a pregnancy, or breastfeeding?"),
                "radio",
                (
                    ("no", N_("No")),
                    ("yes", N_("Pregnant")),
                    ("planning", N_("Planning a pregnancy")),
                    ("breastfeeding", N_("Breastfeeding")),
                    ("unknown", N_("I don't know or prefer not to say")),
                ),
                required=True,
            ),
        ),
    ),
    Step(
        "diagnosis",
        N_("Diagnosis"),
        N_("What a clinician has told you that you have."),
        (
            Field(
                "conditions",
                N_("Which of these has a clinician diagnosed?"),
                "checkboxes",
                (
                    ("major_depressive_disorder", N_("Depression (major depressive disorder)")),
                    ("bipolar_depression", N_("Depression in bipolar disorder")),
                    ("ocd", N_("Obsessive-compulsive disorder (OCD)")),
                    ("ptsd", N_("Post-traumatic stress disorder (PTSD)")),
                    ("generalized_anxiety", N_("Generalized anxiety")),
                    ("smoking_cessation", N_("I want to stop smoking")),
                ),
                required=True,
                hint=N_("Choose all that apply."),
            ),
            # Episode length and travel time are not asked: no finding, cost or order uses them
            # (contract assessment-v1 keeps both as optional fields for other callers).
        ),
    ),
    Step(
        "feelings",
        N_("How you feel now"),
        N_(
            "Over the last 2 weeks, how often have you been bothered by any of the following "
            "problems?"
        ),
        (
            *phq9_fields(),
            Field(
                "suicidal_thoughts",
                N_("In the last month, have you had thoughts of ending your life?"),
                "radio",
                (
                    ("none", N_("No")),
                    (
                        "passive",
                        N_("I have wished I were dead, without thinking of doing anything"),
                    ),
                    ("active", N_("I have thought about ending my life")),
                    ("active_with_plan", N_("I have thought about how I would do it")),
                ),
                required=True,
            ),
        ),
    ),
    Step(
        "tried",
        N_("What you have tried"),
        N_(
            "Treatments you have already had for this depression. A medicine counts as an "
            "adequate trial when you took it at a full dose for at least 6 weeks."
        ),
        (
            *_trial_fields(),
            Field(
                "augmentation_trials",
                N_(
                    "How many add-on medicines (such as aripiprazole, lithium or a second "
                    "antidepressant) have you tried?"
                ),
                "int",
                low=0,
                high=50,
                hint=N_("Leave empty if you are not sure."),
            ),
            _yn(
                "psychotherapy_trial",
                N_("Have you had talking therapy (psychotherapy) for depression?"),
            ),
            _yn(
                "taking_antidepressant",
                N_("Are you taking an antidepressant now?"),
                N_(
                    "At ages 15 to 21, TMS is cleared only as an add-on to an antidepressant, "
                    "so we ask."
                ),
                required=False,
            ),
            Field("prior_tms", N_("TMS"), "radio", _PRIOR, required=True, group="prior"),
            Field(
                "prior_ketamine",
                N_("Ketamine infusions"),
                "radio",
                _PRIOR,
                required=True,
                group="prior",
            ),
            Field(
                "prior_esketamine",
                N_("Esketamine nasal spray (Spravato)"),
                "radio",
                _PRIOR,
                required=True,
                group="prior",
            ),
            Field(
                "prior_ect",
                N_("ECT (electroconvulsive therapy)"),
                "radio",
                _PRIOR,
                required=True,
                group="prior",
            ),
        ),
    ),
    Step(
        "health",
        N_("Health history"),
        N_(
            "These questions check safety. If you are not sure, choose \u201cI don't know\u201d: "
            "the clinician will check with you."
        ),
        (
            *(_yn(n, label, hint) for n, label, hint in _HEALTH),
            Field(
                "hypertension",
                N_("Do you have high blood pressure?"),
                "radio",
                (
                    ("none", N_("No")),
                    ("controlled", N_("Yes, and it is under control")),
                    ("uncontrolled", N_("Yes, and it is not under control")),
                    ("unknown", N_("I don't know")),
                ),
                required=True,
            ),
            Field(
                "psychosis",
                N_(
                    "Have you had psychosis (hearing or seeing things others do "
                    "not, or fixed false beliefs)?"
                ),
                "radio",
                _HISTORY3,
                required=True,
            ),
            Field(
                "substance_use_disorder",
                N_("Have you had a problem with alcohol or drugs?"),
                "radio",
                _HISTORY3,
                required=True,
            ),
        ),
    ),
    Step(
        "values",
        N_("What matters to you"),
        N_(
            "There is no right answer. Tell us how much each of these matters to you; the "
            "comparison will be ordered by your answers."
        ),
        (
            *(
                Field(f"pref_{k}", _PREF_LABELS[k], "radio", _WEIGHT, required=True)
                for k in PREFERENCE_KEYS
            ),
            _yn(
                "can_attend_weekdays",
                N_("Could you come to the clinic on weekdays for several weeks?"),
                group="logistics",
                required=False,
            ),
            _yn(
                "has_driver",
                N_("Could someone drive you home after a visit?"),
                group="logistics",
                required=False,
            ),
        ),
    ),
    Step(
        "insurance",
        N_("Insurance"),
        N_(
            "Used only to estimate what a course might cost you. Leave amounts empty if you do "
            "not know them."
        ),
        (
            Field(
                "plan",
                N_("How would you pay?"),
                "radio",
                (
                    ("commercial", N_("Private or employer insurance")),
                    ("medicare", N_("Medicare")),
                    ("medicaid", N_("Medicaid")),
                    ("military", N_("TRICARE or VA")),
                    ("self_pay", N_("I would pay myself")),
                    ("unknown", N_("I don't know")),
                ),
                required=True,
            ),
            Field(
                "deductible_remaining",
                N_("Deductible left to pay this year (US dollars)"),
                "money",
                low=0,
                high=10_000_000,
            ),
            Field(
                "coinsurance",
                N_("Your share after the deductible (coinsurance, percent)"),
                "percent",
                low=0,
                high=100,
                hint=N_("For example 20 for 20 percent."),
            ),
            Field(
                "out_of_pocket_max_remaining",
                N_("Out-of-pocket maximum left this year (US dollars)"),
                "money",
                low=0,
                high=10_000_000,
            ),
        ),
    ),
)
STEP_NAMES: tuple[str, ...] = tuple(s.name for s in STEPS)
BY_NAME: dict[str, Step] = {s.name: s for s in STEPS}
GROUP_TITLES: dict[str, str] = {
    **{f"trial_{i}": N_("Antidepressant %(n)s") for i in range(1, TRIAL_ROWS + 1)},
    "prior": N_("Have you had any of these treatments before?"),
    "logistics": N_("Getting to the clinic"),
}
