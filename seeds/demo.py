"""The demo data set: real places and programmes from the field reports, synthetic people.

Places come from ../shared/domain/: Zhongshan's 东区 and 南区, Qingdao's 新港山路社区, Hangzhou's
乔司, Nanjing's 牌坊村 and Jinan's 龙洞. Centroids are approximate (good to a few hundred metres),
which is all the matching needs.
"""

from __future__ import annotations

from graph import places
from graph.places import City, Community, District
from graph.store import GraphStore

CITIES = [
    City("city-zhongshan", "中山市"),
    City("city-qingdao", "青岛市"),
    City("city-hangzhou", "杭州市"),
    City("city-nanjing", "南京市"),
    City("city-jinan", "济南市"),
]

DISTRICTS = [
    District("district-zs-east", "东区街道", "city-zhongshan"),
    District("district-zs-south", "南区街道", "city-zhongshan"),
    District("district-qd-shibei", "市北区", "city-qingdao"),
    District("district-hz-qiaosi", "乔司街道", "city-hangzhou"),
    District("district-nj-lishui", "溧水区", "city-nanjing"),
    District("district-jn-longdong", "龙洞街道", "city-jinan"),
]

COMMUNITIES = [
    # 东区街道: the 10 communities the 全民公益园 pilot covered.
    Community("community-zs-qiwan", "起湾社区", "district-zs-east", 22.5238, 113.4120),
    Community("community-zs-chaqiao", "槎桥社区", "district-zs-east", 22.5068, 113.4215),
    Community("community-zs-kuchong", "库充社区", "district-zs-east", 22.5004, 113.4106),
    Community("community-zs-qiaoling", "桥岭社区", "district-zs-east", 22.5152, 113.4020),
    Community("community-zs-qidong", "齐东社区", "district-zs-east", 22.5180, 113.3985),
    Community("community-zs-langqing", "朗晴社区", "district-zs-east", 22.5205, 113.4055),
    Community("community-zs-zhuyuan", "竹苑社区", "district-zs-east", 22.5120, 113.4080),
    Community("community-zs-songyuan", "松苑社区", "district-zs-east", 22.5095, 113.4010),
    Community("community-zs-baiyuan", "柏苑社区", "district-zs-east", 22.5140, 113.4140),
    Community("community-zs-xincun", "新村社区", "district-zs-east", 22.5175, 113.4175),
    # 南区街道: the communities of the 三社联动 report.
    Community("community-zs-chengnan", "城南社区", "district-zs-south", 22.4950, 113.3840),
    Community("community-zs-liangdu", "良都社区", "district-zs-south", 22.4750, 113.3700),
    Community("community-zs-maling", "马岭社区", "district-zs-south", 22.4620, 113.3960),
    Community("community-zs-beixi", "北溪社区", "district-zs-south", 22.4830, 113.3540),
    Community("community-zs-caobian", "曹边村", "district-zs-south", 22.4790, 113.3480, "VILLAGE"),
    # Qingdao, Hangzhou, Nanjing, Jinan.
    Community(
        "community-qd-xingangshanlu", "新港山路社区", "district-qd-shibei", 36.0860, 120.3600
    ),
    Community("community-hz-qiaosi", "乔司社区", "district-hz-qiaosi", 30.3600, 120.2900),
    Community("community-nj-paifang", "牌坊村", "district-nj-lishui", 31.5900, 119.0200, "VILLAGE"),
    Community("community-jn-longdong", "龙洞社区", "district-jn-longdong", 36.6400, 117.0900),
]


async def load(store: GraphStore) -> dict[str, int]:
    """Write the demo set; idempotent, so loading it twice changes nothing."""
    return {
        "cities": await places.upsert_cities(store, CITIES),
        "districts": await places.upsert_districts(store, DISTRICTS),
        "communities": await places.upsert_communities(store, COMMUNITIES),
    }
