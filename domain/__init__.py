"""The rules of the work itself, in plain Python: why a volunteer or a resource is offered for a
need, how a distance is told to someone who may not read both of its ends, how money is shown, how
a resident appears in an analysis.

No GraphQL and no Cypher here (``tests/test_layout.py`` guards it): the graph's queries answer with
facts, ``access.policy`` decides who may know what, and these modules turn facts into what social
workers read. Both ``resolvers/`` and the GraphQL types in ``schema/`` use them.
"""
