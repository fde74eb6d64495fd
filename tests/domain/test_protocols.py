"""Course templates are data: every number cited, validated at load, overridable by a clinic."""

from __future__ import annotations

from pathlib import Path

import pytest

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.evidence.loader import default_evidence
from trdnav.domain.protocols import ProtocolError, default_templates, load_templates
from trdnav.platform.clinics import load_clinic

# One row per template: sessions, max a day, min gap, max weeks, first/later minutes, kind.
SPEC = [
    ("rtms", 36, 1, 0, 9, 60, 40, "tms", [(30, 5), (3, 3), (2, 2), (1, 1)]),
    ("deep_tms", 44, 1, 0, 16, 60, 20, "tms", [(20, 5), (24, 2)]),
    ("accelerated_itbs", 50, 10, 50, 1, 60, 10, "tms", [(50, 50)]),
    ("iv_ketamine", 6, 1, 0, 3, 120, 120, "infusion_chair", [(6, 2)]),
    ("esketamine", 12, 1, 0, 8, 120, 120, "observation_room", [(8, 2), (4, 1)]),
]


@pytest.mark.parametrize("row", SPEC, ids=lambda r: r[0])
def test_template_numbers(row: tuple) -> None:  # type: ignore[type-arg]
    tid, total, per_day, gap, weeks, first, later, kind, phases = row
    t = default_templates()[tid]
    assert (t.total_sessions, t.max_per_day, t.min_gap_minutes, t.max_weeks) == (
        total,
        per_day,
        gap,
        weeks,
    )
    assert (t.first_visit.minutes, t.visit.minutes, t.resource_kind) == (first, later, kind)
    assert [(p.sessions, p.per_week) for p in t.phases] == phases


def test_every_number_cites_a_registered_source() -> None:
    sources = set(default_evidence().sources)
    for t in default_templates().values():
        cited = t.source_ids + t.first_visit.source_ids + t.visit.source_ids
        cited += [s for p in t.phases for s in p.source_ids]
        assert cited and set(cited) <= sources, t.id


def test_esketamine_needs_a_prescriber_on_site() -> None:
    assert default_templates()["esketamine"].staff_on_site == ["prescriber"]
    assert default_templates()["rtms"].staff_on_site == []


def test_unknown_source_id_stops_loading(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/trdnav/domain/protocols/data/rtms.toml").read_text()
    (tmp_path / "rtms.toml").write_text(text.replace('"BCBSM-TMS-2016"', '"NO-SUCH-SOURCE"', 1))
    with pytest.raises(ProtocolError, match="unknown source id 'NO-SUCH-SOURCE'"):
        load_templates(tmp_path)


def test_clinic_overrides_lengths_and_adds_its_own_template() -> None:
    demo = load_clinic()
    own = {
        "id": "rtms_medicare",
        "option": "rtms",
        "name": "Medicare: 20 sessions + 5 taper",
        "resource_kind": "tms",
        "max_per_day": 1,
        "min_gap_minutes": 0,
        "max_weeks": 7,
        "source_ids": ["CMS-A57598"],
        "first_visit": {"minutes": 75, "source_ids": ["CLINIC-DEMO"]},
        "visit": {"minutes": 30, "source_ids": ["CLINIC-DEMO"]},
        "phases": [
            {"name": "Daily", "sessions": 20, "per_week": 5, "source_ids": ["CMS-A57598"]},
            {"name": "Taper", "sessions": 5, "per_week": 3, "source_ids": ["CMS-A57598"]},
        ],
    }
    config = ClinicConfig.model_validate({**demo.model_dump(), "templates": [own]})
    templates = config.course_templates()
    assert templates["rtms_medicare"].total_sessions == 25
    assert templates["esketamine"].visit.minutes == 150  # the demo clinic's own length
    assert templates["esketamine"].visit.source_ids == ["CLINIC-DEMO"]
    bad = {**own, "source_ids": ["MADE-UP"]}
    with pytest.raises(ValueError, match="unknown source id 'MADE-UP'"):
        ClinicConfig.model_validate({**demo.model_dump(), "templates": [bad]})


def test_a_resource_must_be_of_the_kind_its_options_need() -> None:
    demo = load_clinic().model_dump()
    demo["resources"][0]["kind"] = "infusion_chair"  # tms-1 serves rtms
    with pytest.raises(ValueError, match="rtms needs a tms"):
        ClinicConfig.model_validate(demo)


def test_demo_clinic_ships_a_realistic_set() -> None:
    demo = load_clinic()
    kinds = {r.kind for r in demo.resources}
    assert kinds == {"tms", "infusion_chair", "observation_room"}
    assert {r.coil for r in demo.resources if r.kind == "tms"} == {"figure8", "h1"}
    served = {o for r in demo.resources for o in r.options}
    assert set(demo.offered) <= served
    assert demo.display_name == "Harbor Light"
    assert demo.prescriber_on_site and demo.hours["fri"] == ["08:00", "16:00"]
