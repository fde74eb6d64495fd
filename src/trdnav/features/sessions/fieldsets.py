"""The record forms' fields, one list per kind, in the order and fieldsets the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trdnav.domain.sessions.forms import ADVERSE_LABELS, CONCOMITANT_LABELS


@dataclass(frozen=True)
class Field:
    """One input: `kind` is number, decimal, datetime, text, select, check, checks or bp."""

    name: str
    label: str
    kind: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = False
    group: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


ADVERSE = tuple(ADVERSE_LABELS.items())
ESKETAMINE: tuple[Field, ...] = (
    Field(
        "dose_mg",
        "Dose",
        "select",
        "56 mg on day 1 (28 mg at 65 and over); 84 mg only after a 56 mg start.",
        (("28", "28 mg (1 device)"), ("56", "56 mg (2 devices)"), ("84", "84 mg (3 devices)")),
        True,
        "Dose",
    ),
    Field("administered_at", "First device at", "datetime", "", (), True, "Dose"),
    Field("device_lots", "Device lot numbers", "text", "Separate with commas.", (), False, "Dose"),
    Field(
        "bp_pre",
        "Blood pressure before dosing",
        "bp",
        "Above 140/90: a prescriber decides, with a reason, before dosing.",
        (),
        True,
        "Blood pressure",
    ),
    Field(
        "prescriber_decision.proceed",
        "Prescriber's decision (BP above 140/90)",
        "select",
        "",
        (("", "Not needed"), ("true", "Proceed with the dose"), ("false", "Do not dose today")),
        False,
        "Blood pressure",
    ),
    Field(
        "prescriber_decision.prescriber",
        "Prescriber who decided",
        "text",
        "Filled in for you when you are the prescriber.",
        (),
        False,
        "Blood pressure",
    ),
    Field(
        "prescriber_decision.reason",
        "Reason for the decision",
        "text",
        "",
        (),
        False,
        "Blood pressure",
    ),
    Field(
        "bp_40min",
        "Blood pressure about 40 minutes after the dose",
        "bp",
        "",
        (),
        False,
        "Blood pressure",
    ),
    Field("bp_discharge", "Blood pressure before discharge", "bp", "", (), False, "Blood pressure"),
    Field(
        "spo2_min",
        "Lowest SpO2 (%)",
        "number",
        "Pulse oximetry during monitoring.",
        (),
        False,
        "Monitoring",
    ),
    Field("sedation", "Sedation observed", "check", "", (), False, "Monitoring"),
    Field("dissociation", "Dissociation observed", "check", "", (), False, "Monitoring"),
    Field(
        "respiratory_depression",
        "Respiratory depression observed",
        "check",
        "",
        (),
        False,
        "Monitoring",
    ),
    Field(
        "concomitant",
        "Concomitant medicines",
        "checks",
        "",
        tuple(CONCOMITANT_LABELS.items()),
        False,
        "Monitoring",
    ),
    Field("adverse_events", "Adverse events", "checks", "", ADVERSE, False, "Monitoring"),
    Field(
        "serious",
        "Serious adverse event",
        "check",
        "Raises an urgent safety alert.",
        (),
        False,
        "Monitoring",
    ),
    Field("sedation_resolved", "Sedation resolved", "check", "", (), False, "Discharge"),
    Field("dissociation_resolved", "Dissociation resolved", "check", "", (), False, "Discharge"),
    Field(
        "respiratory_depression_resolved",
        "Respiratory depression resolved",
        "check",
        "",
        (),
        False,
        "Discharge",
    ),
    Field(
        "vitals_acceptable_pre",
        "Vital signs acceptable before dosing",
        "check",
        "",
        (),
        False,
        "Discharge",
    ),
    Field(
        "vitals_acceptable_discharge",
        "Vital signs acceptable before discharge",
        "check",
        "",
        (),
        False,
        "Discharge",
    ),
    Field(
        "ready_at",
        "Ready for discharge without the 2-hour rule at",
        "datetime",
        "",
        (),
        False,
        "Discharge",
    ),
    Field(
        "discharged_at",
        "Discharged at",
        "datetime",
        "At least 2 hours after the dose, once sedation and dissociation have resolved.",
        (),
        False,
        "Discharge",
    ),
)
TMS_ADVERSE = tuple(
    (k, v)
    for k, v in ADVERSE_LABELS.items()
    if k in ("headache", "scalp_pain", "twitching", "hearing", "mania_switch", "seizure", "other")
)
TMS: tuple[Field, ...] = (
    Field(
        "coil",
        "Coil",
        "select",
        "",
        (("figure8", "Figure-8"), ("h1", "H1"), ("h4", "H4"), ("h7", "H7"), ("other", "Other")),
        True,
        "Device and target",
    ),
    Field(
        "mode",
        "Mode",
        "select",
        "",
        (("rtms", "rTMS"), ("itbs", "iTBS"), ("ctbs", "cTBS")),
        True,
        "Device and target",
    ),
    Field(
        "target",
        "Target",
        "select",
        "",
        (
            ("left_dlpfc", "Left DLPFC"),
            ("right_dlpfc", "Right DLPFC"),
            ("bilateral_dlpfc", "Bilateral DLPFC"),
            ("dmpfc", "DMPFC"),
            ("other", "Other"),
        ),
        True,
        "Device and target",
    ),
    Field(
        "target_method",
        "Targeting method",
        "select",
        "",
        (
            ("5.5cm", "5.5 cm rule"),
            ("beam_f3", "Beam F3"),
            ("neuronavigation", "Neuronavigation"),
            ("other", "Other"),
        ),
        False,
        "Device and target",
    ),
    Field(
        "mt_measured",
        "Motor threshold measured at this session",
        "check",
        "",
        (),
        False,
        "Motor threshold",
    ),
    Field(
        "motor_threshold_pct",
        "Motor threshold (% machine output)",
        "number",
        "",
        (),
        True,
        "Motor threshold",
    ),
    Field(
        "mt_method",
        "Measured by",
        "select",
        "",
        (("visual", "Visible twitch"), ("emg", "EMG")),
        False,
        "Motor threshold",
    ),
    Field(
        "intensity_pct_mt",
        "Intensity (% of motor threshold)",
        "number",
        "",
        (),
        True,
        "Stimulation",
    ),
    Field("frequency_hz", "Frequency (Hz)", "decimal", "", (), True, "Stimulation"),
    Field("pulses", "Total pulses", "number", "", (), True, "Stimulation"),
    Field("trains", "Trains", "number", "", (), False, "Stimulation"),
    Field("train_seconds", "Train duration (s)", "decimal", "", (), False, "Stimulation"),
    Field(
        "inter_train_seconds", "Inter-train interval (s)", "decimal", "", (), False, "Stimulation"
    ),
    Field("adverse_events", "Adverse events", "checks", "", TMS_ADVERSE, False, "Adverse events"),
    Field(
        "serious",
        "Serious adverse event",
        "check",
        "Raises an urgent safety alert.",
        (),
        False,
        "Adverse events",
    ),
)
KETAMINE: tuple[Field, ...] = (
    Field("weight_kg", "Weight (kg)", "decimal", "", (), True, "Dose"),
    Field(
        "dose_mg_per_kg",
        "Dose (mg/kg)",
        "decimal",
        "0.5 mg/kg over 40 minutes is the most common protocol.",
        (),
        True,
        "Dose",
    ),
    Field("infusion_minutes", "Infusion time (minutes)", "number", "", (), True, "Dose"),
    Field("started_at", "Infusion started at", "datetime", "", (), False, "Dose"),
    Field(
        "vitals",
        "Vital signs",
        "vitals",
        "Blood pressure every 10 minutes during the "
        "infusion and every 15 minutes after is one clinic's practice.",
        (),
        False,
        "Vitals",
    ),
    Field("adverse_events", "Adverse events", "checks", "", ADVERSE, False, "Discharge"),
    Field(
        "serious",
        "Serious adverse event",
        "check",
        "Raises an urgent safety alert.",
        (),
        False,
        "Discharge",
    ),
    Field(
        "discharged_to_adult",
        "Discharged to a responsible adult",
        "check",
        "",
        (),
        False,
        "Discharge",
    ),
    Field("discharged_at", "Discharged at", "datetime", "", (), False, "Discharge"),
)
VITAL_KEYS = ("at", "systolic", "diastolic", "heart_rate", "spo2")
BLANK_VITALS = 3
FIELDS: dict[str, tuple[Field, ...]] = {
    "esketamine": ESKETAMINE,
    "tms": TMS,
    "iv_ketamine": KETAMINE,
}
CHECKS = ("concomitant",)
