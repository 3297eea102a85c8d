from __future__ import annotations

from resolvers.filter_inputs import FilterReading

skill_where = FilterReading("Skill", ids=("under", "category"), flags=("top_level",))
category_where = FilterReading("ServiceCategory", ids=("under",), flags=("top_level",))
