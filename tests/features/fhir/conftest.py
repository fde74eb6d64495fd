"""The measurement tests' API clients and patient serve the FHIR tests too."""

from tests.features.measurement.conftest import api, patient

__all__ = ["api", "patient"]
