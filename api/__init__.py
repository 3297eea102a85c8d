"""What the API's layers share and that is not GraphQL: its errors and their codes
(:mod:`api.errors`), and its opaque ids and cursors (:mod:`api.ids`).

It sits below ``schema/``, ``resolvers/`` and ``web/`` so each can use it without importing the
others; it imports neither GraphQL nor the web.
"""
