"""The workspace's record forms: one field list per kind (the template loops over it), the flat
form turned into the API's record body (so both doors go through the same validation), and a
stored record turned back into form values (a correction starts from the current version)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

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


def groups(kind: str) -> list[tuple[str, list[Field]]]:
    """The kind's fields by fieldset, in order."""
    out: list[tuple[str, list[Field]]] = []
    for f in FIELDS[kind]:
        if not out or out[-1][0] != f.group:
            out.append((f.group, []))
        out[-1][1].append(f)
    return out


def _moment(value: str, tz: str) -> str:
    try:
        local = datetime.fromisoformat(value)
    except ValueError:
        return value  # the model names it
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz))
    return local.isoformat()


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def to_body(kind: str, data: dict[str, Any], tz: str) -> dict[str, Any]:
    """The flat form as the API's record body (times in the clinic's zone)."""
    body: dict[str, Any] = {"kind": kind}
    serious = bool(data.get("serious"))
    for f in FIELDS[kind]:
        if f.name == "serious":
            continue
        if f.kind == "check":
            body[f.name] = bool(data.get(f.name))
        elif f.kind == "checks":
            values = _list(data.get(f.name))
            if f.name == "adverse_events":
                body[f.name] = [{"kind": v, "serious": serious} for v in values]
            else:
                body[f.name] = values
        elif f.kind == "vitals":
            body[f.name] = _vitals(data, tz)
        elif f.kind == "bp":
            sys_, dia = data.get(f"{f.name}.systolic"), data.get(f"{f.name}.diastolic")
            if sys_ or dia:
                body[f.name] = {"systolic": sys_, "diastolic": dia}
        elif f.name.startswith("prescriber_decision."):
            continue
        elif f.name in data:
            value = data[f.name]
            if f.kind == "datetime":
                value = _moment(str(value), tz)
            if f.name == "device_lots":
                value = [x.strip() for x in str(value).split(",") if x.strip()]
            body[f.name] = value
    proceed = data.get("prescriber_decision.proceed")
    if proceed in ("true", "false"):
        body["prescriber_decision"] = {
            "proceed": proceed == "true",
            "reason": data.get("prescriber_decision.reason", ""),
        }
        if data.get("prescriber_decision.prescriber"):
            body["prescriber_decision"]["prescriber"] = data["prescriber_decision.prescriber"]
    if data.get("reason"):
        body["reason"] = data["reason"]
    return body


def _local_input(value: str | None, tz: str) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def to_values(detail: dict[str, Any], tz: str) -> dict[str, Any]:
    """A stored record as the form's values."""
    values: dict[str, Any] = {}
    kind = detail["kind"]
    for f in FIELDS[kind]:
        raw = detail.get(f.name)
        if f.kind == "bp" and isinstance(raw, dict):
            values[f"{f.name}.systolic"] = raw["systolic"]
            values[f"{f.name}.diastolic"] = raw["diastolic"]
        elif f.kind == "datetime":
            values[f.name] = _local_input(raw, tz)
        elif f.kind == "vitals":
            for i, v in enumerate(raw or []):
                for key in VITAL_KEYS:
                    value = _local_input(v[key], tz) if key == "at" else v[key]
                    values[f"vitals.{i}.{key}"] = value
        elif f.name == "adverse_events":
            values[f.name] = [a["kind"] for a in raw or []]
            values["serious"] = any(a.get("serious") for a in raw or [])
        elif f.name == "device_lots":
            values[f.name] = ", ".join(raw or [])
        elif raw is not None and f.name != "serious":
            values[f.name] = raw
    decision = detail.get("prescriber_decision")
    if decision:
        values["prescriber_decision.proceed"] = "true" if decision["proceed"] else "false"
        values["prescriber_decision.reason"] = decision["reason"]
        values["prescriber_decision.prescriber"] = decision.get("prescriber") or ""
    return values


def vital_rows(values: dict[str, Any]) -> int:
    """How many vitals rows the form shows: those filled in, plus blank ones to add."""
    filled = 0
    while any(f"vitals.{filled}.{k}" in values for k in VITAL_KEYS):
        filled += 1
    return filled + BLANK_VITALS


def _vitals(data: dict[str, Any], tz: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    i = 0
    while any(f"vitals.{i}.{k}" in data for k in VITAL_KEYS) or i < BLANK_VITALS:
        row = {k: data.get(f"vitals.{i}.{k}") for k in VITAL_KEYS}
        if any(v not in (None, "") for v in row.values()):
            if row["at"]:
                row["at"] = _moment(str(row["at"]), tz)
            out.append(row)
        i += 1
        if i > 200:
            break
    return out
