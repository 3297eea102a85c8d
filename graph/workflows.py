"""The service workflows as single guarded write statements.

Each workflow step is one Cypher statement, so it is atomic on both engines. A statement:
1. looks up the request's idempotency key (a retried request finds its first answer there);
2. matches everything it names with OPTIONAL MATCH, and takes a write lock on the node that
   holds the invariant it guards (``SET x._lock = true``, removed before it returns): FalkorDB
   serializes writes anyway; on Neo4j the lock makes concurrent check-then-write steps queue;
3. computes one ``problem`` code (or null) from the current state, under that lock;
4. writes only when there is no problem (``FOREACH`` over a one-element list), recording the
   idempotency key in the same statement;
5. returns the problem, the answer, and what the key held if it was seen before.

So a step that is refused changes nothing, and a step either happened with its key or did not
happen at all. ``perform`` turns the problem codes into ``GraphNotFound``/``GraphRejected`` with
messages for the user.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import cypher
from graph.engine.errors import GraphConflict, GraphNotFound, GraphRejected
from graph.engine.store import GraphStore, Record
from graph.model.entities import node_rows
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.people import STAR_THRESHOLDS_HOURS
from graph.model.services import ACTIVE_NEED_STATUSES, NEEDS, RECRUITMENTS, Need, Recruitment
from graph.queries import matching

SEEN = "OPTIONAL MATCH (seen:IdempotencyKey {key: $key})"
OUTCOME = "problem, seen.result AS replayOf, seen.fingerprint AS seenFingerprint"


def lock(var: str) -> str:
    """Take a write lock on ``var`` (when it exists and the request is not a replay)."""
    return (
        f"FOREACH (x IN CASE WHEN seen IS NULL AND {var} IS NOT NULL THEN [{var}] ELSE [] END "
        "| SET x._lock = true)"
    )


def unlock(var: str) -> str:
    return f"FOREACH (x IN CASE WHEN {var} IS NULL THEN [] ELSE [{var}] END | REMOVE x._lock)"


def remember(result: str) -> str:
    """Record the idempotency key (when the request has one) with the id of its answer."""
    return (
        "FOREACH (k IN CASE WHEN $key IS NULL THEN [] ELSE [$key] END | "
        "CREATE (:IdempotencyKey {key: k, operation: $operation, fingerprint: $fingerprint, "
        f"result: {result}, at: $at}}))"
    )


def when_ok(body: str) -> str:
    return f"FOREACH (_ IN CASE WHEN problem IS NULL THEN [1] ELSE [] END | {body})"


# --- needs ---------------------------------------------------------------------------------

REPORT_NEED = cypher(
    "workflows.report_need",
    f"""
    {SEEN}
    OPTIONAL MATCH (r:Resident {{id: $resident}})
    OPTIONAL MATCH (r)-[:LIVES_IN]->(c:Community)
    OPTIONAL MATCH (cat:ServiceCategory {{id: $category}})
    OPTIONAL MATCH (s:Skill) WHERE s.id IN $skills
    WITH seen, r, c, cat, collect(s) AS skills
    WITH seen, r, c, cat, skills, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN r IS NULL THEN 'RESIDENT_NOT_FOUND'
        WHEN c IS NULL THEN 'RESIDENT_WITHOUT_COMMUNITY'
        WHEN cat IS NULL THEN 'CATEGORY_NOT_FOUND'
        WHEN size(skills) < size($skills) THEN 'SKILL_NOT_FOUND'
    END AS problem
    {
        when_ok(
            "CREATE (n:Need:Searchable {id: $id}) SET n += $props, n.search = $search "
            "CREATE (r)-[:HAS_NEED]->(n) CREATE (n)-[:IN]->(c) CREATE (n)-[:OF_CATEGORY]->(cat) "
            "FOREACH (s IN skills | CREATE (n)-[:REQUIRES]->(s)) " + remember("$id")
        )
    }
    RETURN {OUTCOME}
    """,
)

UPDATE_NEED = cypher(
    "workflows.update_need",
    f"""
    {SEEN}
    OPTIONAL MATCH (need:Need {{id: $need}})
    {lock("need")}
    WITH seen, need
    OPTIONAL MATCH (:Volunteer)-[held:ASSIGNED]->(need)
    WITH seen, need,
         collect(CASE WHEN held IS NULL THEN NULL ELSE coalesce(held.slots, need.slots, []) END)
         AS taken
    WITH seen, need, taken, coalesce($props.headcount, need.headcount, 1) AS headcount, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN NOT need.status IN $active THEN 'NEED_NOT_ACTIVE'
        ELSE NULL
    END AS problem
    WITH seen, need, CASE
        WHEN problem IS NULL AND any(s IN reduce(all_ = [], t IN taken | all_ + t)
             WHERE size([t IN taken WHERE s IN t]) > headcount) THEN 'HEADCOUNT_BELOW_ASSIGNED'
        ELSE problem
    END AS problem
    {
        when_ok(
            "SET need += $props "
            "FOREACH (t IN CASE WHEN $search IS NULL THEN [] ELSE [$search] END | "
            "SET need.search = t) " + remember("$need")
        )
    }
    {unlock("need")}
    RETURN {OUTCOME}
    """,
)

SET_NEED_STATUS = cypher(
    "workflows.set_need_status",
    f"""
    {SEEN}
    OPTIONAL MATCH (need:Need {{id: $need}})
    {lock("need")}
    WITH seen, need, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN NOT need.status IN $active THEN 'NEED_NOT_ACTIVE'
    END AS problem
    {
        when_ok(
            "SET need.status = $status, need.closedAt = $at, need.closingNote = $note "
            + remember("$need")
        )
    }
    {unlock("need")}
    RETURN {OUTCOME}
    """,
)

# --- assignment ----------------------------------------------------------------------------

# A volunteer's other active needs take some of their slots: `free` is what is left of `wanted`.
FREE_SLOTS = (
    "[s IN wanted WHERE s IN coalesce(v.availability, []) AND none(o IN others WHERE "
    "s IN o.slots OR (o.oneOffSlot = s AND (need.oneOffKey IS NULL OR "
    "o.oneOffKey = need.oneOffKey)))]"
)

ASSIGN = cypher(
    "workflows.assign",
    f"""
    {SEEN}
    OPTIONAL MATCH (need:Need {{id: $need}})
    {lock("need")}
    WITH seen, need
    OPTIONAL MATCH (r:Resident)-[:HAS_NEED]->(need)
    OPTIONAL MATCH (need)-[:REQUIRES]->(req:Skill)
    WITH seen, need, r, collect(req.id) AS required
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(:ServiceCategory)
          <-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]-(:ServiceCategory)<-[:OF_CATEGORY]-(fallback:Skill)
    WHERE size(required) = 0
    WITH seen, need, r, required, collect(fallback.id) AS fallback
    WITH seen, need, r, required + fallback AS required,
         CASE WHEN need.oneOffSlot IS NULL THEN coalesce(need.slots, [])
              ELSE [need.oneOffSlot] END AS wanted
    OPTIONAL MATCH (:Volunteer)-[held:ASSIGNED]->(need)
    WITH seen, need, r, required, wanted,
         collect(CASE WHEN held IS NULL THEN NULL ELSE coalesce(held.slots, wanted) END) AS taken
    UNWIND $items AS item
    OPTIONAL MATCH (v:Volunteer {{id: item.id}})
    {lock("v")}
    WITH seen, need, r, required, wanted, taken, item, v
    OPTIONAL MATCH (v)-[:HAS_SKILL]->(:Skill)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(t:Skill)
    WHERE t.id IN required
    WITH seen, need, r, wanted, taken, item, v, count(t) AS skillMatches
    OPTIONAL MATCH (v)-[a:ASSIGNED]->(other:Need)
    WHERE other.status IN $active
    WITH seen, need, r, wanted, taken, item, v, skillMatches,
         collect(CASE WHEN other IS NULL THEN NULL ELSE
                 {{id: other.id, slots: coalesce(a.slots, other.slots, []),
                   oneOffSlot: other.oneOffSlot, oneOffKey: other.oneOffKey}} END) AS assigned
    WITH seen, need, r, wanted, taken, item, v, skillMatches,
         [o IN assigned WHERE o.id <> need.id] AS others,
         any(o IN assigned WHERE o.id = need.id) AS already
    WITH seen, need, r, wanted, taken, item, v, skillMatches, others, already,
         {FREE_SLOTS} AS free,
         CASE WHEN v.location IS NULL THEN NULL
              ELSE point({{latitude: floor(v.location.latitude / $grid) * $grid + $grid / 2.0,
                          longitude: floor(v.location.longitude / $grid) * $grid + $grid / 2.0}})
         END AS cell
    // A base the caller may not read is measured from its cell, as whoCanServe measures it.
    WITH seen, need, r, wanted, taken, item, v, skillMatches, others, already, free,
         CASE WHEN v IS NULL OR r IS NULL THEN NULL
              WHEN $exact_all OR v.id IN $exact THEN $$distance(v.location, r.location)
              ELSE $$distance(cell, r.location) END AS measured
    WITH seen, need, wanted, taken, item, v, free, coalesce(item.slots, free) AS slots, CASE
        WHEN v IS NULL THEN 'NOT_FOUND'
        WHEN already THEN 'ALREADY_ASSIGNED'
        WHEN v.status <> 'ACTIVE' THEN 'INACTIVE'
        WHEN skillMatches = 0 THEN 'NO_MATCHING_SKILL'
        WHEN measured IS NULL OR measured > v.serviceRadiusMeters THEN 'OUT_OF_RANGE'
        WHEN coalesce(need.languageRequired, false)
             AND none(l IN coalesce(v.languages, []) WHERE l IN coalesce(r.languages, []))
            THEN 'NO_COMMON_LANGUAGE'
        WHEN size(others) >= coalesce(v.maxLoad, 1) THEN 'AT_LOAD_LIMIT'
        WHEN item.slots IS NOT NULL AND any(s IN item.slots WHERE NOT s IN wanted)
            THEN 'SLOT_NOT_IN_NEED'
        WHEN size(coalesce(item.slots, free)) = 0
             OR any(s IN coalesce(item.slots, free) WHERE NOT s IN free) THEN 'BUSY'
    END AS problem
    WITH seen, need, wanted, taken, collect(v) AS vs,
         collect({{id: item.id, slots: slots, problem: problem}}) AS checks
    WITH seen, need, vs, checks, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN NOT need.status IN $active THEN 'NEED_NOT_ACTIVE'
        WHEN any(c IN checks WHERE c.problem IS NOT NULL) THEN 'VOLUNTEER_NOT_ELIGIBLE'
        WHEN any(s IN wanted WHERE size([t IN taken WHERE s IN t])
                 + size([c IN checks WHERE s IN c.slots]) > coalesce(need.headcount, 1))
            THEN 'NEED_FULL'
    END AS problem
    FOREACH (x IN CASE WHEN problem IS NULL THEN vs ELSE [] END |
        CREATE (x)-[:ASSIGNED {{since: $at, by: $by,
                                slots: head([c IN checks WHERE c.id = x.id]).slots}}]->(need))
    {
        when_ok(
            "SET need.status = CASE WHEN need.status = 'OPEN' THEN 'MATCHED' "
            "ELSE need.status END " + remember("$need")
        )
    }
    FOREACH (x IN vs | REMOVE x._lock)
    {unlock("need")}
    RETURN {OUTCOME}, [c IN checks WHERE c.problem IS NOT NULL] AS refused
    """,
)

UNASSIGN = cypher(
    "workflows.unassign",
    f"""
    {SEEN}
    OPTIONAL MATCH (need:Need {{id: $need}})
    {lock("need")}
    WITH seen, need
    OPTIONAL MATCH (v:Volunteer {{id: $volunteer}})-[a:ASSIGNED]->(need)
    OPTIONAL MATCH (:Volunteer)-[held:ASSIGNED]->(need)
    WITH seen, need, a, count(held) AS assigned, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN a IS NULL THEN 'NOT_ASSIGNED'
    END AS problem
    FOREACH (x IN CASE WHEN problem IS NULL THEN [a] ELSE [] END | DELETE x)
    {
        when_ok(
            "SET need.status = CASE WHEN need.status = 'MATCHED' AND assigned = 1 "
            "THEN 'OPEN' ELSE need.status END " + remember("$need")
        )
    }
    {unlock("need")}
    RETURN {OUTCOME}
    """,
)

# --- recruitments --------------------------------------------------------------------------

POST_RECRUITMENT = cypher(
    "workflows.post_recruitment",
    f"""
    {SEEN}
    OPTIONAL MATCH (o:Organization {{id: $organization}})
    OPTIONAL MATCH (c:Community {{id: $community}})
    OPTIONAL MATCH (venue:Venue {{id: $venue}})
    OPTIONAL MATCH (p:Project {{id: $project}})
    OPTIONAL MATCH (s:Skill) WHERE s.id IN $skills
    WITH seen, o, c, venue, p, collect(s) AS skills
    WITH seen, o, c, venue, p, skills, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN o IS NULL THEN 'ORGANIZATION_NOT_FOUND'
        WHEN $community IS NOT NULL AND c IS NULL THEN 'COMMUNITY_NOT_FOUND'
        WHEN $venue IS NOT NULL AND venue IS NULL THEN 'VENUE_NOT_FOUND'
        WHEN $project IS NOT NULL AND p IS NULL THEN 'PROJECT_NOT_FOUND'
        WHEN size(skills) < size($skills) THEN 'SKILL_NOT_FOUND'
    END AS problem
    {
        when_ok(
            "CREATE (n:Recruitment:Searchable {id: $id}) SET n += $props, n.search = $search "
            "CREATE (o)-[:RUNS]->(n) "
            "FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | CREATE (n)-[:IN]->(x)) "
            "FOREACH (x IN CASE WHEN venue IS NULL THEN [] ELSE [venue] END | "
            "CREATE (n)-[:LOCATED_AT]->(x)) "
            "FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | CREATE (n)-[:FOR]->(x)) "
            "FOREACH (x IN skills | CREATE (n)-[:REQUIRES]->(x)) " + remember("$id")
        )
    }
    RETURN {OUTCOME}
    """,
)

SIGN_UP = cypher(
    "workflows.sign_up",
    f"""
    {SEEN}
    OPTIONAL MATCH (rec:Recruitment {{id: $recruitment}})
    {lock("rec")}
    WITH seen, rec
    OPTIONAL MATCH (:Volunteer)-[su:SIGNED_UP {{status: 'SIGNED_UP'}}]->(rec)
    WITH seen, rec, count(su) AS taken
    OPTIONAL MATCH (v:Volunteer {{id: $volunteer}})
    OPTIONAL MATCH (v)-[mine:SIGNED_UP]->(rec)
    WITH seen, rec, taken, v, mine, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN rec IS NULL THEN 'RECRUITMENT_NOT_FOUND'
        WHEN v IS NULL THEN 'VOLUNTEER_NOT_FOUND'
        WHEN v.status <> 'ACTIVE' THEN 'INACTIVE'
        WHEN rec.status = 'CLOSED' THEN 'RECRUITMENT_CLOSED'
        WHEN rec.startsAt IS NOT NULL AND rec.startsAt <= $at THEN 'RECRUITMENT_STARTED'
        WHEN mine IS NOT NULL AND mine.status = 'SIGNED_UP' THEN 'ALREADY_SIGNED_UP'
        WHEN taken >= rec.capacity THEN 'RECRUITMENT_FULL'
    END AS problem
    FOREACH (x IN CASE WHEN problem IS NULL THEN [v] ELSE [] END |
        MERGE (x)-[s:SIGNED_UP]->(rec) SET s.status = 'SIGNED_UP', s.at = $at)
    {
        when_ok(
            "SET rec.status = CASE WHEN taken + 1 >= rec.capacity THEN 'FULL' ELSE 'OPEN' END "
            + remember("$recruitment")
        )
    }
    {unlock("rec")}
    RETURN {OUTCOME}
    """,
)

WITHDRAW = cypher(
    "workflows.withdraw",
    f"""
    {SEEN}
    OPTIONAL MATCH (rec:Recruitment {{id: $recruitment}})
    {lock("rec")}
    WITH seen, rec
    OPTIONAL MATCH (:Volunteer {{id: $volunteer}})-[mine:SIGNED_UP {{status: 'SIGNED_UP'}}]->(rec)
    WITH seen, rec, mine, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN rec IS NULL THEN 'RECRUITMENT_NOT_FOUND'
        WHEN mine IS NULL THEN 'NOT_SIGNED_UP'
    END AS problem
    FOREACH (x IN CASE WHEN problem IS NULL THEN [mine] ELSE [] END |
        SET x.status = 'WITHDRAWN', x.withdrawnAt = $at)
    {
        when_ok(
            "SET rec.status = CASE WHEN rec.status = 'FULL' THEN 'OPEN' ELSE rec.status END "
            + remember("$recruitment")
        )
    }
    {unlock("rec")}
    RETURN {OUTCOME}
    """,
)

# --- service records and the time bank ---------------------------------------------------

RECORD_SERVICE = cypher(
    "workflows.record_service",
    f"""
    {SEEN}
    OPTIONAL MATCH (v:Volunteer {{id: $volunteer}})
    OPTIONAL MATCH (need:Need {{id: $need}})
    OPTIONAL MATCH (v)-[assigned:ASSIGNED]->(need)
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(needCategory:ServiceCategory)
    OPTIONAL MATCH (given:ServiceCategory {{id: $category}})
    OPTIONAL MATCH (p:Project {{id: $project}})
    WITH seen, v, need, assigned, coalesce(given, needCategory) AS cat, given, p, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN v IS NULL THEN 'VOLUNTEER_NOT_FOUND'
        WHEN $need IS NOT NULL AND need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN $category IS NOT NULL AND given IS NULL THEN 'CATEGORY_NOT_FOUND'
        WHEN $project IS NOT NULL AND p IS NULL THEN 'PROJECT_NOT_FOUND'
        WHEN need IS NOT NULL AND assigned IS NULL THEN 'NOT_ASSIGNED'
        WHEN need IS NULL AND given IS NULL THEN 'CATEGORY_REQUIRED'
    END AS problem
    {
        when_ok(
            "CREATE (n:ServiceRecord {id: $id}) SET n += $props "
            "CREATE (v)-[:PERFORMED]->(n) CREATE (n)-[:OF_CATEGORY]->(cat) "
            "FOREACH (x IN CASE WHEN need IS NULL THEN [] ELSE [need] END | "
            "CREATE (n)-[:FOR]->(x)) "
            "FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | "
            "CREATE (n)-[:PART_OF]->(x)) " + remember("$id")
        )
    }
    RETURN {OUTCOME}
    """,
)

VERIFY_SERVICE = cypher(
    "workflows.verify_service",
    f"""
    {SEEN}
    OPTIONAL MATCH (rec:ServiceRecord {{id: $record}})
    {lock("rec")}
    WITH seen, rec
    OPTIONAL MATCH (v:Volunteer)-[:PERFORMED]->(rec)
    {lock("v")}
    WITH seen, rec, v
    OPTIONAL MATCH (w:SocialWorker {{id: $worker}})
    OPTIONAL MATCH (:SocialWorker)-[done:VERIFIED]->(rec)
    OPTIONAL MATCH (rec)-[:FOR]->(:Need)-[:IN]->(c:Community)
    OPTIONAL MATCH (w)-[covers:COVERS]->(c)
    WITH seen, rec, v, w, count(done) AS verified, c, covers, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN rec IS NULL THEN 'RECORD_NOT_FOUND'
        WHEN w IS NULL THEN 'WORKER_NOT_FOUND'
        WHEN v IS NULL THEN 'RECORD_WITHOUT_VOLUNTEER'
        WHEN c IS NOT NULL AND covers IS NULL THEN 'NOT_COVERING'
        ELSE NULL
    END AS problem
    WITH seen, rec, v, w, coalesce(v.verifiedMinutes, 0) + coalesce(rec.minutes, 0) AS total,
         CASE WHEN problem IS NULL AND verified > 0 THEN 'ALREADY_VERIFIED' ELSE problem END
         AS problem
    {
        when_ok(
            "CREATE (w)-[:VERIFIED {at: $at}]->(rec) "
            "SET v.verifiedMinutes = total, "
            "v.starLevel = size([t IN $thresholds WHERE total >= t * 60]) "
            "CREATE (e:TimeBankEntry {id: $entry, minutes: rec.minutes, kind: 'EARNED', at: $at}) "
            "CREATE (v)-[:HOLDS]->(e) CREATE (e)-[:EARNED_BY]->(rec) " + remember("$record")
        )
    }
    {unlock("v")}
    {unlock("rec")}
    RETURN {OUTCOME}
    """,
)

SPEND_CREDITS = cypher(
    "workflows.spend_credits",
    f"""
    {SEEN}
    OPTIONAL MATCH (v:Volunteer {{id: $volunteer}})
    {lock("v")}
    WITH seen, v
    OPTIONAL MATCH (v)-[:HOLDS]->(entry:TimeBankEntry)
    WITH seen, v, coalesce(sum(entry.minutes), 0) AS balance
    OPTIONAL MATCH (need:Need {{id: $need}})
    OPTIONAL MATCH (v)-[family:FAMILY_OF]->(:Resident)-[:HAS_NEED]->(need)
    WITH seen, v, balance, need, family, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN v IS NULL THEN 'VOLUNTEER_NOT_FOUND'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN family IS NULL THEN 'NOT_FAMILY'
        WHEN balance < $minutes THEN 'INSUFFICIENT_CREDITS'
    END AS problem
    {
        when_ok(
            "CREATE (e:TimeBankEntry {id: $id, minutes: -$minutes, kind: 'SPENT', at: $at, "
            "note: $note}) CREATE (v)-[:HOLDS]->(e) CREATE (e)-[:SPENT_ON]->(need) "
            + remember("$id")
        )
    }
    {unlock("v")}
    RETURN {OUTCOME}, balance
    """,
)

# --- resources -----------------------------------------------------------------------------

OFFER_RESOURCE = cypher(
    "workflows.offer_resource",
    f"""
    {SEEN}
    OPTIONAL MATCH (o:Organization {{id: $organization}})
    OPTIONAL MATCH (venue:Venue {{id: $venue}})
    OPTIONAL MATCH (cat:ServiceCategory) WHERE cat.id IN $categories
    WITH seen, o, venue, collect(cat) AS categories
    WITH seen, o, venue, categories, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN o IS NULL THEN 'ORGANIZATION_NOT_FOUND'
        WHEN $venue IS NOT NULL AND venue IS NULL THEN 'VENUE_NOT_FOUND'
        WHEN size(categories) < size($categories) THEN 'CATEGORY_NOT_FOUND'
    END AS problem
    {
        when_ok(
            "CREATE (n:Resource:Searchable {id: $id}) SET n += $props, n.search = $search "
            "CREATE (o)-[:OFFERS]->(n) "
            "FOREACH (x IN categories | CREATE (n)-[:OF_CATEGORY]->(x)) "
            "FOREACH (x IN CASE WHEN venue IS NULL THEN [] ELSE [venue] END | "
            "CREATE (n)-[:LOCATED_AT]->(x)) " + remember("$id")
        )
    }
    RETURN {OUTCOME}
    """,
)

ALLOCATE_RESOURCE = cypher(
    "workflows.allocate_resource",
    f"""
    {SEEN}
    OPTIONAL MATCH (res:Resource {{id: $resource}})
    {lock("res")}
    WITH seen, res
    OPTIONAL MATCH (res)-[a:ALLOCATED_TO]->()
    WITH seen, res, res.quantity - coalesce(sum(a.quantity), 0) AS remaining
    OPTIONAL MATCH (need:Need {{id: $need}})
    WITH seen, res, remaining, need, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN res IS NULL THEN 'RESOURCE_NOT_FOUND'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN NOT need.status IN $active THEN 'NEED_NOT_ACTIVE'
        WHEN res.availableFrom IS NOT NULL AND res.availableFrom > $today THEN 'NOT_YET_AVAILABLE'
        WHEN res.availableUntil IS NOT NULL AND res.availableUntil < $today
            THEN 'NO_LONGER_AVAILABLE'
        WHEN remaining < $quantity THEN 'NOT_ENOUGH_LEFT'
    END AS problem
    {
        when_ok(
            "CREATE (res)-[:ALLOCATED_TO {id: $id, quantity: $quantity, at: $at, by: $by}]->(need) "
            + remember("$resource")
        )
    }
    {unlock("res")}
    RETURN {OUTCOME}, remaining
    """,
)

UPDATE_RESOURCE = cypher(
    "workflows.update_resource",
    f"""
    {SEEN}
    OPTIONAL MATCH (res:Resource {{id: $resource}})
    {lock("res")}
    WITH seen, res
    OPTIONAL MATCH (res)-[a:ALLOCATED_TO]->()
    WITH seen, res, coalesce(sum(a.quantity), 0) AS allocated
    WITH seen, res, allocated,
         coalesce($props.availableFrom, res.availableFrom) AS availableFrom,
         coalesce($props.availableUntil, res.availableUntil) AS availableUntil
    WITH seen, res, allocated, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN res IS NULL THEN 'RESOURCE_NOT_FOUND'
        WHEN $props.quantity IS NOT NULL AND $props.quantity < allocated
            THEN 'BELOW_ALLOCATED'
        WHEN availableFrom IS NOT NULL AND availableUntil IS NOT NULL
             AND availableUntil < availableFrom THEN 'WINDOW_INVERTED'
    END AS problem
    {
        when_ok(
            "SET res += $props "
            "FOREACH (t IN CASE WHEN $search IS NULL THEN [] ELSE [$search] END | "
            "SET res.search = t) " + remember("$resource")
        )
    }
    {unlock("res")}
    RETURN {OUTCOME}, allocated
    """,
)

# --- referrals -----------------------------------------------------------------------------

REFER = cypher(
    "workflows.refer",
    f"""
    {SEEN}
    OPTIONAL MATCH (need:Need {{id: $need}})
    {lock("need")}
    WITH seen, need
    OPTIONAL MATCH (source:Organization {{id: $from}})
    OPTIONAL MATCH (target:Organization {{id: $to}})
    OPTIONAL MATCH (open:Referral)-[:ABOUT]->(need)
    WHERE open.status IN ['PENDING', 'ACCEPTED'] AND (open)-[:TO]->(target)
    WITH seen, need, source, target, count(open) AS alreadyOpen, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN source IS NULL THEN 'FROM_NOT_FOUND'
        WHEN target IS NULL THEN 'TO_NOT_FOUND'
        WHEN source = target THEN 'SAME_ORGANIZATION'
        WHEN NOT need.status IN $active THEN 'NEED_NOT_ACTIVE'
        ELSE NULL
    END AS problem
    WITH seen, need, source, target, CASE WHEN problem IS NULL AND alreadyOpen > 0
                                          THEN 'ALREADY_REFERRED' ELSE problem END AS problem
    {
        when_ok(
            "CREATE (n:Referral {id: $id, status: 'PENDING', reason: $reason, createdAt: $at}) "
            "CREATE (source)-[:REFERRED]->(n) CREATE (n)-[:TO]->(target) "
            "CREATE (n)-[:ABOUT]->(need) " + remember("$id")
        )
    }
    {unlock("need")}
    RETURN {OUTCOME}
    """,
)

ANSWER_REFERRAL = cypher(
    "workflows.answer_referral",
    f"""
    {SEEN}
    OPTIONAL MATCH (ref:Referral {{id: $referral}})
    {lock("ref")}
    WITH seen, ref
    OPTIONAL MATCH (ref)-[:TO]->(target:Organization)
    WITH seen, ref, target, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN ref IS NULL THEN 'REFERRAL_NOT_FOUND'
        WHEN $organization IS NOT NULL AND target.id <> $organization THEN 'NOT_RECIPIENT'
        WHEN NOT ref.status IN $from_statuses THEN 'WRONG_STATUS'
    END AS problem
    {
        when_ok(
            "SET ref.status = $status, ref.outcome = coalesce($outcome, ref.outcome) "
            "FOREACH (t IN CASE WHEN $status = 'COMPLETED' THEN [] ELSE [1] END | "
            "SET ref.respondedAt = $at) "
            "FOREACH (t IN CASE WHEN $status = 'COMPLETED' THEN [1] ELSE [] END | "
            "SET ref.completedAt = $at) " + remember("$referral")
        )
    }
    {unlock("ref")}
    RETURN {OUTCOME}, ref.status AS status
    """,
)

# --- money ---------------------------------------------------------------------------------

DONATE = cypher(
    "workflows.donate",
    f"""
    {SEEN}
    OPTIONAL MATCH (f:Fund {{id: $fund}})
    OPTIONAL MATCH (donor:Organization {{id: $donor}})
    WITH seen, f, donor, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN f IS NULL THEN 'FUND_NOT_FOUND'
        WHEN donor IS NULL THEN 'DONOR_NOT_FOUND'
    END AS problem
    {
        when_ok(
            "CREATE (donor)-[:DONATED {id: $id, amountFen: $amount, date: $date, "
            "note: $note}]->(f) " + remember("$fund")
        )
    }
    RETURN {OUTCOME}
    """,
)

GRANT = cypher(
    "workflows.grant",
    f"""
    {SEEN}
    OPTIONAL MATCH (f:Fund {{id: $fund}})
    {lock("f")}
    WITH seen, f
    OPTIONAL MATCH (f)<-[d:DONATED]-()
    WITH seen, f, coalesce(sum(d.amountFen), 0) AS donated
    OPTIONAL MATCH (f)-[g:GRANTED]->()
    WITH seen, f, donated, coalesce(sum(g.amountFen), 0) AS granted
    WITH seen, f, donated - granted AS balance
    OPTIONAL MATCH (p:Project {{id: $project}})
    WITH seen, f, balance, p, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN f IS NULL THEN 'FUND_NOT_FOUND'
        WHEN p IS NULL THEN 'PROJECT_NOT_FOUND'
        WHEN balance < $amount THEN 'INSUFFICIENT_BALANCE'
    END AS problem
    {
        when_ok(
            "CREATE (f)-[:GRANTED {id: $id, amountFen: $amount, date: $date, award: $award}]->(p) "
            + remember("$fund")
        )
    }
    {unlock("f")}
    RETURN {OUTCOME}, balance
    """,
)

KEY_LOOKUP = cypher(
    "workflows.key_lookup",
    """
    MATCH (seen:IdempotencyKey {key: $key})
    RETURN 'REPLAY' AS problem, seen.result AS replayOf, seen.fingerprint AS seenFingerprint
    """,
)


# --- running them --------------------------------------------------------------------------

Problem = tuple[type[Exception], str]


@dataclass(frozen=True)
class Request:
    """Who asks for what, and the key that makes a retry safe."""

    operation: str
    inputs: Mapping[str, Any]
    key: str | None = None
    by: str | None = None  # the acting person's id, recorded where the workflow keeps it

    @property
    def stored_key(self) -> str | None:
        """The key as the graph keeps it: the caller's key *of this actor*. Keys are chosen by
        clients, so two actors may pick the same one; scoped, they are two requests, and a replay
        only ever answers the actor who made the first. (Keys stored before keys were scoped are
        the bare key: never matched again, so they can replay to no one.)"""
        if self.key is None:
            return None
        return json.dumps([self.by, self.key], ensure_ascii=False, separators=(",", ":"))

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps(
            {"operation": self.operation, "inputs": self.inputs}, sort_keys=True, default=str
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Done:
    """What a workflow step answered: the id of its main entity; ``replayed`` on a retry."""

    result: str
    replayed: bool
    row: Record


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


async def perform(
    store: GraphStore,
    statement: Any,
    params: Mapping[str, Any],
    request: Request,
    result: str,
    problems: Mapping[str, Problem | Callable[[Record], Exception]],
) -> Done:
    """Run one guarded statement; raise the user-facing error for its problem, if any."""
    full = {
        **params,
        "key": request.stored_key,
        "operation": request.operation,
        "fingerprint": request.fingerprint,
        "at": params.get("at") or now(),
        "by": request.by,
        "active": list(ACTIVE_NEED_STATUSES),
    }
    try:
        rows = await store.write(statement, full)
    except GraphConflict:
        # Two requests with the same key raced (Neo4j runs them concurrently); the unique
        # constraint on the key let one through. Answer as its retry.
        if request.key is None:
            raise
        rows = await store.read(KEY_LOOKUP, {"key": request.stored_key})
    row = rows[0]
    problem = row["problem"]
    if problem == "REPLAY":
        if row["seenFingerprint"] != request.fingerprint:
            raise GraphRejected(
                "This idempotency key was already used for a different request; "
                "use a new key for a new request."
            )
        return Done(row["replayOf"], True, row)
    if problem is not None:
        found = problems.get(problem)
        if found is None:
            raise GraphRejected(f"The request was refused ({problem}).")
        if isinstance(found, tuple):
            kind, message = found
            raise kind(message)
        raise found(row)
    return Done(result, False, row)


def _missing(what: str, value: str | None) -> Problem:
    return GraphNotFound, f"There is no {what} with id {value}."


def _refused(message: str) -> Problem:
    return GraphRejected, message


# --- the workflows, one function each ------------------------------------------------------


async def report_need(
    store: GraphStore,
    request: Request,
    need: Need,
    *,
    resident: str,
    category: str,
    skills: Sequence[str],
) -> Done:
    row = node_rows(NEEDS, [need])[0]
    return await perform(
        store,
        REPORT_NEED,
        {
            "id": need.id,
            "props": row["props"],
            "search": row["search"],
            "resident": resident,
            "category": category,
            "skills": list(dict.fromkeys(skills)),
        },
        request,
        need.id,
        {
            "RESIDENT_NOT_FOUND": _missing("resident", resident),
            "RESIDENT_WITHOUT_COMMUNITY": _refused(
                f"Resident {resident} has no community on record; record where they live first."
            ),
            "CATEGORY_NOT_FOUND": _missing("service category", category),
            "SKILL_NOT_FOUND": (GraphNotFound, "One of the required skills does not exist."),
        },
    )


NEED_STATE = {
    "NEED_NOT_ACTIVE": _refused(
        "That need is closed or cancelled; report a new need instead of changing it."
    ),
}


async def update_need(
    store: GraphStore, request: Request, need: str, props: Mapping[str, Any], search: str | None
) -> Done:
    return await perform(
        store,
        UPDATE_NEED,
        {"need": need, "props": dict(props), "search": search},
        request,
        need,
        {
            "NEED_NOT_FOUND": _missing("need", need),
            **NEED_STATE,
            "HEADCOUNT_BELOW_ASSIGNED": _refused(
                "More volunteers are already assigned to one of its slots than the new "
                "headcount; unassign some first."
            ),
        },
    )


async def set_need_status(
    store: GraphStore, request: Request, need: str, status: str, note: str | None
) -> Done:
    return await perform(
        store,
        SET_NEED_STATUS,
        {"need": need, "status": status, "note": note},
        request,
        need,
        {"NEED_NOT_FOUND": _missing("need", need), **NEED_STATE},
    )


# Why one volunteer could not be assigned, for the `details` of the error.
REFUSALS = {
    "NOT_FOUND": "There is no such volunteer.",
    "ALREADY_ASSIGNED": "Already assigned to this need.",
    "INACTIVE": "Not active (paused or left).",
    "NO_MATCHING_SKILL": "Has no skill that satisfies the need.",
    "OUT_OF_RANGE": "Lives beyond their own service radius from the resident.",
    "NO_COMMON_LANGUAGE": "Speaks none of the resident's languages, which the need requires.",
    "AT_LOAD_LIMIT": "Already serves as many needs as their load limit allows.",
    "SLOT_NOT_IN_NEED": "A slot asked for is not one of the need's slots.",
    "BUSY": "Not free in the slot (unavailable, or booked for another need).",
}


def _not_eligible(row: Record) -> Exception:
    details = [
        {"volunteerId": r["id"], "reason": r["problem"], "message": REFUSALS[r["problem"]]}
        for r in row["refused"]
    ]
    summary = "; ".join(f"{d['volunteerId']}: {d['message']}" for d in details)
    return GraphRejected(f"Some volunteers cannot take this need. {summary}", details)


async def assign(
    store: GraphStore,
    request: Request,
    need: str,
    items: Sequence[Mapping[str, Any]],
    precision: matching.Precision = matching.EXACT,
) -> Done:
    """Assign volunteers; "within their own radius" measured with the caller's ``precision``."""
    # Lock volunteers in one order, so two assignments cannot wait on each other (Neo4j).
    ordered = sorted(items, key=lambda item: item["id"])
    return await perform(
        store,
        ASSIGN,
        {
            "need": need,
            "items": [dict(item) for item in ordered],
            "exact_all": precision.exact is None,
            "exact": sorted(precision.exact or ()),
            "grid": precision.grid,
        },
        request,
        need,
        {
            "NEED_NOT_FOUND": _missing("need", need),
            **NEED_STATE,
            "VOLUNTEER_NOT_ELIGIBLE": _not_eligible,
            "NEED_FULL": _refused(
                "The need already has as many volunteers as it asked for in one of the slots."
            ),
        },
    )


async def unassign(store: GraphStore, request: Request, need: str, volunteer: str) -> Done:
    return await perform(
        store,
        UNASSIGN,
        {"need": need, "volunteer": volunteer},
        request,
        need,
        {
            "NEED_NOT_FOUND": _missing("need", need),
            "NOT_ASSIGNED": _refused(f"Volunteer {volunteer} is not assigned to need {need}."),
        },
    )


async def post_recruitment(
    store: GraphStore,
    request: Request,
    recruitment: Recruitment,
    *,
    organization: str,
    community: str | None,
    venue: str | None,
    project: str | None,
    skills: Sequence[str],
) -> Done:
    row = node_rows(RECRUITMENTS, [recruitment])[0]
    return await perform(
        store,
        POST_RECRUITMENT,
        {
            "id": recruitment.id,
            "props": row["props"],
            "search": row["search"],
            "organization": organization,
            "community": community,
            "venue": venue,
            "project": project,
            "skills": list(dict.fromkeys(skills)),
        },
        request,
        recruitment.id,
        {
            "ORGANIZATION_NOT_FOUND": _missing("organization", organization),
            "COMMUNITY_NOT_FOUND": _missing("community", community),
            "VENUE_NOT_FOUND": _missing("venue", venue),
            "PROJECT_NOT_FOUND": _missing("project", project),
            "SKILL_NOT_FOUND": (GraphNotFound, "One of the required skills does not exist."),
        },
    )


async def sign_up(store: GraphStore, request: Request, recruitment: str, volunteer: str) -> Done:
    return await perform(
        store,
        SIGN_UP,
        {"recruitment": recruitment, "volunteer": volunteer},
        request,
        recruitment,
        {
            "RECRUITMENT_NOT_FOUND": _missing("recruitment", recruitment),
            "VOLUNTEER_NOT_FOUND": _missing("volunteer", volunteer),
            "INACTIVE": _refused(f"Volunteer {volunteer} is not active."),
            "RECRUITMENT_CLOSED": _refused("That recruitment is closed."),
            "RECRUITMENT_STARTED": _refused("That activity has already started."),
            "ALREADY_SIGNED_UP": _refused(f"Volunteer {volunteer} has already signed up."),
            "RECRUITMENT_FULL": _refused("That recruitment is full; every place is taken."),
        },
    )


async def withdraw(store: GraphStore, request: Request, recruitment: str, volunteer: str) -> Done:
    return await perform(
        store,
        WITHDRAW,
        {"recruitment": recruitment, "volunteer": volunteer},
        request,
        recruitment,
        {
            "RECRUITMENT_NOT_FOUND": _missing("recruitment", recruitment),
            "NOT_SIGNED_UP": _refused(f"Volunteer {volunteer} is not signed up for it."),
        },
    )


async def record_service(
    store: GraphStore,
    request: Request,
    record_id: str,
    props: Mapping[str, Any],
    *,
    volunteer: str,
    need: str | None,
    category: str | None,
    project: str | None,
) -> Done:
    return await perform(
        store,
        RECORD_SERVICE,
        {
            "id": record_id,
            "props": dict(props),
            "volunteer": volunteer,
            "need": need,
            "category": category,
            "project": project,
        },
        request,
        record_id,
        {
            "VOLUNTEER_NOT_FOUND": _missing("volunteer", volunteer),
            "NEED_NOT_FOUND": _missing("need", need),
            "CATEGORY_NOT_FOUND": _missing("service category", category),
            "PROJECT_NOT_FOUND": _missing("project", project),
            "NOT_ASSIGNED": _refused(
                f"Volunteer {volunteer} is not assigned to need {need}; assign them first."
            ),
            "CATEGORY_REQUIRED": (
                GraphRejected,
                "Say which service category it was, or which need it served.",
            ),
        },
    )


async def verify_service(store: GraphStore, request: Request, record: str, worker: str) -> Done:
    return await perform(
        store,
        VERIFY_SERVICE,
        {
            "record": record,
            "worker": worker,
            "entry": new_id("credit"),
            "thresholds": list(STAR_THRESHOLDS_HOURS),
        },
        request,
        record,
        {
            "RECORD_NOT_FOUND": _missing("service record", record),
            "WORKER_NOT_FOUND": _missing("social worker", worker),
            "RECORD_WITHOUT_VOLUNTEER": _refused("That record names no volunteer."),
            "NOT_COVERING": _refused(
                f"Social worker {worker} does not cover the community where the service was "
                "given; its own social worker verifies it."
            ),
            "ALREADY_VERIFIED": _refused("That service record is already verified."),
        },
    )


async def spend_credits(
    store: GraphStore,
    request: Request,
    *,
    volunteer: str,
    need: str,
    minutes: int,
    note: str | None,
) -> Done:
    entry = new_id("credit")
    return await perform(
        store,
        SPEND_CREDITS,
        {"id": entry, "volunteer": volunteer, "need": need, "minutes": minutes, "note": note},
        request,
        entry,
        {
            "VOLUNTEER_NOT_FOUND": _missing("volunteer", volunteer),
            "NEED_NOT_FOUND": _missing("need", need),
            "NOT_FAMILY": _refused(
                "Time-bank credits pay only for services to the volunteer or their family; "
                "that need's resident is not recorded as family."
            ),
            "INSUFFICIENT_CREDITS": lambda row: GraphRejected(
                f"Not enough time-bank credit: the balance is {int(row['balance'])} minutes."
            ),
        },
    )


async def offer_resource(
    store: GraphStore,
    request: Request,
    resource_id: str,
    props: Mapping[str, Any],
    search: str,
    *,
    organization: str,
    venue: str | None,
    categories: Sequence[str],
) -> Done:
    return await perform(
        store,
        OFFER_RESOURCE,
        {
            "id": resource_id,
            "props": dict(props),
            "search": search,
            "organization": organization,
            "venue": venue,
            "categories": list(dict.fromkeys(categories)),
        },
        request,
        resource_id,
        {
            "ORGANIZATION_NOT_FOUND": _missing("organization", organization),
            "VENUE_NOT_FOUND": _missing("venue", venue),
            "CATEGORY_NOT_FOUND": (GraphNotFound, "One of the service categories does not exist."),
        },
    )


async def allocate_resource(
    store: GraphStore,
    request: Request,
    *,
    resource: str,
    need: str,
    quantity: int,
    today: dt.date,
) -> Done:
    return await perform(
        store,
        ALLOCATE_RESOURCE,
        {
            "id": new_id("allocation"),
            "resource": resource,
            "need": need,
            "quantity": quantity,
            "today": today,
        },
        request,
        resource,
        {
            "RESOURCE_NOT_FOUND": _missing("resource", resource),
            "NEED_NOT_FOUND": _missing("need", need),
            **NEED_STATE,
            "NOT_YET_AVAILABLE": _refused("That resource is not available yet."),
            "NO_LONGER_AVAILABLE": _refused("That resource is no longer available."),
            "NOT_ENOUGH_LEFT": lambda row: GraphRejected(
                f"Only {int(row['remaining'])} of that resource are left."
            ),
        },
    )


async def update_resource(
    store: GraphStore,
    request: Request,
    resource: str,
    props: Mapping[str, Any],
    search: str | None,
) -> Done:
    """Change what a resource offers; never below what is already allocated, and its window
    (merged with the stored one) never ends before it starts."""
    return await perform(
        store,
        UPDATE_RESOURCE,
        {"resource": resource, "props": dict(props), "search": search},
        request,
        resource,
        {
            "RESOURCE_NOT_FOUND": _missing("resource", resource),
            "BELOW_ALLOCATED": lambda row: GraphRejected(
                f"{int(row['allocated'])} of it are already allocated; the quantity cannot be "
                "lower than that."
            ),
            "WINDOW_INVERTED": _refused(
                "`availableUntil` would be before `availableFrom`; change both together."
            ),
        },
    )


async def refer(
    store: GraphStore,
    request: Request,
    *,
    need: str,
    source: str,
    target: str,
    reason: str | None,
) -> Done:
    referral = new_id("referral")
    return await perform(
        store,
        REFER,
        {"id": referral, "need": need, "from": source, "to": target, "reason": reason},
        request,
        referral,
        {
            "NEED_NOT_FOUND": _missing("need", need),
            "FROM_NOT_FOUND": _missing("organization", source),
            "TO_NOT_FOUND": _missing("organization", target),
            "SAME_ORGANIZATION": _refused("An organization cannot refer a need to itself."),
            **NEED_STATE,
            "ALREADY_REFERRED": _refused(
                "That need is already referred to that organization and still open there."
            ),
        },
    )


# status reached -> statuses it may be reached from
REFERRAL_STEPS = {
    "ACCEPTED": ("PENDING",),
    "DECLINED": ("PENDING",),
    "COMPLETED": ("ACCEPTED",),
}


async def answer_referral(
    store: GraphStore,
    request: Request,
    *,
    referral: str,
    status: str,
    outcome: str | None,
    organization: str | None = None,
) -> Done:
    allowed = REFERRAL_STEPS[status]
    return await perform(
        store,
        ANSWER_REFERRAL,
        {
            "referral": referral,
            "status": status,
            "outcome": outcome,
            "organization": organization,
            "from_statuses": list(allowed),
        },
        request,
        referral,
        {
            "REFERRAL_NOT_FOUND": _missing("referral", referral),
            "NOT_RECIPIENT": _refused("Only the organization a need was referred to answers it."),
            "WRONG_STATUS": _refused(
                f"Only a referral that is {' or '.join(allowed)} can become {status}."
            ),
        },
    )


async def donate(
    store: GraphStore,
    request: Request,
    *,
    fund: str,
    donor: str,
    amount_fen: int,
    date: dt.date,
    note: str | None,
) -> Done:
    return await perform(
        store,
        DONATE,
        {
            "id": new_id("donation"),
            "fund": fund,
            "donor": donor,
            "amount": amount_fen,
            "date": date,
            "note": note,
        },
        request,
        fund,
        {
            "FUND_NOT_FOUND": _missing("fund", fund),
            "DONOR_NOT_FOUND": _missing("organization", donor),
        },
    )


async def grant(
    store: GraphStore,
    request: Request,
    *,
    fund: str,
    project: str,
    amount_fen: int,
    date: dt.date,
    award: str | None,
) -> Done:
    return await perform(
        store,
        GRANT,
        {
            "id": new_id("grant"),
            "fund": fund,
            "project": project,
            "amount": amount_fen,
            "date": date,
            "award": award,
        },
        request,
        fund,
        {
            "FUND_NOT_FOUND": _missing("fund", fund),
            "PROJECT_NOT_FOUND": _missing("project", project),
            "INSUFFICIENT_BALANCE": lambda row: GraphRejected(
                f"The fund has only {row['balance'] / 100:.2f} yuan left; it cannot be overdrawn."
            ),
        },
    )
