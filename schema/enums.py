"""The GraphQL enums: the domain's vocabularies (graph/model/vocab.py) as strawberry enums.

Each is made from its vocabulary by :func:`graphql_enum`, with the same names, values and
descriptions (English with the Chinese term), so what GraphiQL's docs show is what the graph
stores. Only the sort direction is GraphQL's own.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from graph.model import vocab


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest, earliest or A first (升序).")
    DESC = strawberry.enum_value("DESC", description="Largest, latest or Z first (降序).")


def graphql_enum(vocabulary: type[vocab.Vocabulary] | type[vocab.Grade]) -> Any:
    """A strawberry enum of the same name, values and descriptions as ``vocabulary``.

    A separate plain ``Enum`` (not the vocabulary itself), so the GraphQL layer's members stay
    what they were: compared by identity, their ``value`` the stored text or number.
    """
    members = {
        member.name: strawberry.enum_value(member.value, description=member.description)
        for member in vocabulary
    }
    return strawberry.enum(Enum(vocabulary.__name__, members), description=vocabulary.__doc__)  # type: ignore[misc]


CommunityKind = graphql_enum(vocab.CommunityKind)
Gender = graphql_enum(vocab.Gender)
ConsentScope = graphql_enum(vocab.ConsentScope)
ConsentGiver = graphql_enum(vocab.ConsentGiver)
VulnerabilityTag = graphql_enum(vocab.VulnerabilityTag)
Language = graphql_enum(vocab.Language)
WeeklySlot = graphql_enum(vocab.WeeklySlot)
NeedStatus = graphql_enum(vocab.NeedStatus)
Urgency = graphql_enum(vocab.Urgency)
NeedSource = graphql_enum(vocab.NeedSource)
VolunteerStatus = graphql_enum(vocab.VolunteerStatus)
SkillLevel = graphql_enum(vocab.SkillLevel)
MemberRole = graphql_enum(vocab.MemberRole)
Qualification = graphql_enum(vocab.Qualification)
OrganizationKind = graphql_enum(vocab.OrganizationKind)
Registration = graphql_enum(vocab.Registration)
Rating = graphql_enum(vocab.Rating)
TeamLevel = graphql_enum(vocab.TeamLevel)
IncubationStage = graphql_enum(vocab.IncubationStage)
ProjectStatus = graphql_enum(vocab.ProjectStatus)
FundKind = graphql_enum(vocab.FundKind)
ExpertDomain = graphql_enum(vocab.ExpertDomain)
ResourceKind = graphql_enum(vocab.ResourceKind)
RecruitmentStatus = graphql_enum(vocab.RecruitmentStatus)
SignUpStatus = graphql_enum(vocab.SignUpStatus)
ReferralStatus = graphql_enum(vocab.ReferralStatus)
TimeBankEntryKind = graphql_enum(vocab.TimeBankEntryKind)
Attendance = graphql_enum(vocab.Attendance)
CertificateStatus = graphql_enum(vocab.CertificateStatus)
WebhookStatus = graphql_enum(vocab.WebhookStatus)
