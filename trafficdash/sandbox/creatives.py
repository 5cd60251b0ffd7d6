"""Ad creatives a marketer can see: copy, call to action, generated images, video covers and previews.

Every ad has one creative (its ``creative_id``), derived from the seed like the rest of the world.
Images are PNGs generated on demand (numpy + zlib, deterministic, cached) and served by the sandbox
itself under ``/__sandbox__/media/``; URLs are built from the request's base URL so they work both
standalone and mounted under ``/sandbox``.
"""

from __future__ import annotations

import html
import struct
import zlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from .fields import names
from .hashing import digits, h64, pick
from .world import Account, Ad

# (width, height) per image kind: feed square, 9:16 story/reels, 16:9 video cover.
IMAGE_SIZES: dict[str, tuple[int, int]] = {
    "square": (1080, 1080),
    "story": (1080, 1920),
    "cover": (1280, 720),
}
THUMBNAIL_SIZE = 64  # Meta's default thumbnail_width/height
MEDIA_PATH = "/__sandbox__/media"
PREVIEW_PATH = "/__sandbox__/preview"

CALL_TO_ACTION = {
    "OUTCOME_SALES": "SHOP_NOW",
    "OUTCOME_LEADS": "SIGN_UP",
    "OUTCOME_TRAFFIC": "LEARN_MORE",
    "OUTCOME_AWARENESS": "LEARN_MORE",
    "OUTCOME_ENGAGEMENT": "LEARN_MORE",
    "OUTCOME_APP_PROMOTION": "INSTALL_MOBILE_APP",
}
TITLES = ["Free shipping today", "New collection is here", "Up to 40% off", "Members get more", "Last chance"]
BODIES = [
    "Thousands of happy customers. Find yours in minutes.",
    "Fresh drops every week, delivered to your door.",
    "Quality you can feel, prices you will love.",
    "Try it for 30 days. Love it or send it back.",
]

# Preview iframe size per ad_format (the ones a dashboard shows; any documented format is accepted).
PREVIEW_SIZES: dict[str, tuple[int, int]] = {
    "DESKTOP_FEED_STANDARD": (540, 690),
    "MOBILE_FEED_STANDARD": (320, 580),
    "INSTAGRAM_STANDARD": (320, 560),
    "INSTAGRAM_STORY": (320, 570),
    "INSTAGRAM_REELS": (320, 570),
    "FACEBOOK_STORY_MOBILE": (320, 570),
    "FACEBOOK_REELS_MOBILE": (320, 570),
    "RIGHT_COLUMN_STANDARD": (254, 200),
}
# Meta's documented ad_format values for /{ad_id}/previews.
AD_FORMATS = names(
    """
    AUDIENCE_NETWORK_INSTREAM_VIDEO AUDIENCE_NETWORK_INSTREAM_VIDEO_MOBILE AUDIENCE_NETWORK_OUTSTREAM_VIDEO
    AUDIENCE_NETWORK_REWARDED_VIDEO BIZ_DISCO_FEED_MOBILE DESKTOP_FEED_STANDARD FACEBOOK_IFU_REELS_MOBILE
    FACEBOOK_PROFILE_FEED_DESKTOP FACEBOOK_PROFILE_FEED_MOBILE FACEBOOK_PROFILE_REELS_MOBILE FACEBOOK_REELS_BANNER
    FACEBOOK_REELS_BANNER_DESKTOP FACEBOOK_REELS_BANNER_FEED_ANDROID FACEBOOK_REELS_BANNER_FEED_ANDROID_LARGE
    FACEBOOK_REELS_BANNER_FULLSCREEN_IOS FACEBOOK_REELS_BANNER_FULLSCREEN_MOBILE FACEBOOK_REELS_MOBILE
    FACEBOOK_REELS_POSTLOOP FACEBOOK_REELS_POSTLOOP_FEED FACEBOOK_REELS_SIMILAR_PRODUCTS_MOBILE
    FACEBOOK_REELS_STICKER FACEBOOK_STORY_MOBILE FACEBOOK_STORY_STICKER_MOBILE INSTAGRAM_EXPLORE_CONTEXTUAL
    INSTAGRAM_EXPLORE_GRID_HOME INSTAGRAM_EXPLORE_IMMERSIVE INSTAGRAM_FEED_WEB INSTAGRAM_FEED_WEB_M_SITE
    INSTAGRAM_LEAD_GEN_MULTI_SUBMIT_ADS INSTAGRAM_PROFILE_FEED INSTAGRAM_PROFILE_REELS INSTAGRAM_REELS
    INSTAGRAM_REELS_OVERLAY INSTAGRAM_REELS_WEB INSTAGRAM_REELS_WEB_M_SITE INSTAGRAM_SEARCH_CHAIN
    INSTAGRAM_SEARCH_GRID INSTAGRAM_STANDARD INSTAGRAM_STORY INSTAGRAM_STORY_EFFECT_TRAY INSTAGRAM_STORY_WEB
    INSTAGRAM_STORY_WEB_M_SITE INSTANT_ARTICLE_RECIRCULATION_AD INSTANT_ARTICLE_STANDARD INSTREAM_BANNER_DESKTOP
    INSTREAM_BANNER_FEED_IOS INSTREAM_BANNER_FULLSCREEN_IOS INSTREAM_BANNER_FULLSCREEN_MOBILE
    INSTREAM_BANNER_IMMERSIVE_MOBILE INSTREAM_BANNER_MOBILE INSTREAM_VIDEO_DESKTOP INSTREAM_VIDEO_FULLSCREEN_IOS
    INSTREAM_VIDEO_FULLSCREEN_MOBILE INSTREAM_VIDEO_IMAGE INSTREAM_VIDEO_IMMERSIVE_MOBILE INSTREAM_VIDEO_MOBILE
    JOB_BROWSER_DESKTOP JOB_BROWSER_MOBILE MARKETPLACE_MOBILE MESSENGER_MOBILE_INBOX_MEDIA
    MESSENGER_MOBILE_STORY_MEDIA MOBILE_BANNER MOBILE_FEED_BASIC MOBILE_FEED_STANDARD MOBILE_FULLWIDTH
    MOBILE_INTERSTITIAL MOBILE_MEDIUM_RECTANGLE MOBILE_NATIVE RIGHT_COLUMN_STANDARD SUGGESTED_VIDEO_DESKTOP
    SUGGESTED_VIDEO_FULLSCREEN_MOBILE SUGGESTED_VIDEO_IMMERSIVE_MOBILE SUGGESTED_VIDEO_MOBILE WATCH_FEED_HOME
    WATCH_FEED_MOBILE WHATSAPP_STATUS_MEDIA
    """
)
DEFAULT_PREVIEW_SIZE = (320, 570)


def page_id(ad: Ad) -> str:
    """The Facebook Page the account advertises as (one per account)."""
    return digits(15, "page", ad.account.account_id)


@dataclass(frozen=True)
class Creative:
    ad: Ad

    @property
    def id(self) -> str:
        return self.ad.creative_id

    @property
    def name(self) -> str:
        return f"{self.ad.name} creative"

    @property
    def account(self) -> Account:
        return self.ad.account

    @cached_property
    def is_video(self) -> bool:
        return self.ad.name.split()[0] in ("Video", "Reels", "UGC")

    @cached_property
    def image_kind(self) -> str:
        """Reels are vertical stories; other videos have a 16:9 cover; images are feed squares."""
        first = self.ad.name.split()[0]
        return "story" if first == "Reels" else ("cover" if self.is_video else "square")

    @cached_property
    def image_hash(self) -> str:
        return f"{h64('image', self.ad.key):016x}{h64('image2', self.ad.key):016x}"

    @property
    def video_id(self) -> str | None:
        return "1202" + digits(14, "video", self.ad.key) if self.is_video else None

    @property
    def title(self) -> str:
        return pick(TITLES, "title", self.ad.key)

    @property
    def body(self) -> str:
        return pick(BODIES, "body", self.ad.key)

    @property
    def call_to_action_type(self) -> str:
        return CALL_TO_ACTION[self.ad.campaign.objective]

    @property
    def link(self) -> str:
        return f"https://shop.example.com/lp/{self.ad.campaign.id[-6:]}"

    @property
    def story_id(self) -> str:
        return f"{page_id(self.ad)}_{digits(16, 'post', self.ad.key)}"


def image_url(base_url: str, image_hash: str, thumbnail: bool = False) -> str:
    return f"{base_url}{MEDIA_PATH}/{image_hash}{'_t' if thumbnail else ''}.png"


def object_story_spec(c: Creative, base_url: str) -> dict:
    cta = {"type": c.call_to_action_type, "value": {"link": c.link}}
    if c.is_video:
        data = {
            "video_id": c.video_id,
            "title": c.title,
            "message": c.body,
            "image_url": image_url(base_url, c.image_hash),
            "image_hash": c.image_hash,
            "call_to_action": cta,
        }
        return {"page_id": page_id(c.ad), "video_data": data}
    data = {
        "message": c.body,
        "name": c.title,
        "link": c.link,
        "image_hash": c.image_hash,
        "call_to_action": cta,
    }
    return {"page_id": page_id(c.ad), "link_data": data}


def creative_values(c: Creative, base_url: str) -> dict[str, object]:
    """Every creative field the sandbox models (the rest of AdCreative's catalogue is omitted)."""
    values: dict[str, object] = {
        "id": c.id,
        "name": c.name,
        "account_id": c.ad.account.account_id,
        "actor_id": page_id(c.ad),
        "status": "ACTIVE",
        "title": c.title,
        "body": c.body,
        "call_to_action_type": c.call_to_action_type,
        "call_to_action": {"type": c.call_to_action_type, "value": {"link": c.link}},
        "link_url": c.link,
        "url_tags": "utm_source=facebook&utm_medium=paid",
        "image_hash": c.image_hash,
        "image_url": image_url(base_url, c.image_hash),
        "thumbnail_url": image_url(base_url, c.image_hash, thumbnail=True),
        "object_story_spec": object_story_spec(c, base_url),
        "effective_object_story_id": c.story_id,
        "object_type": "VIDEO" if c.is_video else "SHARE",
        "degrees_of_freedom_spec": {
            "creative_features_spec": {"standard_enhancements": {"enroll_status": "OPT_OUT"}}
        },
    }
    if c.video_id:
        values["video_id"] = c.video_id
    return values


# ---- images ---------------------------------------------------------------------------------------


def _png(pixels: np.ndarray) -> bytes:
    """RGB uint8 array (h x w x 3) -> PNG bytes (filter type 0 per row)."""
    h, w, _ = pixels.shape
    raw = np.concatenate([np.zeros((h, 1), dtype=np.uint8), pixels.reshape(h, w * 3)], axis=1)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + chunk(b"IEND", b"")
    )


@lru_cache(maxsize=64)
def render_image(image_hash: str, kind: str, thumbnail: bool) -> bytes:
    """A deterministic picture for an image hash: a two-colour gradient with a product 'card' and,
    for video covers, a play button. Full size for the ad, 64x64 for the thumbnail."""
    w, h = (THUMBNAIL_SIZE, THUMBNAIL_SIZE) if thumbnail else IMAGE_SIZES[kind]
    seed = int(image_hash[:16], 16)
    c1 = np.array([(seed >> s) & 0xFF for s in (0, 8, 16)], dtype=np.float32)
    c2 = np.array([(seed >> s) & 0xFF for s in (24, 32, 40)], dtype=np.float32)
    t = (np.arange(h, dtype=np.float32) / max(1, h - 1))[:, None, None]
    img = np.broadcast_to(c1 * (1 - t) + c2 * t, (h, w, 3)).copy()
    y0, y1, x0, x1 = int(h * 0.3), int(h * 0.7), int(w * 0.2), int(w * 0.8)
    img[y0:y1, x0:x1] = img[y0:y1, x0:x1] * 0.35 + 255 * 0.65
    if kind == "cover":
        yy, xx = np.ogrid[:h, :w]
        r = min(w, h) * 0.12
        tri = (xx - (w / 2 - r / 2) >= 0) & (np.abs(yy - h / 2) <= (w / 2 + r / 2 - xx) * 0.6)
        img[tri] = (40, 40, 40)
    return _png(img.astype(np.uint8))


# ---- previews -------------------------------------------------------------------------------------


def preview_body(base_url: str, ad: Ad, ad_format: str) -> str:
    """Meta's preview shape: an iframe whose page renders the ad in that placement.

    Source: Meta: Marketing API › Reference › Ad Preview
    (https://developers.facebook.com/docs/marketing-api/reference/adgroup/previews/): GET
    /{ad-id}/previews?ad_format=... answers {"data": [{"body": "<iframe ...>"}]}.
    """
    w, h = PREVIEW_SIZES.get(ad_format, DEFAULT_PREVIEW_SIZE)
    src = html.escape(f"{base_url}{PREVIEW_PATH}/{ad.id}?ad_format={ad_format}&t={digits(12, 'pv', ad.key)}")
    return f'<iframe src="{src}" width="{w}" height="{h}" scrolling="yes" style="border: none;"></iframe>'


def preview_page(c: Creative, base_url: str, ad_format: str) -> str:
    """The iframe's page: the ad as a feed/story unit (page name, text, image, headline, button)."""
    esc = html.escape
    account = c.ad.account.spec.name
    img = image_url(base_url, c.image_hash)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Ad preview</title><style>"
        "body{margin:0;font-family:system-ui;background:#fff;color:#050505}.ad{border:1px solid #ddd;"
        "border-radius:8px;overflow:hidden}.hd{padding:10px;font-weight:600}.hd small{display:block;"
        "font-weight:400;color:#65676b}.tx{padding:0 10px 10px}img{width:100%;display:block}"
        ".ft{display:flex;justify-content:space-between;align-items:center;padding:10px;background:#f0f2f5}"
        ".cta{background:#e4e6eb;border-radius:6px;padding:6px 12px;font-weight:600}</style></head><body>"
        f"<div class='ad' data-ad-format='{esc(ad_format)}'><div class='hd'>{esc(account)}<small>Sponsored</small>"
        f"</div><div class='tx'>{esc(c.body)}</div><img src='{esc(img)}' alt=''>"
        f"<div class='ft'><span>{esc(c.title)}</span><span class='cta'>"
        f"{esc(c.call_to_action_type.replace('_', ' ').title())}</span></div></div></body></html>"
    )
