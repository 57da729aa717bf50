"""Typed parse errors: every parser raises one of these and nothing else."""

from __future__ import annotations


class ParseError(Exception):
    """Input bytes could not be turned into a document."""

    reason: str = "parse error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FeedParseError(ParseError):
    reason = "malformed feed"


class ArticleParseError(ParseError):
    reason = "article could not be extracted"


class NotHTMLError(ArticleParseError):
    reason = "not an HTML page"


class PaperParseError(ParseError):
    reason = "malformed arXiv response"


class InvalidURLError(ParseError):
    reason = "invalid URL"


class ParseTimeoutError(ArticleParseError):
    reason = "article extraction timed out"


class ParserCrashedError(ArticleParseError):
    reason = "article parser process died"
