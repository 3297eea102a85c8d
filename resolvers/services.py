from __future__ import annotations

from typing import Any

from resolvers.filters import Where


def need_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("status", f.status)
        .values("urgency", f.urgency)
        .id("category", f.category, "ServiceCategory")
        .id("skill", f.skill, "Skill")
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .id("resident", f.resident, "Resident")
        .value("slot", f.slot)
        .range("created_from", f.created_from, "created_to", f.created_to, "creation time")
        .done()
    )


def recruitment_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("status", f.status)
        .id("community", f.community, "Community")
        .id("organization", f.organization, "Organization")
        .id("skill", f.skill, "Skill")
        .range("starts_from", f.starts_from, "starts_to", f.starts_to, "start time")
        .done()
    )


def service_record_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .id("volunteer", f.volunteer, "Volunteer")
        .id("need", f.need, "Need")
        .id("project", f.project, "Project")
        .id("category", f.category, "ServiceCategory")
        .id("community", f.community, "Community")
        .flag("verified", f.verified is True)
        .flag("unverified", f.verified is False)
        .range("date_from", f.date_from, "date_to", f.date_to, "date")
        .done()
    )


def referral_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("status", f.status)
        .id("from_organization", f.from_organization, "Organization")
        .id("to_organization", f.to_organization, "Organization")
        .id("need", f.need, "Need")
        .done()
    )


def time_bank_entry_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return Where().id("volunteer", f.volunteer, "Volunteer").values("kind", f.kind).done()
