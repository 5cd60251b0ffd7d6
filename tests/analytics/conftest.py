from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from tests.analytics import factories as f
from tests.support import grant, make_user
from trafficdash.models import Ad, AdAccount, AdSet, Campaign, User

JAN1 = date(2024, 1, 1)


@dataclass
class World:
    ana: User
    bob: User
    usd1: AdAccount
    usd2: AdAccount
    brl: AdAccount
    bobs: AdAccount
    summer: Campaign
    brand: Campaign
    summer_set: AdSet
    brand_set: AdSet
    ad_a: Ad
    ad_b: Ad
    ad_c: Ad
    ad_usd2: Ad
    ad_brl: Ad


@pytest.fixture
def world(session: Session) -> World:
    """Ana sees two USD accounts and one BRL account; Bob sees only his own USD account.

    Days Jan 1-14 2024. Values differ per ad and day, so that an average of daily ratios
    would differ from the ratio of sums.
    """
    ana = make_user(session, "ana@example.com", "Ana")
    bob = make_user(session, "bob@example.com", "Bob")
    usd1 = f.account(session, 101, "USD", "Store One")
    usd2 = f.account(session, 102, "USD", "Store Two")
    brl = f.account(session, 103, "BRL", "Loja")
    bobs = f.account(session, 201, "USD", "Bob's")
    grant(session, ana, 101, 102, 103)
    grant(session, bob, 201)
    summer = f.campaign(session, usd1, "Summer Sale", "ACTIVE", "OUTCOME_SALES")
    brand = f.campaign(session, usd1, "Brand Awareness", "PAUSED", "OUTCOME_AWARENESS")
    summer_set = f.ad_set(session, summer, "Summer - Lookalike")
    brand_set = f.ad_set(session, brand, "Brand - Broad")
    ad_a = f.ad(
        session,
        summer_set,
        "Ad A",
        {"title": "Hot deals", "body": "Up to 50% off", "image_url": "https://img/a.jpg"},
    )
    ad_b = f.ad(session, summer_set, "Ad B")
    ad_c = f.ad(session, brand_set, "Ad C")
    ad_usd2 = f.ad(session, f.ad_set(session, f.campaign(session, usd2, "Two"), "Two set"), "Two ad")
    ad_brl = f.ad(session, f.ad_set(session, f.campaign(session, brl, "Verão"), "Conjunto"), "Anúncio")
    ad_bob = f.ad(session, f.ad_set(session, f.campaign(session, bobs, "Bob campaign"), "Bob set"), "Bob ad")
    for i, day in enumerate(f.days(JAN1, 14)):
        f.day_row(
            session,
            ad_a,
            day,
            impressions=1000 + 100 * i,
            clicks=10 + i,
            link_clicks=8 + i,
            spend=f"{10 + i}.25",
            conversions=str(1 + i % 3),
            conversion_value=f"{40 + 5 * i}.50",
            reach=700,
        )
        f.day_row(
            session,
            ad_b,
            day,
            impressions=200,
            clicks=1,
            link_clicks=1,
            spend="3.10",
            conversions="0",
            conversion_value="0",
            reach=150,
        )
        f.day_row(
            session,
            ad_c,
            day,
            impressions=5000,
            clicks=20 + 2 * i,
            link_clicks=15,
            spend="20.00",
            conversions="0.5",
            conversion_value="10",
            reach=3000,
        )
        f.day_row(
            session,
            ad_usd2,
            day,
            impressions=300,
            clicks=3,
            link_clicks=2,
            spend="4.0001",
            conversions="1",
            conversion_value="9.99",
            reach=250,
        )
        f.day_row(
            session,
            ad_brl,
            day,
            impressions=4000,
            clicks=40,
            link_clicks=30,
            spend="55.55",
            conversions="2",
            conversion_value="300",
            reach=2500,
        )
        f.day_row(
            session,
            ad_bob,
            day,
            impressions=999,
            clicks=9,
            link_clicks=9,
            spend="9.99",
            conversions="1",
            conversion_value="1",
            reach=900,
        )
        for kind, v1, v2, imp, clk, sp in (
            ("placement", "instagram", "instagram_reels", 600, 6, "6.00"),
            ("placement", "facebook", "feed", 400, 4, "4.25"),
            ("device", "mobile_app", "", 900, 9, "9.00"),
            ("device", "desktop", "", 100, 1, "1.25"),
            ("age_gender", "25-34", "female", 700, 7, "7.00"),
            ("age_gender", "35-44", "male", 300, 3, "3.25"),
            ("country", "BR", "", 800, 8, "8.00"),
            ("country", "PT", "", 200, 2, "2.25"),
        ):
            f.breakdown_row(session, ad_a, day, kind, v1, v2, impressions=imp, clicks=clk, spend=sp)
        f.breakdown_row(
            session, ad_c, day, "placement", "facebook", "feed", impressions=5000, clicks=20, spend="20.00"
        )
    f.roll_up(session, usd1, usd2, brl, bobs)
    return World(
        ana,
        bob,
        usd1,
        usd2,
        brl,
        bobs,
        summer,
        brand,
        summer_set,
        brand_set,
        ad_a,
        ad_b,
        ad_c,
        ad_usd2,
        ad_brl,
    )
