"""The group table: named parts of the poem ("the Pisan Cantos" → 74–84), read from
``groups.toml`` beside this module, with the names and adjectives that cite each group.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cantobatch.errors import ConfigError
from cantobatch.extract.grammar.lexicon import valid_canto

GROUPS_PATH = Path(__file__).resolve().parent / "groups.toml"


@dataclass(frozen=True)
class Group:
    name: str
    first: int
    last: int
    names: tuple[str, ...]
    adjective: tuple[str, ...]
    triggers: tuple[str, ...] = ()  # substrings every name contains: skip the regex without one
    lower: tuple[str, ...] = ()  # lower-case names, tried only where "cant" occurs
    # names that are also ordinary words ("the Pisans", the people of Pisa): cited only in a
    # passage that speaks of cantos or of Pound
    context_only: frozenset[str] = frozenset()

    @property
    def cantos(self) -> list[int]:
        return list(range(self.first, self.last + 1))


@cache
def load_groups(path: Path = GROUPS_PATH) -> tuple[Group, ...]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: cannot read the group table ({exc}); reinstall cantobatch"
        ) from exc
    groups = []
    for item in data.get("group", []):
        group = Group(
            name=item["name"],
            first=int(item["first"]),
            last=int(item["last"]),
            names=tuple(item.get("names", ())),
            adjective=tuple(item.get("adjective", ())),
            triggers=tuple(item.get("triggers", ())),
            lower=tuple(item.get("lower", ())),
            context_only=frozenset(item.get("context_only", ())),
        )
        if not (valid_canto(group.first) and valid_canto(group.last) and group.first <= group.last):
            raise ConfigError(f"{path}: group {group.name!r} has an invalid canto range")
        for pattern in group.names + group.adjective + group.lower:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(
                    f"{path}: group {group.name!r}: bad pattern {pattern!r}: {exc}"
                ) from exc
        groups.append(group)
    return tuple(groups)
