"""The service workflows, one module per workflow family, each step one guarded statement.

- ``runner``: the guard machinery shared by every statement (idempotency keys, locks, the one
  problem code), :func:`perform`, which runs a step, turns its problem into the user's error and
  emits the step's event, and the :class:`Request`/:class:`Done` values around it;
- ``needs``: reporting, changing, closing needs, and assigning volunteers to them;
- ``recruitments``: recruitments and sign-ups;
- ``service``: service records, verification, the time bank;
- ``resources``: the charity resource library;
- ``referrals``: referrals between organizations;
- ``funds``: donations and grants;
- ``rights``: the rights of the person — consent and erasure (the ledger: ``graph/io/erasures``);
- ``registration``: creating, changing, deactivating and reactivating the records users keep
  (``create``, ``update``, ``deactivate``, ``reactivate`` of any kept family);
- ``hours``, ``attendance``, ``certificates``, ``evaluations``: work on the ground (docs/GROUND.md);
- ``incubation``: a hub's record of the organizations it incubates (孵化);
- ``merging``: an administrator's merge of a record registered twice onto the one kept;
- ``ties``: the properties of the ties registration makes (a volunteer's skill rated, a team
  member's role and since, the real day of a case, an employment, a think-tank seat, a
  relative's relation);
- ``webhooks``: partners' webhooks (docs/LIVE.md "Webhooks").

The steps are re-exported here, so callers write ``workflows.assign(...)`` without knowing which
family module holds it. A new workflow: its statement and function in its family's module (a new
module for a new family), going through :func:`perform` with the :class:`~graph.events.Change` it
makes, and its name below.
"""

from graph.workflows.attendance import check, mark_no_shows
from graph.workflows.certificates import issue_certificate, revoke_certificate
from graph.workflows.evaluations import expire_grade, record_evaluation
from graph.workflows.funds import donate, grant
from graph.workflows.hours import review_service
from graph.workflows.incubation import record_incubation
from graph.workflows.merging import merge
from graph.workflows.needs import assign, report_need, set_need_status, unassign, update_need
from graph.workflows.recruitments import post_recruitment, sign_up, withdraw
from graph.workflows.referrals import REFERRAL_STEPS, answer_referral, refer
from graph.workflows.registration import create, deactivate, pause, reactivate, update
from graph.workflows.resources import allocate_resource, offer_resource, update_resource
from graph.workflows.rights import erase_resident, record_consent, withdraw_consent
from graph.workflows.runner import Done, Request, new_id, now, perform
from graph.workflows.service import record_service, spend_credits, verify_service
from graph.workflows.ties import rate_skill, set_team_member, set_tie
from graph.workflows.webhooks import (
    approve_webhook,
    disable_webhook,
    enable_webhook,
    register_webhook,
    rotate_webhook_secret,
)

__all__ = [
    "REFERRAL_STEPS",
    "Done",
    "Request",
    "allocate_resource",
    "answer_referral",
    "approve_webhook",
    "assign",
    "check",
    "create",
    "deactivate",
    "disable_webhook",
    "donate",
    "enable_webhook",
    "erase_resident",
    "expire_grade",
    "grant",
    "issue_certificate",
    "mark_no_shows",
    "merge",
    "new_id",
    "now",
    "offer_resource",
    "pause",
    "perform",
    "post_recruitment",
    "rate_skill",
    "reactivate",
    "record_consent",
    "record_evaluation",
    "record_incubation",
    "record_service",
    "refer",
    "register_webhook",
    "report_need",
    "review_service",
    "revoke_certificate",
    "rotate_webhook_secret",
    "set_need_status",
    "set_team_member",
    "set_tie",
    "sign_up",
    "spend_credits",
    "unassign",
    "update",
    "update_need",
    "update_resource",
    "verify_service",
    "withdraw",
    "withdraw_consent",
]
