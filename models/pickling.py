"""Quick pickling for slotted dataclasses that cross process boundaries.

Python 3.11 pickles a ``slots=True`` dataclass with a ``__getstate__`` and
``__setstate__`` that call ``dataclasses.fields()`` for every object. Extraction
results travel from the worker processes by the thousand per batch, and that call
was most of the time the flow process spent unpickling them. These replacements
read the field names once per class.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def quick_pickle(cls: type[T]) -> type[T]:
    """Class decorator, applied above ``@dataclass(slots=True)``: state is a tuple of
    the field values in declaration order."""
    names = tuple(f.name for f in dataclasses.fields(cls))  # type: ignore[arg-type]
    read = attrgetter(*names)
    single = len(names) == 1

    def __getstate__(self: Any) -> tuple[Any, ...]:  # noqa: N807 - pickle's protocol
        return (read(self),) if single else read(self)

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:  # noqa: N807
        for name, value in zip(names, state, strict=True):
            object.__setattr__(self, name, value)

    cls.__getstate__ = __getstate__  # type: ignore[attr-defined]
    cls.__setstate__ = __setstate__  # type: ignore[attr-defined]
    return cls
