"""Spreadsheet intake: the rosters and lists stations already keep, brought into the graph.

Plain Python around the graph layer: ``normalize`` and ``identity`` turn cells into values
(phones, dates, ID-card numbers kept as keyed hashes, volunteer numbers), ``readers`` read CSV and
XLSX, ``families`` declares each family's columns, ``rows`` checks rows, ``run`` imports a file
(``graph.io.intake`` writes it), ``templates`` writes the blank forms. Guide: docs/INTAKE.md.
"""
