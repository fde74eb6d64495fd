"""Patient record pages: the record itself (record.py) and corrections with history
(corrections.py), new records and merges (intake.py)."""

from fastapi import APIRouter

from trdnav.features.records.routes.corrections import router as corrections
from trdnav.features.records.routes.intake import router as intake
from trdnav.features.records.routes.record import router as record

router = APIRouter()
for part in (intake, record, corrections):  # intake first: /patients/new before /{id}
    router.include_router(part)
