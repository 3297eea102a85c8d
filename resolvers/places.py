from __future__ import annotations

from resolvers.filter_inputs import FilterReading

city_where = FilterReading("City", equal=("name",))
district_where = FilterReading("District", ids=("city",))
community_where = FilterReading("Community", ids=("district", "city"), any_of=("kind",), near=True)
