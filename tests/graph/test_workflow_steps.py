"""A step declares each problem's answer beside its condition (``guards.step``): held here, so a
problem added to a step without an answer, or a message naming a value the step is not sent,
fails before any user sees "The request was refused (CODE)." or an unfilled ``{place}``."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import graph.workflows
from graph.workflows.guards import Step

# Answered where the step is taken: the message names the statuses the step may be taken from.
ANSWERED_BY_CALLER = {("workflows.answer_referral", "WRONG_STATUS")}


def _steps() -> list[Step]:
    found = []
    for module in pkgutil.iter_modules(graph.workflows.__path__):
        loaded = importlib.import_module(f"graph.workflows.{module.name}")
        found += [v for v in vars(loaded).values() if isinstance(v, Step)]
    return found


def test_the_workflow_families_declare_their_steps() -> None:
    names = {s.statement.name for s in _steps()}
    assert {"workflows.grant", "workflows.sign_up", "workflows.issue_certificate"} <= names


def test_every_problem_a_step_can_answer_has_its_answer() -> None:
    for step in _steps():
        checks = re.findall(r"CASE(.*?)END AS problem", step.statement.template, re.S)
        codes = {c for check in checks for c in re.findall(r"THEN '(\w+)'", check)} - {"REPLAY"}
        unanswered = {c for c in codes if (step.statement.name, c) not in ANSWERED_BY_CALLER}
        assert unanswered <= set(step.answers), (step.statement.name, unanswered)
        assert set(step.answers) <= codes, step.statement.name


def test_a_message_names_only_values_the_step_is_sent() -> None:
    for step in _steps():
        sent = set(re.findall(r"\$(\w+)", step.statement.template))
        for code, answer in step.answers.items():
            if isinstance(answer, tuple):
                places = {f for _, f, _, _ in string.Formatter().parse(answer[1]) if f}
                assert places <= sent, (step.statement.name, code, places - sent)
