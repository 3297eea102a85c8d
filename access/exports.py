"""What an export for analysis may carry: the families and ties, and each node's properties
de-identified (docs/ANALYSIS.md, docs/PRIVACY.md). Pure rules; ``web.exports`` writes the files.
"""

from __future__ import annotations

from collections.abc import Mapping

from access.inference import age_band, coarse
from access.policy import (
    ABOUT_RESIDENTS,
    LINK_FIELDS,
    PERSONAL_TIES,
    Grants,
    RowScope,
    View,
    in_analysis,
    link_readable,
    row_scope,
    shows_tie,
)
from access.tokens import Role, Viewer

# --- exports for analysis -----------------------------------------------------------------

# Records about residents (ABOUT_RESIDENTS) are exported as their de-identified view, everything
# else as its public face. Exports are the same for every role that may ask.
# Stored properties that never leave the service: the search text holds names' characters.
INTERNAL_PROPS = frozenset({"search"})


def export_view(label: str) -> View:
    return View.DEIDENTIFIED if label in ABOUT_RESIDENTS else View.PUBLIC


def _analyst_rows(label: str) -> RowScope | None:
    return row_scope(Viewer(Role.ANALYST, "export"), Grants(), label)


def exported_family(label: str) -> bool:
    """Whether an export carries the nodes of ``label``. Exports are the same for every role
    that may ask, so they hold only the rows the least entitled of those roles, the analyst, may
    see: whole families, or the reviewed rows of a family seen only once reviewed
    (:func:`reviewed_only`), or the consenting rows of a family seen only with consent to
    analysis (:func:`consented_only`); not the time-bank ledger (it adds up to balances), nor
    the audit log."""
    rows = _analyst_rows(label)
    return rows is None or ((rows.reviewed or rows.consented) and not rows.closed and not rows.ids)


def reviewed_only(label: str) -> bool:
    """Whether an export carries only the reviewed rows of ``label`` (``policy.UNTIL_REVIEWED``:
    a service record not yet approved says when a visit ended)."""
    rows = _analyst_rows(label)
    return rows is not None and rows.reviewed


def consented_only(label: str) -> bool:
    """Whether an export carries only the rows of ``label`` consented to analysis
    (``policy.BY_CONSENT``: a resident who did not consent, or withdrew, is left out)."""
    rows = _analyst_rows(label)
    return rows is not None and rows.consented


def exported_tie(rel_type: str) -> bool:
    """Whether an export carries relationships of ``rel_type`` (personal ties never)."""
    end = PERSONAL_TIES.get(rel_type)
    held = LINK_FIELDS.get(rel_type)
    return (end is None or shows_tie(rel_type, export_view(end))) and (
        held is None or link_readable(rel_type, export_view(held[0]))
    )


def deidentified(label: str, props: Mapping[str, object]) -> dict[str, object]:
    """A node's stored properties as an analysis export may carry them (:func:`in_analysis`:
    no protected field the export view may not read, no free text or undeclared property about a
    resident); a resident's home becomes its ~500 m grid cell, their birth year an age band and
    the day they were registered its month."""
    seen_as = export_view(label)
    out: dict[str, object] = {}
    for name, value in props.items():
        if name in INTERNAL_PROPS or name.startswith("_"):
            continue
        if not in_analysis(label, name, seen_as):
            continue
        out[name] = value
    if label == "Resident":
        location = props.get("location")
        if isinstance(location, Mapping):
            lat, lon = coarse(float(location["latitude"]), float(location["longitude"]))
            out["approximateLocation"] = {"latitude": lat, "longitude": lon}
        birth_year = props.get("birthYear")
        out["ageBand"] = age_band(birth_year if isinstance(birth_year, int) else None)
        registered = props.get("registeredOn")
        if registered is not None:
            out["registeredMonth"] = str(registered)[:7]
    return out
