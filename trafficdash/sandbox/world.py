"""The sandbox's ad accounts, campaigns, ad sets and ads, derived from the seed.

Entities live in absolute time: each campaign runs in periodic flights (on for part of each period),
ads launch inside a flight after a short delay and some stop early. So the delivery of an ad on a
date depends only on (seed, ad, date), never on when the sandbox runs; statuses and `updated_time`
are read "as of today".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from .config import SandboxConfig
from .hashing import between, digits, h64, pick, unit
from .lifecycle import End, end_of, ended_status
from .users import AccountSpec, account_specs, sandbox_app_credentials, sandbox_users

OBJECTIVES = [
    "OUTCOME_SALES",
    "OUTCOME_SALES",
    "OUTCOME_LEADS",
    "OUTCOME_TRAFFIC",
    "OUTCOME_SALES",
    "OUTCOME_AWARENESS",
    "OUTCOME_ENGAGEMENT",
    "OUTCOME_APP_PROMOTION",
]
OPTIMIZATION = {
    "OUTCOME_SALES": "OFFSITE_CONVERSIONS",
    "OUTCOME_LEADS": "LEAD_GENERATION",
    "OUTCOME_TRAFFIC": "LANDING_PAGE_VIEWS",
    "OUTCOME_AWARENESS": "REACH",
    "OUTCOME_ENGAGEMENT": "POST_ENGAGEMENT",
    "OUTCOME_APP_PROMOTION": "APP_INSTALLS",
}
# Units of the currency per US dollar: budgets and prices scale with it.
CURRENCY_SCALE = {
    "USD": 1.0,
    "BRL": 5.2,
    "EUR": 0.92,
    "GBP": 0.8,
    "MXN": 18.0,
    "JPY": 150.0,
    "INR": 84.0,
    "KRW": 1400.0,
    "IDR": 16000.0,
    "HUF": 360.0,
    "COP": 4000.0,
}
CREATED_EPOCH = date(2024, 1, 1)
THEMES = [
    "Black Friday",
    "Always On",
    "Retargeting",
    "Prospecting",
    "Summer Sale",
    "Lookalike 1%",
    "Brand Awareness",
    "Lead Magnet",
    "App Installs",
    "Catalog",
    "Video Views",
    "Launch",
]


def meta_time(dt: datetime) -> str:
    """Meta's timestamp format: 2025-03-01T10:21:44-0300."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S%z")


@dataclass
class Account:
    spec: AccountSpec
    seed: int
    campaigns: list[Campaign] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"act_{self.spec.account_id}"

    @property
    def account_id(self) -> str:
        return self.spec.account_id

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.spec.timezone)

    @cached_property
    def business_id(self) -> str:
        return digits(15, "business", self.seed, self.spec.index)

    @property
    def scale(self) -> float:
        return CURRENCY_SCALE.get(self.spec.currency, 1.0)

    def at(self, day: date, key: object) -> datetime:
        """A stable time of day on `day` in the account's time zone."""
        seconds = h64("time", key, day.toordinal()) % (14 * 3600) + 7 * 3600
        return datetime(day.year, day.month, day.day, tzinfo=self.tz) + timedelta(seconds=seconds)


@dataclass
class Campaign:
    account: Account
    index: int
    id: str
    name: str
    objective: str
    created: date
    period: int
    on_len: int
    phase: int
    cbo_budget: int | None  # minor units per day when the campaign holds the budget
    archived_when_off: bool
    adsets: list[AdSet] = field(default_factory=list)
    end: End | None = None  # archived or deleted on end.day (lifecycle)

    def on(self, n: int) -> bool:
        if self.end is not None and n >= self.end.day.toordinal():
            return False
        return n > self.created.toordinal() and (n + self.phase) % self.period < self.on_len


@dataclass
class AdSet:
    campaign: Campaign
    index: int
    id: str
    name: str
    daily_budget: int  # minor units (share of the campaign budget under CBO)
    late_start: int  # days into each flight before the ad set starts
    audience: int
    ads: list[Ad] = field(default_factory=list)
    end: End | None = None

    def on(self, n: int) -> bool:
        c = self.campaign
        if self.end is not None and n >= self.end.day.toordinal():
            return False
        return c.on(n) and (n + c.phase) % c.period >= self.late_start


@dataclass
class Ad:
    adset: AdSet
    index: int
    id: str
    name: str
    creative_id: str
    key: int  # hash key for its numbers
    end: End | None = None

    @property
    def campaign(self) -> Campaign:
        return self.adset.campaign

    @property
    def account(self) -> Account:
        return self.adset.campaign.account

    def window(self, flight: int) -> tuple[int, int]:
        """(delay, length) of the ad inside campaign flight number `flight`."""
        c = self.campaign
        delay = self.adset.late_start + int(h64("delay", self.key, flight) % 8)
        # the first ad of an ad set runs the whole flight, others stop early (fatigue, tests)
        length = c.on_len if self.index == 0 else int(c.on_len * between(0.35, 1.0, "life", self.key, flight))
        return delay, length

    def on(self, n: int) -> bool:
        c = self.campaign
        if self.end is not None and n >= self.end.day.toordinal():
            return False
        if not self.adset.on(n):
            return False
        offset = (n + c.phase) % c.period
        delay, length = self.window((n + c.phase) // c.period)
        return delay <= offset < delay + length


class World:
    """All entities for a config, with lookups by id."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        seed = config.seed
        self.seed = seed
        self.app_id, self.app_secret = sandbox_app_credentials(seed)
        world = bool(config.world_accounts)
        self.users = sandbox_users(seed, config.users, config.accounts_per_user, world)
        specs, per_user = account_specs(seed, config.users, config.accounts_per_user, world)
        self.accounts: dict[str, Account] = {}
        for spec in specs:
            acc = Account(spec, seed)
            self.accounts[acc.id] = acc
        for user, idxs in zip(self.users, per_user, strict=True):
            for i in idxs:
                self.accounts[f"act_{specs[i].account_id}"].owners.append(user["id"])
        self.users_by_id = {u["id"]: u for u in self.users}
        self.nodes: dict[str, object] = {}
        for acc in self.accounts.values():
            self._build_account(acc)

    def _build_account(self, acc: Account) -> None:
        seed, cfg = self.seed, self.config
        for ci in range(cfg.campaigns_per_account):
            ck = ("campaign", seed, acc.spec.index, ci)
            objective = OBJECTIVES[h64(*ck, "objective") % len(OBJECTIVES)] if ci else "OUTCOME_SALES"
            period = int(between(56, 170, *ck, "period"))
            on_len = int(period * between(0.55, 0.95, *ck, "onfrac"))
            if ci == 0:  # the account's flagship runs always on
                on_len = period
            theme = pick(THEMES, *ck, "theme")
            camp = Campaign(
                account=acc,
                index=ci,
                id="1202" + digits(14, *ck),
                objective=objective,
                name=f"[{objective.removeprefix('OUTCOME_').title()}] {theme} {ci + 1:02d}",
                created=CREATED_EPOCH + timedelta(days=int(h64(*ck, "created") % 300)),
                period=period,
                on_len=on_len,
                phase=int(h64(*ck, "phase") % period),
                cbo_budget=None,
                archived_when_off=unit(*ck, "archived") < 0.35,
            )
            camp.end = end_of("campaign", ci == 0, seed, camp.id)
            if unit(*ck, "cbo") < 0.5:
                camp.cbo_budget = round(between(80, 600, *ck, "budget") * acc.scale) * 100
            for si in range(cfg.adsets_per_campaign):
                sk = (*ck, "adset", si)
                budget = (
                    camp.cbo_budget // cfg.adsets_per_campaign
                    if camp.cbo_budget
                    else round(between(20, 250, *sk, "budget") * acc.scale) * 100
                )
                adset = AdSet(
                    campaign=camp,
                    index=si,
                    id="1202" + digits(14, *sk),
                    name=f"{pick(['BR', 'US', 'EU', 'LAL', 'Broad', 'Interests', 'Retarget'], *sk)} "
                    f"{pick(['18-34', '25-54', '35-65+', 'All'], *sk, 'age')} #{si + 1}",
                    daily_budget=budget,
                    late_start=0 if si == 0 else int(h64(*sk, "late") % 6),
                    audience=int(between(2e5, 4e6, *sk, "aud")),
                )
                adset.end = end_of("adset", ci == 0 and si == 0, seed, adset.id)
                for ai in range(cfg.ads_per_adset):
                    ak = (*sk, "ad", ai)
                    ad = Ad(
                        adset=adset,
                        index=ai,
                        id="1202" + digits(14, *ak),
                        name=f"{pick(['Video', 'Carousel', 'Image', 'Reels', 'UGC'], *ak)} "
                        f"{pick(['A', 'B', 'C', 'D'], *ak, 'v')}{ai + 1}",
                        creative_id="1202" + digits(14, *ak, "creative"),
                        key=h64(*ak),
                    )
                    ad.end = end_of("ad", ci == 0 and si == 0 and ai == 0, seed, ad.id)
                    adset.ads.append(ad)
                    self.nodes[ad.id] = ad
                camp.adsets.append(adset)
                self.nodes[adset.id] = adset
            acc.campaigns.append(camp)
            self.nodes[camp.id] = camp

    # -- time -------------------------------------------------------------------------------------
    def now(self, acc: Account) -> datetime:
        if self.config.today is not None:
            t = self.config.today
            return datetime(t.year, t.month, t.day, 12, 0, tzinfo=acc.tz)
        return datetime.now(acc.tz)

    def today(self, acc: Account) -> date:
        return self.now(acc).date()

    def day_fraction(self, acc: Account) -> float:
        """How much of today has been delivered (quantised to the hour so caches hold)."""
        now = self.now(acc)
        return max(1, now.hour) / 24.0

    def window_start(self, acc: Account) -> date:
        return self.today(acc) - timedelta(days=self.config.history_days)

    # -- lookups ----------------------------------------------------------------------------------
    def ads_of(self, node: object) -> list[Ad]:
        if isinstance(node, Ad):
            return [node]
        if isinstance(node, AdSet):
            return list(node.ads)
        if isinstance(node, Campaign):
            return [ad for s in node.adsets for ad in s.ads]
        if isinstance(node, Account):
            return [ad for c in node.campaigns for s in c.adsets for ad in s.ads]
        return []

    def account_of(self, node: object) -> Account:
        if isinstance(node, Account):
            return node
        if isinstance(node, Campaign):
            return node.account
        if isinstance(node, AdSet):
            return node.campaign.account
        return node.account  # Ad

    def accessible(self, user_id: str, acc: Account) -> bool:
        return user_id in acc.owners


# -- statuses "as of today" ------------------------------------------------------------------------


def _last_transition(on, created: date, today: date) -> date:
    """Most recent day <= today where on(day) differs from on(day-1), bounded by created."""
    n = today.toordinal()
    state = on(n)
    lo = created.toordinal()
    while n > lo and on(n - 1) == state:
        n -= 1
        if today.toordinal() - n > 400:
            break
    return date.fromordinal(max(n, lo))


def campaign_status(world: World, c: Campaign) -> tuple[str, str]:
    """(configured status, effective status)."""
    today = world.today(c.account)
    ended = ended_status([c.end], today)
    if ended:
        return ended, ended
    n = today.toordinal()
    if c.on(n):
        return "ACTIVE", "ACTIVE"
    if c.archived_when_off:
        return "ARCHIVED", "ARCHIVED"
    return "PAUSED", "PAUSED"


def adset_status(world: World, s: AdSet) -> tuple[str, str]:
    today = world.today(s.campaign.account)
    ended = ended_status([s.campaign.end, s.end], today)
    if ended:
        return ended, ended
    n = today.toordinal()
    cs, ce = campaign_status(world, s.campaign)
    own = "ACTIVE" if (s.on(n) or not s.campaign.on(n)) else "PAUSED"
    if cs == "ARCHIVED":
        return "ARCHIVED", "ARCHIVED"
    if own == "PAUSED":
        return "PAUSED", "PAUSED"
    if ce != "ACTIVE":
        return own, "CAMPAIGN_PAUSED"
    return own, "ACTIVE"


def ad_status(world: World, ad: Ad) -> tuple[str, str]:
    c = ad.campaign
    today = world.today(c.account)
    ended = ended_status([c.end, ad.adset.end, ad.end], today)
    if ended:
        return ended, ended
    n = today.toordinal()
    _ss, se = adset_status(world, ad.adset)
    if se == "ARCHIVED":
        return "ARCHIVED", "ARCHIVED"
    own = "ACTIVE" if (ad.on(n) or not ad.adset.on(n)) else "PAUSED"
    if own == "PAUSED":
        return "PAUSED", "PAUSED"
    if se == "CAMPAIGN_PAUSED":
        return own, "CAMPAIGN_PAUSED"
    if se != "ACTIVE":
        return own, "ADSET_PAUSED"
    return own, "ACTIVE"


def updated_time(world: World, node: object) -> datetime:
    acc = world.account_of(node)
    today = world.today(acc)
    if isinstance(node, Campaign):
        created = node.created
        day = _last_transition(node.on, created, today)
    elif isinstance(node, AdSet):
        created = node.campaign.created
        day = _last_transition(node.on, created, today)
    else:
        created = node.campaign.created
        day = _last_transition(node.on, created, today)
    stamp = acc.at(day, ("updated", node.id))
    now = world.now(acc)
    return min(stamp, now) if day == today else stamp


def created_time(node: object) -> datetime:
    if isinstance(node, Campaign):
        acc, day, key, extra = node.account, node.created, node.id, 0
    elif isinstance(node, AdSet):
        acc, day, key, extra = node.campaign.account, node.campaign.created, node.id, 0
    else:
        acc, day, key, extra = node.account, node.campaign.created, node.id, 0
    return acc.at(day + timedelta(days=extra), ("created", key))
