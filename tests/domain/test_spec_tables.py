"""The spec tables read as tables: every row carries a readable id (`input -> expected`)."""

from __future__ import annotations

import importlib

import pytest

SPEC_TABLES = {
    "test_screening_spec": ("ROWS", "STATUS_ROWS"),
    "test_costs_spec": ("ROWS",),
    "test_alerts_spec": ("ROWS",),
    "test_measures_spec": ("BANDS", "OUT_OF_RANGE", "TOTALS", "CHANGES", "SEVERITY"),
    "test_resistance_spec": ("ROWS",),
    "test_coverage_lcd_spec": ("L34522", "L37086", "SUMMARY"),
    "test_coverage_aetna_spec": ("ROWS",),
    "test_coverage_commercial_spec": ("UHC", "CENTENE"),
    "test_coverage_esketamine_spec": ("CIGNA", "QUALCHOICE"),
    "test_coverage_tracking_spec": ("ROWS", "CONTINUATION"),
    "test_coverage_authorization_spec": ("ROWS",),
}


@pytest.mark.parametrize(
    ("module", "table"), [(m, t) for m, tables in SPEC_TABLES.items() for t in tables]
)
def test_every_row_has_a_unique_readable_id(module: str, table: str) -> None:
    rows = getattr(importlib.import_module(f"tests.domain.{module}"), table)
    ids = [getattr(row, "id", None) for row in rows]
    assert all(i is not None and " -> " in i for i in ids), f"{module}.{table}: rows without ids"
    assert len(set(ids)) == len(ids), f"{module}.{table}: duplicate ids"
