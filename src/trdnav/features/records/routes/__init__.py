"""Patient record pages: the record itself (record.py) and corrections with history
(corrections.py)."""

from fastapi import APIRouter

from trdnav.features.records.routes.corrections import router as corrections
from trdnav.features.records.routes.record import router as record

router = APIRouter()
for part in (record, corrections):
    router.include_router(part)
