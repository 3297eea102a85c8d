from __future__ import annotations

from typing import Any

from resolvers.filter_inputs import Conditions, FilterReading, Range

need_where = FilterReading(
    "Need",
    ids=("category", "skill", "community", "district", "resident"),
    any_of=("status", "urgency"),
    equal=("slot",),
    ranges=(Range("created_from", "created_to", "creation time"),),
)
recruitment_where = FilterReading(
    "Recruitment",
    ids=("community", "organization", "skill"),
    any_of=("status",),
    ranges=(Range("starts_from", "starts_to", "start time"),),
)
referral_where = FilterReading(
    "Referral", ids=("from_organization", "to_organization", "need"), any_of=("status",)
)
time_bank_entry_where = FilterReading("TimeBankEntry", ids=("volunteer",), any_of=("kind",))
_SERVICE_RECORD = FilterReading(
    "ServiceRecord",
    ids=("volunteer", "need", "project", "category", "community"),
    ranges=(Range("date_from", "date_to", "date"),),
)


def service_record_where(f: Any) -> Conditions:
    """`verified: false` asks for the records not verified: a condition of its own."""
    if f is None:
        return {}
    where = _SERVICE_RECORD.read(f)
    return where.flag("verified", f.verified is True).flag("unverified", f.verified is False).done()
