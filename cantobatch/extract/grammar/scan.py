"""The scanner: finds canto and line mentions in a passage, most specific first, never letting
two mentions share characters. ``rules.extract_references`` runs its stages in order and resolves
the mentions into references.

``Scanner`` puts together the state (``scan_state``: the passage, the spans taken, the marks
found in it) and the stages, each a mixin over it: numbered cantos (``scan_cantos``), ordinals
and groups (``scan_ordinals``), line references (``scan_lines``); the canto stages share the
numeral reading of ``scan_numerals``.
"""

from __future__ import annotations

from cantobatch.extract.grammar.scan_cantos import CantoStages
from cantobatch.extract.grammar.scan_lines import LineStages
from cantobatch.extract.grammar.scan_ordinals import OrdinalStages
from cantobatch.extract.grammar.scan_state import CantoMention, LineMention

__all__ = ["CantoMention", "LineMention", "Scanner"]


class Scanner(CantoStages, OrdinalStages, LineStages):
    """Every stage over one passage: ``Scanner(text)``, then its stages in order (see
    ``rules.extract_references``); the mentions are in ``cantos`` and ``lines``."""
