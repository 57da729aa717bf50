"""Who reported a figure: the model's own organization (first party) or someone else.

The rule, applied to a figure's document and its model's organization:

1. The host of the document URL is one of the organization's domains (or a
   subdomain of one), or, on a shared hub (huggingface.co, github.com,
   <account>.github.io), the account is one of the organization's accounts.
2. Or the document's `site` or `author` names the organization (one of its
   aliases, as a whole word, case-insensitive).
3. Or the title carries the organization as its publisher: "<alias>: ..." or
   "... | <alias>" / "... - <alias>" / "... — <alias>" (how official blogs title posts).

A model with no known organization is "unknown"; anything else is "third".
The map is deliberately small and kept here (the API never imports extractors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

FIRST = "first"
THIRD = "third"
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Org:
    aliases: tuple[str, ...]
    domains: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()  # huggingface.co / github.com accounts


ORGS: dict[str, Org] = {
    "OpenAI": Org(("OpenAI",), ("openai.com", "chatgpt.com"), ("openai",)),
    "Anthropic": Org(("Anthropic",), ("anthropic.com", "claude.ai", "claude.com"),
                     ("anthropics", "anthropic")),
    "Google": Org(("Google", "Google DeepMind", "DeepMind", "Google Research"),
                  ("google", "deepmind.google", "deepmind.com", "blog.google", "research.google",
                   "ai.google.dev", "googleblog.com", "gemini.google.com"),
                  ("google", "google-deepmind", "google-research")),
    "Alibaba": Org(("Alibaba", "Alibaba Cloud", "Qwen Team", "Qwen"),
                   ("alibaba.com", "alibabacloud.com", "aliyun.com", "qwen.ai", "qwenlm.ai"),
                   ("qwen", "qwenlm", "alibaba")),
    "Mistral AI": Org(("Mistral AI", "Mistral"), ("mistral.ai",), ("mistralai",)),
    "xAI": Org(("xAI",), ("x.ai", "grok.com"), ("xai-org",)),
    "Zhipu AI": Org(("Zhipu AI", "Zhipu", "Z.ai", "THUDM"), ("zhipuai.cn", "z.ai", "bigmodel.cn"),
                    ("zai-org", "thudm", "zhipuai")),
    "DeepSeek": Org(("DeepSeek", "DeepSeek-AI"), ("deepseek.com",), ("deepseek-ai",)),
    "Meta": Org(("Meta", "Meta AI", "FAIR"), ("meta.com", "ai.meta.com", "about.fb.com",
                                             "llama.com", "facebook.com"),
                ("meta-llama", "facebookresearch")),
    "Moonshot AI": Org(("Moonshot AI", "Moonshot", "Kimi Team"),
                       ("moonshot.ai", "moonshot.cn", "kimi.com", "kimi.ai"),
                       ("moonshotai",)),
    "MiniMax": Org(("MiniMax",), ("minimax.io", "minimaxi.com", "minimax.chat"),
                   ("minimaxai", "minimax-ai")),
    "NVIDIA": Org(("NVIDIA", "Nvidia"), ("nvidia.com",), ("nvidia",)),
    "Microsoft": Org(("Microsoft", "Microsoft Research"), ("microsoft.com",), ("microsoft",)),
    "Tencent": Org(("Tencent", "Tencent Hunyuan"), ("tencent.com", "hunyuan.tencent.com"),
                   ("tencent", "tencent-hunyuan")),
    "Ant Group": Org(("Ant Group", "inclusionAI", "Ant Ling"), ("antgroup.com",),
                     ("inclusionai",)),
    "Cohere": Org(("Cohere", "Cohere For AI", "Cohere Labs"), ("cohere.com", "cohere.ai"),
                  ("cohereforai", "coherelabs", "cohere-ai")),
    "Xiaomi": Org(("Xiaomi", "Xiaomi MiMo"), ("xiaomi.com", "mi.com"), ("xiaomimimo",)),
    "Cursor": Org(("Cursor", "Anysphere"), ("cursor.com", "cursor.sh", "anysphere.inc"), ()),
    "ByteDance": Org(("ByteDance", "ByteDance Seed"), ("bytedance.com",), ("bytedance-seed",)),
    "Baidu": Org(("Baidu",), ("baidu.com",), ("baidu", "paddlepaddle")),
    "Meituan": Org(("Meituan", "LongCat"), ("meituan.com", "longcat.ai"), ("meituan-longcat",)),
    "AI2": Org(("AI2", "Ai2", "Allen Institute for AI"), ("allenai.org",), ("allenai",)),
    "StepFun": Org(("StepFun",), ("stepfun.com",), ("stepfun-ai",)),
    "01.AI": Org(("01.AI", "01 AI"), ("01.ai", "lingyiwanwu.com"), ("01-ai",)),
    "Hugging Face": Org(("Hugging Face", "HuggingFace"), ("huggingface.co",), ("huggingface",)),
}
HUBS = ("huggingface.co", "github.com")


@cache
def _org(name: str) -> Org:
    """The known entry, or one built from the organization name alone."""
    for key, org in ORGS.items():
        if key.lower() == name.lower():
            return org
    return Org((name,))


@cache
def _alias_re(name: str) -> re.Pattern[str]:
    words = sorted(_org(name).aliases, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])",
                      re.IGNORECASE)


@cache
def _title_re(name: str) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in sorted(_org(name).aliases, key=len, reverse=True))
    return re.compile(rf"^\s*(?:{words})\s*:|[|\-\u2013\u2014]\s*(?:{words})\s*$", re.IGNORECASE)


def _host_matches(url: str | None, org: Org) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return False
    if host in HUBS or host.endswith(".github.io"):
        account = (host.split(".")[0] if host.endswith(".github.io")
                   else (parts.path.strip("/").split("/") or [""])[0]).lower()
        if account and account in org.accounts:
            return True
    for dom in org.domains:
        if "." not in dom:  # a brand: google.com, google.co.uk, blog.google
            labels = host.split(".")
            if (labels[-1] == dom or (len(labels) >= 2 and labels[-2] == dom)
                    or (len(labels) >= 3 and labels[-3] == dom and len(labels[-1]) == 2)):
                return True
            continue
        if host == dom or host.endswith("." + dom):
            return True
    return False


def classify(organization: str | None, *, url: str | None = None, site: str | None = None,
             author: str | None = None, title: str | None = None) -> str:
    """first | third | unknown for one figure's document and its model's organization."""
    if not organization:
        return UNKNOWN
    org = _org(organization)
    if _host_matches(url, org):
        return FIRST
    pattern = _alias_re(organization)
    for field in (site, author):
        if field and pattern.search(field):
            return FIRST
    if title and _title_re(organization).search(title):
        return FIRST
    return THIRD
