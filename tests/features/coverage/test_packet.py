"""The packet: a tagged PDF with the cover sheet, the letter of medical necessity built from
the check (only facts of the record; the clinician signs), trials, scores with dates, the
diagnosis and planned codes and units."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.cast import Member
from trdnav.platform.runtime import Runtime


def _start(member: Member, patient_id: str, policy: str, payer: str) -> str:
    response = member.post(
        f"/workspace/patients/{patient_id}/authorizations",
        {"option": "rtms", "policy": policy, "payer": payer},
    )
    assert response.status_code == 303
    return str(response.headers["location"])


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def test_packet_holds_what_a_payer_needs(
    cast: dict[str, Member], patient_id: str, runtime: Runtime
) -> None:
    cora = cast["cora"]
    url = _start(cora, patient_id, "CENTENE-TMS", "Ambetter")
    edit = {
        "payer": "Ambetter",
        "requested_units": "36",
        "ordering_clinician": "Dr. Priya Shah",
        "ordering_psychiatrist": "yes",
        "diagnosis_codes": "F33.2",
        "code_1": "90867",
        "units_1": "1",
        "code_2": "90868",
        "units_2": "35",
    }
    assert cora.post(url, edit).status_code == 303
    response = cora.get(f"{url}/packet.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    reader, text = _text(response.content)
    for expected in (
        "Prior authorization request",
        "Ambetter",
        "Centene / Ambetter: transcranial magnetic stimulation",
        "Ana Diaz",
        "1984-03-02",
        "Dr. Priya Shah",
        # Diagnosis and planned codes with units
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        "CPT 90867",
        "CPT 90868",
        "35 sessions",
        # The letter, from the record, for the clinician to sign
        "Letter of medical necessity",
        "The most recent PHQ-9",
        "was 21 (severe)",
        "sertraline (SSRI) for 8 weeks at a therapeutic dose with no response",
        "Effexor XR (SNRI) for 10 weeks",
        "The patient has had a trial of psychotherapy.",
        "Signature",
        # Trials and scores with dates
        "Antidepressant and augmentation trials",
        "Scores with dates",
        "patient-reported",
        # Every page names the patient (fax pages get separated) and is numbered
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "Review before sending" not in text  # every Centene criterion is met
    assert len(reader.pages) >= 3
    # Tagged for assistive technology (PDF/UA): a structure tree and marked content.
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"


def test_an_incomplete_check_is_flagged_and_claims_nothing_unknown(
    cast: dict[str, Member], patient_id: str
) -> None:
    # Medicare: the ordering psychiatrist is not on the request yet, so the check is incomplete.
    url = _start(cast["cora"], patient_id, "LCD-L34522", "Medicare")
    _, text = _text(cast["cora"].get(f"{url}/packet.pdf").content)
    assert "Review before sending" in text and "Ordered by a psychiatrist" in text
    assert "not shown by the record" in text
    assert "(psychiatrist)" not in text  # never claimed while unknown
