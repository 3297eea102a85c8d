"""Seed data: the demo set drawn from the field reports (``seeds.demo``), loaded on a first start
(``seeds.first_start``), and generated cities for the benchmark (``seeds.generate``)."""
