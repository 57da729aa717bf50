"""Fingerprints for de-duplication: pure functions, no database.

A document is reduced to a MinHash signature over word 5-shingles of its
normalised text, and the signature to LSH band keys (64-bit ints). Storage
keeps the band keys in an indexed table, so finding the earlier documents a new
one may copy is a handful of index lookups whatever the corpus size.

The bands are tuned for a *low* detection threshold (about 0.5 Jaccard) and
every candidate is verified against its stored signature with the configured
threshold; changing `near_duplicate_threshold` therefore needs no re-indexing.

A claim is reduced to keys that group repeated sentences: the exact normalised
wording, a bag of content words (order and function words ignored), the
numbers it states, and the party it attributes the finding to (its origin).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash

from models.pickling import quick_pickle
from models.records import Extraction

NUM_PERM = 128
SHINGLE_K = 5
SEED = 1
SCHEME = "affine32"  # datasketch 2.x: 32-bit values, stored as 4 bytes each
LSH_BANDS = 42
LSH_ROWS = 3  # P(candidate | J) = 1 - (1 - J**3)**42: 0.996 at 0.5, 0.68 at 0.3, 0.1 at 0.14

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?|[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})

# Function words ignored by the bag-of-words claim key ("has closed" == "closed").
_STOP_TEXT = """
a an the and or but of to in on at by for with from as into than then that this these those
is are was were be been being has have had do does did will would shall should can could may
might must it its it's they them their there here which who whom whose what when where while
also just now still so such very more most about over under up down out off new says said
reports reported according per cent percent points point pp
"""
STOPWORDS = frozenset(_STOP_TEXT.split())


def normalise(text: str) -> str:
    """Case-, accent-width- and punctuation-insensitive text: tokens joined by single spaces."""
    return " ".join(words(text))


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return [_number(t) if t[0].isdigit() else t.replace("'", "") for t in _TOKEN.findall(folded)]


def _number(tok: str) -> str:
    """'1,000' -> '1000', '76.80' -> '76.8', '3,5' (decimal comma) -> '3.5'."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", tok):
        tok = tok.replace(",", "")
    tok = tok.replace(",", ".")
    if tok.count(".") == 1:
        tok = tok.rstrip("0").rstrip(".") if "." in tok else tok
    return tok or "0"


def shingles(text: str, k: int = SHINGLE_K) -> set[bytes]:
    """Word k-shingles of the normalised text; a text shorter than k is one shingle."""
    ws = words(text)
    if not ws:
        return set()
    if len(ws) < k:
        return {" ".join(ws).encode()}
    return {" ".join(ws[i:i + k]).encode() for i in range(len(ws) - k + 1)}


@cache
def _permutations() -> np.ndarray:
    """Built once per process: datasketch draws them from the seed on every MinHash()."""
    return np.asarray(MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations)


@quick_pickle
@dataclass(frozen=True, slots=True)
class Signature:
    """A document's MinHash (NUM_PERM little-endian uint32) and its LSH band keys."""

    minhash: bytes
    bands: tuple[int, ...]


def signature(text: str) -> Signature | None:
    """None for a text without words (nothing to compare)."""
    sh = shingles(text)
    if not sh:
        return None
    m = MinHash(num_perm=NUM_PERM, permutations=_permutations(), scheme=SCHEME)
    m.update_batch(sh)
    hv = np.asarray(m.hashvalues, dtype="<u4")
    return Signature(hv.tobytes(), band_keys(hv))


def band_keys(hv: np.ndarray) -> tuple[int, ...]:
    """One signed 64-bit key per band (band number mixed in, so bands never collide)."""
    out = []
    for b in range(LSH_BANDS):
        chunk = hv[b * LSH_ROWS:(b + 1) * LSH_ROWS].tobytes()
        digest = hashlib.blake2b(b.to_bytes(2, "little") + chunk, digest_size=8).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return tuple(out)


def jaccard(a: bytes, b: bytes) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures."""
    x = np.frombuffer(a, dtype="<u4")
    y = np.frombuffer(b, dtype="<u4")
    if len(x) != len(y) or not len(x):
        return 0.0
    return float(np.count_nonzero(x == y)) / len(x)


# --- claims --------------------------------------------------------------------------

@quick_pickle
@dataclass(frozen=True, slots=True)
class ClaimKey:
    """How a claim is matched to the cluster of its repeats."""

    exact: str  # hash of the normalised sentence
    bag: str  # hash of its sorted content words (reordering, function words ignored)
    numbers: str | None  # the numbers it states, sorted ("1.7|2025"), None without numbers
    norm: str  # the normalised sentence (for near-identical wording)
    origin: str | None  # the party whose finding it reports (registry name when known)


def exact_key(text: str) -> str:
    return hashlib.sha1(normalise(text).encode()).hexdigest()


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def claim_key(text: str, speaker: str | None = None) -> ClaimKey:
    ws = words(text)
    content = sorted({_stem(w) for w in ws if w not in STOPWORDS})
    nums = sorted({_number(n) for n in _NUMBER.findall(unicodedata.normalize("NFKC", text))})
    return ClaimKey(
        exact=hashlib.sha1(" ".join(ws).encode()).hexdigest(),
        bag=hashlib.sha1(" ".join(content).encode()).hexdigest(),
        numbers="|".join(nums) if nums else None,
        norm=" ".join(ws),
        origin=origin_of(text, speaker))


_ORG_TEXT = """
report index institute lab labs laboratory research university analysis survey study group
center centre foundation inc ltd llc corp association council agency committee tracker
leaderboard ai arena benchmark project team consortium review paper
"""
_ORG_WORDS = frozenset(_ORG_TEXT.split())


@cache
def _org_aliases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, canonical name) for every registry organization alias, longest first."""
    from extractors.nlp.registry import load_registry

    pairs: list[tuple[str, str]] = []
    for org in load_registry().organizations:
        for alias in {org.name, *org.aliases}:
            if len(alias) >= 3:
                pairs.append((alias, org.name))
    pairs.sort(key=lambda p: -len(p[0]))
    return tuple((re.compile(rf"(?<!\w){re.escape(a)}(?!\w)"), name) for a, name in pairs)


def _registry_org(text: str) -> str | None:
    for pattern, name in _org_aliases():
        if pattern.search(text):
            return name
    return None


def origin_of(sentence: str, speaker: str | None) -> str | None:
    """The organization or report a claim attributes its finding to, or None.

    A registry organization named in the speaker, or just before it in the
    sentence ("Stanford HAI's AI Index" -> Stanford HAI), wins; otherwise a
    speaker that reads like an organization or a report is kept as written.
    A person quoted in the article is not an origin: the article is.
    """
    if not speaker:
        return None
    found = _registry_org(speaker)
    if found:
        return found
    at = sentence.find(speaker)
    if at >= 0:
        found = _registry_org(sentence[max(0, at - 40):at + len(speaker)])
        if found:
            return found
    name = re.sub(r"['’]s\b", "", speaker).strip()
    toks = name.split()
    if not toks:
        return None
    if any(t.casefold().strip(".,") in _ORG_WORDS for t in toks) or (
            len(toks) == 1 and len(name) >= 2 and name.isupper()):
        return name
    return None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What storage needs to de-duplicate one document and its claims."""

    signature: Signature | None
    claims: dict[tuple[int, int], ClaimKey]  # by (start, end) of the extracted claim


def fingerprint(text: str, extraction: Extraction) -> Fingerprint:
    return Fingerprint(signature(text),
                       {(c.start, c.end): claim_key(c.text, c.speaker)
                        for c in extraction.claims})
