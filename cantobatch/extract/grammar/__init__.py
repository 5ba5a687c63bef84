"""The citation grammar behind the ``rules`` extractor: deterministic, every reference grounded.

``rules.extract_references(text)`` is the way in; ``rules.RulesExtractor`` the extractor. The
stages are ``scan`` (the ``Scanner``) and its ``scan_*`` mixins; ``patterns.rx`` holds every regex;
``lexicon`` the word lists and numeral sources; ``groups`` the group table (``groups.toml``);
``numerals`` reads every number; ``locate``, ``group_names`` and ``pattern_starts`` find where a
pattern can match.
``rules.grammar_hash`` hashes every file of this folder.
"""
