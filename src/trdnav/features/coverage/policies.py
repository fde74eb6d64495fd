"""The payer-policy registry as the clinic sees it: which policies, for which option and plan.

No database: policies are data files. The decision aid asks `payer_policies` which of the
clinic's policies its cost estimate refers to; the workspace and the API list and resolve them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from trdnav.domain.clinic import ClinicConfig
from trdnav.domain.coverage.loader import default_coverage
from trdnav.domain.coverage.schema import Policy
from trdnav.domain.evidence.loader import default_evidence


class CoverageInputError(ValueError):
    """Invalid input for coverage; `field` names the field (form or API) at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


class PolicyRef(BaseModel):
    """A policy as the aid names it: its name and its sources."""

    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    source_ids: list[str]


class PolicyView(BaseModel):
    """A policy as `GET /api/v1/coverage-policies` lists it."""

    model_config = ConfigDict(frozen=True)
    id: str
    name: str
    payer: str
    plan_types: list[str]
    options: list[str]
    not_covered_options: list[str]
    clinic_works_with: bool
    source_ids: list[str]


def all_policies() -> dict[str, Policy]:
    """Every policy of the data, by id."""
    return default_coverage().policies


def clinic_policies(clinic: ClinicConfig | None) -> list[Policy]:
    """The policies the clinic works with (all of them when its TOML lists none or the clinic's
    configuration is not known here)."""
    policies = all_policies()
    listed = clinic.coverage_policies if clinic is not None else []
    return [policies[pid] for pid in listed or list(policies)]


def policy_views(clinic: ClinicConfig | None) -> list[PolicyView]:
    """Every policy, saying whether the clinic works with it."""
    ours = {p.id for p in clinic_policies(clinic)}
    return [
        PolicyView(
            id=p.id,
            name=p.name,
            payer=p.payer,
            plan_types=list(p.plan_types),
            options=list(p.options),
            not_covered_options=[n.option for n in p.not_covered if n.option],
            clinic_works_with=p.id in ours,
            source_ids=list(p.source_ids),
        )
        for p in all_policies().values()
    ]


def resolve(option: str, policy_id: str) -> Policy:
    """The policy for a check or request; CoverageInputError naming `option` or `policy`."""
    if option not in default_evidence().options:
        raise CoverageInputError(
            "option", f"is not a known option ({', '.join(default_evidence().options)})"
        )
    policy = all_policies().get(policy_id)
    if policy is None:
        raise CoverageInputError("policy", f"is not a known policy ({', '.join(all_policies())})")
    if not policy.applies_to(option):
        raise CoverageInputError(
            "option", f"policy {policy.id} applies to {', '.join(policy.options)}, not {option}"
        )
    return policy


def payer_policies(clinic: ClinicConfig, option: str, plan: str | None) -> list[PolicyRef]:
    """The clinic's policies for this option and plan type (the aid names them by its cost)."""
    if plan is None:
        return []
    return [
        PolicyRef(id=p.id, name=p.name, source_ids=list(p.source_ids))
        for p in clinic_policies(clinic)
        if plan in p.plan_types and option in p.options
    ]


def option_names() -> dict[str, str]:
    """Option id -> the name patients and staff read."""
    return {oid: o.name for oid, o in default_evidence().options.items()}
