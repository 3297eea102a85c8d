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
- ``rights``: the rights of the person — consent, erasure and its ledger (imported from there).

The steps are re-exported here, so callers write ``workflows.assign(...)`` without knowing which
family module holds it. A new workflow: its statement and function in its family's module (a new
module for a new family), going through :func:`perform` with the :class:`~graph.events.Change` it
makes, and its name below.
"""

from graph.workflows.funds import donate, grant
from graph.workflows.needs import assign, report_need, set_need_status, unassign, update_need
from graph.workflows.recruitments import post_recruitment, sign_up, withdraw
from graph.workflows.referrals import REFERRAL_STEPS, answer_referral, refer
from graph.workflows.resources import allocate_resource, offer_resource, update_resource
from graph.workflows.runner import Done, Request, new_id, now, perform
from graph.workflows.service import record_service, spend_credits, verify_service

__all__ = [
    "REFERRAL_STEPS",
    "Done",
    "Request",
    "allocate_resource",
    "answer_referral",
    "assign",
    "donate",
    "grant",
    "new_id",
    "now",
    "offer_resource",
    "perform",
    "post_recruitment",
    "record_service",
    "refer",
    "report_need",
    "set_need_status",
    "sign_up",
    "spend_credits",
    "unassign",
    "update_need",
    "update_resource",
    "verify_service",
    "withdraw",
]
