"""Daily delivery per ad (numpy), restatement of recent conversions, and exact breakdown splits."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from .breakdowns import FAMILIES, family_of
from .breakdowns import cells as family_cells
from .hashing import between, h64, uniforms, unit
from .money import whole_step
from .world import Ad, World

if TYPE_CHECKING:
    from .writes import Writes

BASE = [
    "impressions",
    "reach",
    "clicks",
    "inline_link_clicks",
    "spend",
    "landing_page_view",
    "post_engagement",
    "page_engagement",
    "post_reaction",
    "video_view",
]
CONV = [
    "view_content",
    "add_to_cart",
    "initiate_checkout",
    "purchase",
    "lead",
    "complete_registration",
    "mobile_app_install",
]
VALUED = ["add_to_cart", "initiate_checkout", "purchase"]
WINDOWS = ["1d_click", "7d_click", "28d_click", "1d_view", "7d_view"]

COLUMNS: list[str] = list(BASE)
COLUMNS += [f"{t}:{w}" for t in CONV for w in WINDOWS]
COLUMNS += [f"{t}$:{w}" for t in VALUED for w in WINDOWS]
COL = {name: i for i, name in enumerate(COLUMNS)}
NCOL = len(COLUMNS)
# metric group for breakdown weights: 0 delivery, 1 clicks and engagement, 2 conversions
COL_GROUP = np.array(
    [0 if c in ("impressions", "reach", "spend") else (1 if c in BASE else 2) for c in COLUMNS]
)

# Meta action types reported for each base column (web conversions: pixel == website == omni)
ACTION_TYPES: dict[str, list[str]] = {
    "inline_link_clicks": ["link_click"],
    "landing_page_view": ["landing_page_view", "omni_landing_page_view"],
    "post_engagement": ["post_engagement"],
    "page_engagement": ["page_engagement"],
    "post_reaction": ["post_reaction"],
    "video_view": ["video_view"],
    "view_content": ["view_content", "omni_view_content", "offsite_conversion.fb_pixel_view_content"],
    "add_to_cart": ["add_to_cart", "omni_add_to_cart", "offsite_conversion.fb_pixel_add_to_cart"],
    "initiate_checkout": [
        "initiate_checkout",
        "omni_initiated_checkout",
        "offsite_conversion.fb_pixel_initiate_checkout",
    ],
    "purchase": ["purchase", "omni_purchase", "offsite_conversion.fb_pixel_purchase"],
    "lead": ["lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"],
    "complete_registration": [
        "complete_registration",
        "omni_complete_registration",
        "offsite_conversion.fb_pixel_complete_registration",
    ],
    "mobile_app_install": ["mobile_app_install", "omni_app_install"],
}
WEEKDAY = np.array([1.02, 1.0, 0.98, 1.0, 1.05, 0.92, 0.95])  # Monday..Sunday
RESTATE = np.array([0.55, 0.72, 0.84, 0.91, 0.95, 0.98, 0.995, 1.0])  # reported share by days ago

# ---- breakdown cells ----------------------------------------------------------------------------
AGES = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
AGE_SHAPE = [0.17, 0.31, 0.24, 0.14, 0.09, 0.05]
GENDERS = ["female", "male", "unknown"]
DEVICES = ["android_smartphone", "iphone", "ipad", "android_tablet", "desktop", "other"]
DEVICE_SHAPE = [0.47, 0.36, 0.03, 0.02, 0.11, 0.01]
POSITIONS = [  # (publisher_platform, platform_position, share, desktop too)
    ("facebook", "feed", 0.30, True),
    ("facebook", "facebook_reels", 0.06, False),
    ("facebook", "facebook_stories", 0.05, False),
    ("facebook", "marketplace", 0.04, True),
    ("facebook", "video_feeds", 0.03, True),
    ("facebook", "right_hand_column", 0.015, True),
    ("facebook", "search", 0.005, True),
    ("instagram", "feed", 0.20, False),
    ("instagram", "instagram_stories", 0.13, False),
    ("instagram", "instagram_reels", 0.08, False),
    ("instagram", "instagram_explore", 0.02, False),
    ("audience_network", "an_classic", 0.02, False),
    ("audience_network", "rewarded_video", 0.01, False),
    ("messenger", "messenger_inbox", 0.008, False),
    ("messenger", "messenger_stories", 0.002, False),
]
PLACEMENT_DIMS = ("publisher_platform", "platform_position", "impression_device", "device_platform")
DEMO_DIMS = ("age", "gender")
GEO_DIMS = ("country",)


def _placement_cells() -> list[tuple[dict[str, str], float]]:
    cells = []
    for pp, pos, share, desktop in POSITIONS:
        for dev, dshare in zip(DEVICES, DEVICE_SHAPE, strict=True):
            if pos == "right_hand_column" and dev != "desktop":
                continue
            if dev == "desktop" and not desktop:
                continue
            cells.append(
                (
                    {
                        "publisher_platform": pp,
                        "platform_position": pos,
                        "impression_device": dev,
                        "device_platform": "desktop"
                        if dev == "desktop"
                        else "mobile_app"
                        if dev != "other"
                        else "mobile_web",
                    },
                    share * dshare,
                )
            )
    return cells


PLACEMENT_CELLS = _placement_cells()
DEMO_CELLS = [
    ({"age": a, "gender": g}, s * (0.5 if g != "unknown" else 0.02))
    for a, s in zip(AGES, AGE_SHAPE, strict=True)
    for g in GENDERS
]


def breakdown_group(breakdowns: list[str]) -> str | None:
    """Which cell family serves these breakdowns; None if the combination is not allowed."""
    if not breakdowns:
        return ""
    extra = family_of(breakdowns)
    if extra is not None:
        return extra
    for name, dims in (("placement", PLACEMENT_DIMS), ("demo", DEMO_DIMS), ("geo", GEO_DIMS)):
        if all(b in dims for b in breakdowns):
            if (
                name == "placement"
                and "platform_position" in breakdowns
                and "publisher_platform" not in breakdowns
            ):
                return None
            return name
    return None


class Delivery:
    """Generates and caches each ad's daily metric matrix (days x COLUMNS) for the current 'today'."""

    def __init__(self, world: World, max_ads: int = 4096) -> None:
        self.world = world
        self.seed = world.seed
        self._cache: OrderedDict[str, tuple[tuple, np.ndarray, np.ndarray]] = OrderedDict()
        self._max = max_ads
        self._lock = threading.Lock()
        self.writes: Writes | None = None  # status/budget writes, followed from the next day

    # ---- per-ad series ------------------------------------------------------------------------
    def series(self, ad: Ad) -> tuple[np.ndarray, np.ndarray]:
        """(day ordinals, int64 matrix days x NCOL) for the history window up to today (partial)."""
        acc = ad.account
        today = self.world.today(acc)
        revision = self.writes.revision if self.writes else 0
        stamp = (today.toordinal(), self.world.day_fraction(acc), self.world.config.history_days, revision)
        with self._lock:
            hit = self._cache.get(ad.id)
            if hit is not None and hit[0] == stamp:
                self._cache.move_to_end(ad.id)
                return hit[1], hit[2]
        days, matrix = self._generate(ad, today, stamp[1])
        if self.writes is not None:
            matrix = self.writes.adjust(ad, days, matrix)
        with self._lock:
            self._cache[ad.id] = (stamp, days, matrix)
            self._cache.move_to_end(ad.id)
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
        return days, matrix

    def _generate(self, ad: Ad, today: date, frac: float) -> tuple[np.ndarray, np.ndarray]:
        seed, key = self.seed, ad.key
        acc, camp = ad.account, ad.campaign
        t1 = today.toordinal()
        t0 = t1 - self.world.config.history_days
        days = np.arange(t0, t1 + 1, dtype=np.int64)
        d = len(days)
        on = np.zeros(d, dtype=bool)
        age = np.zeros(d, dtype=np.float64)
        for i, n in enumerate(range(t0, t1 + 1)):
            if ad.on(n):
                on[i] = True
                offset = (n + camp.phase) % camp.period
                age[i] = offset - ad.window((n + camp.phase) // camp.period)[0]
        m = np.zeros((d, NCOL), dtype=np.int64)
        if not on.any():
            return days, m

        def u(stream: int) -> np.ndarray:
            return uniforms(key ^ seed, days, stream)

        obj = camp.objective
        k = (seed, ad.id)
        n_ads = max(1, len(ad.adset.ads))
        budget = ad.adset.daily_budget / 100.0 / n_ads * between(0.6, 1.15, *k, "pace")
        cpm = {"OUTCOME_AWARENESS": 4.0, "OUTCOME_ENGAGEMENT": 6.0}.get(obj, 11.0)
        cpm *= acc.scale * between(0.7, 1.5, *k, "cpm")
        ctr = {"OUTCOME_AWARENESS": 0.006, "OUTCOME_ENGAGEMENT": 0.012, "OUTCOME_TRAFFIC": 0.022}.get(
            obj, 0.016
        )
        ctr *= between(0.6, 1.6, *k, "ctr")
        tau = between(18, 70, *k, "fatigue")
        weekday = WEEKDAY[(days - 1) % 7]  # date.fromordinal(1) is a Monday
        trend = 1.0 + 0.25 * np.sin(
            2 * math.pi * days / between(40, 120, *k, "tp") + between(0, 6.3, *k, "tph")
        )
        ramp = np.minimum(1.0, 0.45 + age * 0.18)
        fatigue = np.maximum(0.45, np.exp(-age / tau))
        part = np.where(days == t1, frac, 1.0)
        spend = budget * weekday * trend * ramp * (0.8 + 0.4 * u(1)) * part * on
        cpm_d = cpm * (1.0 + 0.004 * np.minimum(age, 90)) * (0.9 + 0.2 * u(2))
        step = whole_step(acc.spec.currency)  # hundredths per reported unit: whole yen, cents
        spend_c = np.floor(spend * 100 / step + u(3)) * step
        impressions = np.floor(spend_c / 100.0 / cpm_d * 1000 + u(4))
        spend_c = np.where(impressions > 0, spend_c, 0)
        freq = 1.04 + 0.25 * u(5) + 0.004 * np.minimum(age, 60)
        reach = np.minimum(impressions, np.floor(impressions / freq + u(6)))
        clicks = np.floor(impressions * ctr * fatigue * (0.8 + 0.4 * u(7)) + u(8))
        link = np.floor(clicks * between(0.55, 0.8, *k, "lr") + u(9))

        def stage(base: np.ndarray, rate: float, stream: int) -> np.ndarray:
            return np.floor(base * rate * (0.7 + 0.6 * u(stream)) + u(stream + 1))

        zero = np.zeros(d)
        lpv = stage(link, 0.75 if obj != "OUTCOME_AWARENESS" else 0.5, 10)
        reactions = stage(impressions, 0.004 if obj != "OUTCOME_ENGAGEMENT" else 0.012, 12)
        video = stage(impressions, {"OUTCOME_AWARENESS": 0.22, "OUTCOME_ENGAGEMENT": 0.1}.get(obj, 0.04), 14)
        conv = dict.fromkeys(CONV, zero)
        cvr = between(0.6, 1.5, *k, "cvr")
        if obj in ("OUTCOME_SALES", "OUTCOME_TRAFFIC"):
            s = 1.0 if obj == "OUTCOME_SALES" else 0.25
            conv["view_content"] = stage(lpv, 0.55, 16)
            conv["add_to_cart"] = stage(lpv, 0.12 * s * cvr, 18)
            conv["initiate_checkout"] = stage(conv["add_to_cart"], 0.5, 20)
            conv["purchase"] = stage(conv["initiate_checkout"], 0.55, 22)
        elif obj == "OUTCOME_LEADS":
            conv["lead"] = stage(link, 0.09 * cvr, 24)
            conv["complete_registration"] = stage(conv["lead"], 0.3, 26)
        elif obj == "OUTCOME_APP_PROMOTION":
            conv["mobile_app_install"] = stage(link, 0.12 * cvr, 28)
            conv["purchase"] = stage(conv["mobile_app_install"], 0.03, 30)
        post_eng = clicks + reactions + video
        m[:, COL["impressions"]] = impressions
        m[:, COL["reach"]] = reach
        m[:, COL["clicks"]] = clicks
        m[:, COL["inline_link_clicks"]] = link
        m[:, COL["spend"]] = spend_c
        m[:, COL["landing_page_view"]] = lpv
        m[:, COL["post_engagement"]] = post_eng
        m[:, COL["page_engagement"]] = post_eng + stage(impressions, 0.0005, 32)
        m[:, COL["post_reaction"]] = reactions
        m[:, COL["video_view"]] = video

        lag = np.clip(t1 - days, 0, len(RESTATE) - 1)
        restate = RESTATE[lag]
        view_share = between(0.06, 0.22, *k, "view")
        aov = between(40, 160, *k, "aov") * acc.scale * 100  # cents
        for ti, t in enumerate(CONV):
            p = conv[t]
            if not p.any():
                continue
            s0 = 40 + ti * 8
            v1 = np.floor(p * view_share + u(s0))
            c7 = p - v1
            c1 = np.floor(c7 * 0.8 + u(s0 + 1))
            c28 = c7 + np.floor(c7 * 0.12 + u(s0 + 2))
            v7 = v1 + np.floor(v1 * 0.6 + u(s0 + 3))
            finals = {"1d_click": c1, "7d_click": c7, "28d_click": c28, "1d_view": v1, "7d_view": v7}
            ur = u(s0 + 4)
            aov_day = aov * (0.85 + 0.3 * u(s0 + 5)) * (1.0 if t == "purchase" else 0.9)
            for w, final in finals.items():
                reported = np.minimum(final, np.floor(final * restate + ur))
                m[:, COL[f"{t}:{w}"]] = reported
                if t in VALUED:
                    value = np.floor(final * aov_day / step + u(s0 + 6)) * step
                    rep_value = np.where(
                        final > 0, np.floor(value / step * reported / np.maximum(final, 1) + 0.5) * step, 0
                    )
                    m[:, COL[f"{t}$:{w}"]] = rep_value
        return days, m

    # ---- breakdown split ------------------------------------------------------------------------
    def cells(self, ad: Ad, group: str) -> list[tuple[dict[str, str], float]]:
        if group in FAMILIES:
            return family_cells(ad, group)
        if group == "placement":
            return PLACEMENT_CELLS
        if group == "demo":
            return DEMO_CELLS
        countries = ad.account.spec.countries
        return [
            ({"country": c}, 0.8 if i == 0 else 0.2 / max(1, len(countries) - 1))
            for i, c in enumerate(countries)
        ]

    def split(self, ad: Ad, group: str, days: np.ndarray, totals: np.ndarray) -> np.ndarray:
        """Allocate totals (d x NCOL) to cells: (d x C x NCOL) whose sum over C equals totals exactly."""
        cells = self.cells(ad, group)
        c_n = len(cells)
        base = np.array([s for _, s in cells]) * np.array(
            [between(0.5, 1.5, self.seed, ad.key, group, i) for i in range(c_n)]
        )
        ctr_mult = np.array([between(0.6, 1.5, self.seed, ad.key, group, "c", i) for i in range(c_n)])
        cvr_mult = np.array([between(0.5, 1.6, self.seed, ad.key, group, "v", i) for i in range(c_n)])
        d = len(days)
        jitter = 0.8 + 0.4 * uniforms(
            ad.key ^ self.seed, (days[:, None] * 131 + np.arange(c_n)[None, :]).ravel(), hash_group(group)
        ).reshape(d, c_n)
        w0 = base[None, :] * jitter
        w1 = w0 * ctr_mult[None, :]
        w2 = w1 * cvr_mult[None, :]
        weights = np.stack([w0, w1, w2])  # 3 x d x C
        weights /= weights.sum(axis=2, keepdims=True)
        out = np.zeros((d, c_n, NCOL), dtype=np.int64)
        cols = np.nonzero(totals.any(axis=0))[0]
        if len(cols) == 0:
            return out
        t = totals[:, cols].astype(np.float64)  # d x m
        w = weights[COL_GROUP[cols]]  # m x d x C
        w = np.transpose(w, (1, 0, 2))  # d x m x C
        raw = t[:, :, None] * w
        fl = np.floor(raw)
        deficit = (totals[:, cols] - fl.sum(axis=2).astype(np.int64))[:, :, None]
        order = np.argsort(-(raw - fl), axis=2, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(c_n)[None, None, :], axis=2)
        alloc = fl.astype(np.int64) + (ranks < deficit)
        out[:, :, cols] = np.transpose(alloc, (0, 2, 1))
        return out


def hash_group(group: str) -> int:
    return h64("group", group) % 100_000 + 1000


def reach_of(sum_daily: float, n_contrib: int, max_daily: float) -> int:
    """Non-additive reach of a group of ad-days: below the sum of daily reach, at least the max."""
    if n_contrib <= 1:
        return int(sum_daily)
    est = sum_daily / (1.0 + 0.35 * math.log(n_contrib))
    return int(max(max_daily, min(sum_daily - 1, est)))


def _unused() -> float:  # keep helpers imported for linters in minimal builds
    return unit(0)
