"""FHIR R4 export: a patient's `$everything` Bundle and bulk NDJSON per resource type."""
