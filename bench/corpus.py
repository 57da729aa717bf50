"""A deterministic generator of news-like article pages and the RSS feeds that link them.

Why generated and not the demo corpus: the benchmarks need thousands of distinct
pages of realistic length (400-1200 words) whose mix looks like real coverage of
the open-vs-closed model debate: a minority of sentences carry a model, benchmark,
figure or gap claim, the rest is the ordinary filler (logistics, quotes about
nothing, local colour) that a fast extractor should skip cheaply. Every article is
a pure function of (seed, index), so any slice can be rebuilt or streamed without
writing the rest, and two runs with the same seed measure the same text.

Pages use several HTML templates (news site, lab blog, newsletter, magazine) with
navigation, sidebars and footers around the story, so the article parser does the
same boilerplate removal it does on the web. Feed links carry the placeholder
``__BASE__``; ``bench.server`` replaces it with its own address when serving, so a
corpus on disk does not depend on the port it is later served from.
"""

from __future__ import annotations

import html
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "extractors" / "nlp" / "data"
BASE_PLACEHOLDER = "__BASE__"
EPOCH = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


# --- vocabulary -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Vocabulary:
    open_models: tuple[str, ...]
    closed_models: tuple[str, ...]
    benchmarks: tuple[str, ...]


@cache
def vocabulary() -> Vocabulary:
    """Model and benchmark names from the extractor's own registries (read as plain JSONL)."""
    def rows(name: str) -> list[dict[str, object]]:
        with open(DATA_DIR / name, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]

    models = [m for m in rows("models.jsonl") if m.get("kind") == "model"]
    return Vocabulary(
        open_models=tuple(str(m["name"]) for m in models if m.get("openness") == "open"),
        closed_models=tuple(str(m["name"]) for m in models if m.get("openness") == "closed"),
        benchmarks=tuple(str(b["name"]) for b in rows("benchmarks.jsonl")),
    )


ANALYSTS = ("Epoch AI", "Artificial Analysis", "Stanford HAI", "LLM Stats", "a team at MIT",
            "researchers at Tsinghua", "the AI Index", "an independent evaluator")
ORGS = ("Alibaba", "Zhipu AI", "Moonshot AI", "DeepSeek", "MiniMax", "Meta", "Mistral",
        "OpenAI", "Anthropic", "Google DeepMind", "xAI", "Tencent", "Baidu", "Nvidia")
PEOPLE = ("Maria Okafor", "Daniel Brenner", "Lena Hoffmann", "Ravi Menon", "Sofia Alvarez",
          "Tom Whitaker", "Aiko Tanaka", "Jonas Lindqvist", "Priya Natarajan", "Omar Haddad",
          "Claire Dubois", "Ethan Marsh", "Nadia Petrova", "Marco Rossi", "Hannah Kim")
ROLES = ("a research scientist", "an analyst", "a product manager", "a venture investor",
         "a professor of computer science", "an engineering lead", "a policy researcher")
CITIES = ("Berlin", "Toronto", "Lisbon", "Singapore", "Austin", "Nairobi", "Melbourne",
          "Seoul", "Warsaw", "Montreal", "Bristol", "Lyon", "Osaka", "Denver", "Utrecht")
STREETS = ("Harbour Road", "Elm Street", "King's Parade", "Canal Street", "Market Square",
           "Station Road", "Mill Lane", "Riverside Drive")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
EVENTS = ("spring developer meetup", "regional startup fair", "annual hackathon",
          "summer film festival", "city marathon", "book fair", "open day at the lab")
TOPICS = ("reasoning", "coding", "agentic tool use", "long-context retrieval", "math",
          "multimodal understanding", "instruction following", "translation")

# Sentences that carry the debate: models, benchmarks, figures, gaps, forecasts, hedges.
CLAIMS = (
    "{open} scored {score}% on {bench}, {gap} points behind {closed}.",
    "On {bench}, {closed} still leads {open} by {gap} percentage points.",
    "{analyst} estimates that the best open-weight model trails the frontier by about "
    "{months} months.",
    "{open} now matches {closed} on {bench}, according to the lab's own evaluation.",
    "The gap between open and closed models on {bench} has narrowed to {gap} points "
    "since {month}.",
    "Critics argue that results on {bench} overstate progress because test questions "
    "leaked into training data.",
    "{org} says {open} costs {ratio}x less per million tokens than {closed}.",
    "Open-weight models now account for {pct}% of downloads on Hugging Face, up from "
    "{pct2}% a year earlier.",
    "Export controls on advanced chips may widen the gap again, several researchers warned.",
    "{closed} reached an Elo of {elo} on the Arena leaderboard, ahead of {open} at {elo2}.",
    "We expect an open model to reach parity on {bench} within {months} months, though "
    "that forecast is uncertain.",
    "{open} was released with {size}B parameters under a permissive license.",
    "According to {analyst}, open models are roughly {months} months behind on {topic}.",
    "The lead of closed labs on agentic tasks appears to be growing rather than shrinking.",
    "{person}, {role}, said the {bench} numbers for {open} did not hold up in production.",
    "{open} reaches {score}% on {bench} at a fraction of the cost of {closed}.",
    "In our tests, {closed} solved {score}% of {bench} tasks while {open} solved {score2}%.",
    "There is a {pct}% chance that an open model tops the {bench} leaderboard by the end "
    "of the year.",
    "The distance to the frontier on {topic} has shrunk from {months2} months to about "
    "{months}.",
    "Benchmarks such as {bench} are close to saturation, so small differences may say "
    "little about real capability.",
    "{open} likely benefits from distillation of outputs from {closed}, one reviewer "
    "suggested.",
    "On long documents, {open} degrades faster than {closed}, losing {gap} points past "
    "100k tokens.",
    "{org} claims its new model closes most of the remaining gap on {topic}.",
    "Independent runs of {bench} put {open} {gap} points below the figure in its "
    "model card.",
    "Training compute for frontier models is growing {ratio}x faster than for the "
    "largest open releases.",
)

# Ordinary news filler: no model, no benchmark, no claim about the gap. Sentences are
# composed from a subject, a verb, an object and a tail, so that two unrelated articles share
# few word 5-grams, as unrelated news stories do (a fixed list of whole sentences made
# every article a ~15% near-copy of every other, which no real feed looks like).
FILLER_SUBJECTS = (
    "{person}", "The organisers", "A spokesperson for the {city} council", "Local officials",
    "The mayor of {city}", "Several attendees", "A student group from {city}",
    "The venue's manager", "Two volunteers", "The finance team", "Our correspondent",
    "Residents near {street}", "The hotel next door", "A delegation from {city2}",
    "The cafe on {street}", "{person}, {role},", "The regional transport authority",
    "A group of teachers", "The museum's new director", "The football club",
    "Shop owners on {street}", "The theatre company", "The night-shift nurses",
    "The library in {city}", "A local charity", "The harbour master", "Parents at the school",
    "The cycling club", "The weather service", "The university's press office",
)
FILLER_VERBS = (
    "moved", "repainted", "opened", "cancelled", "postponed", "inspected", "photographed",
    "praised", "criticised", "rebuilt", "cleaned", "closed", "reopened", "decorated",
    "rented", "sold", "renamed", "measured", "visited", "sponsored", "advertised", "booked",
    "repaired", "redesigned", "catalogued", "insured", "surveyed", "shared", "donated",
    "lit up",
)
FILLER_OBJECTS = (
    "the lobby", "a small exhibition", "the east entrance", "the rooftop garden",
    "the footbridge", "the old warehouse", "the weekly market", "the school hall",
    "two vans", "the {event}", "a mural near the station", "the broken lift",
    "the community kitchen", "the tram stop on {street}", "a stall at the fair",
    "the back office", "the river path", "forty folding chairs", "the staff canteen",
    "the visitor centre", "the clock tower", "a borrowed piano", "the parish archive",
    "the ferry timetable", "the second floor", "a flooded cellar", "the car park",
    "the festival tent", "an old printing press", "the gallery in {city}",
    "the bakery's van", "the cycling track", "the reading room", "a vintage bus",
    "the harbour wall", "the concert programme", "the school garden", "the main square",
    "the night bus", "the sports ground",
)
FILLER_TAILS = (
    "", "", "", " on {weekday} evening", " after a long debate", " in {month}",
    " near {street}", " without much fuss", " yet again",
    " despite the rain", " before the holidays", " on short notice",
    " last {weekday}", " in {city}", " earlier than planned", " after complaints",
    " with help from {person}", " over the weekend", " at dawn", " to general surprise",
    " first since {year}", " during the works",
)
QUOTE_OPENINGS = (
    "It was a long week, but a good one", "We are still unpacking boxes",
    "Nobody wanted to leave early", "The venue was perfect", "I had not expected the crowd",
    "We will do it again next year", "The rain did not stop anyone",
    "Everyone brought a friend", "It felt like a small festival", "The queue was worth it",
    "We ran out of chairs", "That was the best turnout so far", "I am exhausted but happy",
)
QUOTE_ATTRIBUTIONS = (
    "{person} said", "said {person}, {role}", "one attendee told us", "{person} told reporters",
    "a volunteer said", "{person} wrote afterwards", "said a neighbour on {street}",
)


def _filler(rng: random.Random) -> str:
    sentence = (f"{rng.choice(FILLER_SUBJECTS)} {rng.choice(FILLER_VERBS)} "
                f"{rng.choice(FILLER_OBJECTS)}{rng.choice(FILLER_TAILS)}.")
    return _fill(sentence, rng)


def _quote_filler(rng: random.Random) -> str:
    return _fill(f'"{rng.choice(QUOTE_OPENINGS)}," {rng.choice(QUOTE_ATTRIBUTIONS)}.', rng)


HEADLINES = (
    "{open} vs {closed}: what {bench} does and does not tell us",
    "Is the open-weight gap closing? A look at {bench}",
    "{org} releases {open}, claims frontier-level {topic}",
    "Notes from the {city} AI week",
    "The {months}-month question: how far behind are open models?",
    "Inside the race on {bench}",
    "Why {closed} still leads on {topic}",
    "Weekly roundup: releases, benchmarks and a rainy {weekday} in {city}",
)

SECTIONS = ("Technology", "AI", "Business", "Research", "Analysis", "Newsletter")


# --- one article ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Article:
    """One generated story: title, paragraphs of sentences, metadata."""

    index: int
    slug: str
    title: str
    author: str
    published: datetime
    section: str
    template: int
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def text(self) -> str:
        """The story as plain text (what an ideal article parser would return)."""
        return self.title + "\n\n" + "\n\n".join(" ".join(p) for p in self.paragraphs)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def sentences(self) -> int:
        return 1 + sum(len(p) for p in self.paragraphs)


def _fill(template: str, rng: random.Random) -> str:
    voc = vocabulary()
    months = rng.randint(3, 18)
    slots = {
        "open": rng.choice(voc.open_models), "closed": rng.choice(voc.closed_models),
        "bench": rng.choice(voc.benchmarks), "score": f"{rng.uniform(20, 95):.1f}",
        "score2": f"{rng.uniform(20, 95):.1f}", "gap": f"{rng.uniform(0.5, 15):.1f}",
        "months": str(months), "months2": str(months + rng.randint(3, 12)),
        "month": rng.choice(MONTHS), "analyst": rng.choice(ANALYSTS), "org": rng.choice(ORGS),
        "ratio": str(rng.choice((2, 3, 4, 5, 8, 10, 20, 30))), "pct": str(rng.randint(5, 80)),
        "pct2": str(rng.randint(5, 80)), "elo": str(rng.randint(1250, 1500)),
        "elo2": str(rng.randint(1200, 1480)), "size": str(rng.choice((7, 14, 32, 70, 120, 236,
                                                                       480, 671, 744, 1000))),
        "topic": rng.choice(TOPICS), "person": rng.choice(PEOPLE), "role": rng.choice(ROLES),
        "city": rng.choice(CITIES), "city2": rng.choice(CITIES), "street": rng.choice(STREETS),
        "weekday": rng.choice(WEEKDAYS), "event": rng.choice(EVENTS),
        "year": str(rng.randint(2009, 2024)), "day": str(rng.randint(1, 28)),
    }
    return template.format(**slots)


def make_article(seed: int, index: int, *, min_words: int = 400, max_words: int = 1200
                 ) -> Article:
    """Article ``index`` of the corpus ``seed``; the same arguments give the same article."""
    rng = random.Random(f"gapwatch-bench:{seed}:{index}")
    target = rng.randint(min_words, max_words)
    claim_share = rng.uniform(0.12, 0.35)
    paragraphs: list[tuple[str, ...]] = []
    words = 0
    while words < target:
        para: list[str] = []
        for _ in range(rng.randint(2, 6)):
            roll = rng.random()
            if roll < claim_share:
                sent = _fill(rng.choice(CLAIMS), rng)
            elif roll < claim_share + 0.05:
                sent = _quote_filler(rng)
            else:
                sent = _filler(rng)
            para.append(sent)
            words += len(sent.split())
            if words >= target:
                break
        paragraphs.append(tuple(para))
    title = _fill(rng.choice(HEADLINES), rng)
    title = title[0].upper() + title[1:]
    published = EPOCH + timedelta(minutes=37 * index + rng.randint(0, 30))
    return Article(index=index, slug=f"a{index:06d}", title=title,
                   author=rng.choice(PEOPLE), published=published,
                   section=rng.choice(SECTIONS), template=rng.randrange(len(TEMPLATES)),
                   paragraphs=tuple(paragraphs))


def iter_articles(seed: int, start: int = 0, stop: int | None = None) -> Iterator[Article]:
    """Articles start, start+1, ... (endless when stop is None), generated lazily."""
    i = start
    while stop is None or i < stop:
        yield make_article(seed, i)
        i += 1


def texts(seed: int, n: int, start: int = 0) -> list[str]:
    return [a.text for a in iter_articles(seed, start, start + n)]


# --- HTML -----------------------------------------------------------------------

def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _paras(a: Article, tag: str = "p") -> str:
    return "\n".join(f"<{tag}>{_e(' '.join(p))}</{tag}>" for p in a.paragraphs)


def _nav(site: str) -> str:
    links = "".join(f'<li><a href="/section/{s.lower()}.html">{s}</a></li>' for s in SECTIONS)
    return f'<nav class="top"><a class="logo" href="/">{_e(site)}</a><ul>{links}</ul></nav>'


def _related(a: Article) -> str:
    items = "".join(f'<li><a href="/articles/a{(a.index + k) % 997:06d}.html">'
                    f"More from {SECTIONS[(a.index + k) % len(SECTIONS)]}</a></li>"
                    for k in (1, 2, 3))
    return f'<aside class="related"><h3>Related</h3><ul>{items}</ul></aside>'


def _head(a: Article, site: str) -> str:
    iso = a.published.isoformat()
    return (f"<head><meta charset=\"utf-8\"><title>{_e(a.title)} | {_e(site)}</title>"
            f'<meta name="author" content="{_e(a.author)}">'
            f'<meta property="og:title" content="{_e(a.title)}">'
            f'<meta property="og:site_name" content="{_e(site)}">'
            f'<meta property="article:published_time" content="{iso}">'
            '<link rel="stylesheet" href="/static/site.css"></head>')


def _news(a: Article) -> str:
    site = "The Daily Circuit"
    return (f"<!doctype html><html lang=\"en\">{_head(a, site)}<body>{_nav(site)}"
            f'<div class="ad">Advertisement</div><main><article>'
            f"<header><p class=\"kicker\">{_e(a.section)}</p><h1>{_e(a.title)}</h1>"
            f'<p class="byline">By <span class="author">{_e(a.author)}</span> · '
            f'<time datetime="{a.published.isoformat()}">{a.published:%d %B %Y}</time></p>'
            f"</header><div class=\"story-body\">{_paras(a)}</div></article>{_related(a)}"
            "</main><footer><p>© 2026 The Daily Circuit. All rights reserved.</p>"
            '<p><a href="/privacy.html">Privacy</a> · <a href="/terms.html">Terms</a></p>'
            "</footer></body></html>")


def _blog(a: Article) -> str:
    site = "Northbeam Lab Notes"
    return (f"<!doctype html><html lang=\"en\">{_head(a, site)}<body>"
            f'<header class="site-header">{_nav(site)}</header>'
            f'<div class="wrap"><div class="post"><h1 class="post-title">{_e(a.title)}</h1>'
            f'<div class="post-meta">Posted {a.published:%B %d, %Y} by {_e(a.author)}</div>'
            f'<div class="post-content">{_paras(a)}</div>'
            '<div class="share">Share: <a href="#">Mastodon</a> <a href="#">Email</a></div>'
            '</div><div class="sidebar"><h4>Subscribe</h4><p>Get new posts by email.</p>'
            '<form><input type="email"><button>Sign up</button></form></div></div>'
            '<footer class="site-footer">Northbeam Lab · Imprint · Contact</footer>'
            "</body></html>")


def _newsletter(a: Article) -> str:
    site = "The Gap Weekly"
    body = "\n".join(f'<p class="p">{_e(" ".join(p))}</p>' for p in a.paragraphs)
    return (f"<!doctype html><html lang=\"en\">{_head(a, site)}<body>"
            f'<div id="app"><div class="masthead">{_e(site)}</div>'
            f'<div class="issue"><h1>{_e(a.title)}</h1>'
            f'<p class="meta">{_e(a.author)} — {a.published:%Y-%m-%d}</p>'
            f'<section class="content">{body}</section></div>'
            '<div class="cta"><p>Enjoyed this issue? Forward it to a colleague.</p></div>'
            '<div class="comments"><h3>Comments</h3><p>Comments are closed.</p></div>'
            "</div></body></html>")


def _magazine(a: Article) -> str:
    site = "Frontier Review"
    half = max(1, len(a.paragraphs) // 2)
    first = "\n".join(f"<p>{_e(' '.join(p))}</p>" for p in a.paragraphs[:half])
    rest = "\n".join(f"<p>{_e(' '.join(p))}</p>" for p in a.paragraphs[half:])
    pull = _e(a.paragraphs[0][0]) if a.paragraphs and a.paragraphs[0] else ""
    return (f"<!doctype html><html lang=\"en\">{_head(a, site)}<body>{_nav(site)}"
            f'<main id="content"><article class="feature"><h1>{_e(a.title)}</h1>'
            f'<div class="dek">A {_e(a.section.lower())} feature by {_e(a.author)}</div>'
            f"<section>{first}</section><blockquote class=\"pullquote\">{pull}</blockquote>"
            f"<section>{rest}</section></article>{_related(a)}</main>"
            '<footer><ul><li>About</li><li>Careers</li><li>Advertise</li></ul></footer>'
            "</body></html>")


TEMPLATES = (_news, _blog, _newsletter, _magazine)


def render_html(a: Article) -> str:
    return TEMPLATES[a.template](a)


def render_feed(feed_index: int, articles: list[Article]) -> str:
    """RSS 2.0 with absolute links under the ``__BASE__`` placeholder."""
    items = []
    for a in articles:
        link = f"{BASE_PLACEHOLDER}/articles/{a.slug}.html"
        items.append(
            f"<item><title>{_e(a.title)}</title><link>{link}</link>"
            f'<guid isPermaLink="false">bench-{a.slug}</guid>'
            f"<pubDate>{format_datetime(a.published)}</pubDate>"
            f"<dc:creator>{_e(a.author)}</dc:creator>"
            f"<description>{_e(' '.join(a.paragraphs[0]) if a.paragraphs else '')}"
            "</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>Bench feed {feed_index}</title><link>{BASE_PLACEHOLDER}/</link>"
            f"<description>Generated feed {feed_index}</description>"
            + "".join(items) + "</channel></rss>\n")


# --- a site on disk ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Site:
    """A corpus written to ``root``: articles/*.html and feeds/*.xml."""

    root: Path
    seed: int
    n_docs: int
    per_feed: int
    feeds: tuple[str, ...]  # paths relative to root, e.g. "feeds/f0000.xml"
    words: int
    sentences: int


def write_site(root: str | Path, n_docs: int, seed: int = 1, per_feed: int = 100) -> Site:
    """Write (or reuse, when the manifest matches) a site of ``n_docs`` pages."""
    root = Path(root)
    manifest = root / "manifest.json"
    want = {"seed": seed, "n_docs": n_docs, "per_feed": per_feed, "version": 2}
    if manifest.exists():
        got = json.loads(manifest.read_text())
        if {k: got.get(k) for k in want} == want:
            return Site(root, seed, n_docs, per_feed, tuple(got["feeds"]), got["words"],
                        got["sentences"])
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "feeds").mkdir(parents=True, exist_ok=True)
    feeds: list[str] = []
    words = sentences = 0
    batch: list[Article] = []
    for a in iter_articles(seed, 0, n_docs):
        (root / "articles" / f"{a.slug}.html").write_text(render_html(a), encoding="utf-8")
        words += a.words
        sentences += a.sentences
        batch.append(a)
        if len(batch) == per_feed or a.index == n_docs - 1:
            rel = f"feeds/f{len(feeds):04d}.xml"
            (root / rel).write_text(render_feed(len(feeds), batch), encoding="utf-8")
            feeds.append(rel)
            batch = []
    manifest.write_text(json.dumps({**want, "feeds": feeds, "words": words,
                                    "sentences": sentences}))
    return Site(root, seed, n_docs, per_feed, tuple(feeds), words, sentences)


def write_config(path: str | Path, base_url: str, feeds: list[str] | tuple[str, ...], *,
                 batch_size: int = 50, per_host_concurrency: int | None = None,
                 extra_settings: dict[str, int | float | str] | None = None) -> Path:
    """A gapwatch sources.toml polling ``feeds`` on the local bench server."""
    path = Path(path)
    lines = [
        "# generated by bench.corpus.write_config",
        "[settings]",
        'user_agent = "gapwatch-bench/0.1"',
        'allow_private = ["127.0.0.1"]',
        f"batch_size = {batch_size}",
    ]
    if per_host_concurrency is not None:
        lines.append(f"per_host_concurrency = {per_host_concurrency}")
    for key, value in (extra_settings or {}).items():
        lines.append(f"{key} = {json.dumps(value)}")
    lines.append("")
    for i, rel in enumerate(feeds):
        lines += ["[[feed]]", f'name = "bench feed {i:04d}"', f'url = "{base_url}/{rel}"',
                  'interval = "30m"', "fetch_articles = true", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
