"""The citation grammar behind the ``rules`` extractor: deterministic, every reference grounded.

``rules.extract_references(text)`` is the way in; ``rules.RulesExtractor`` the extractor. The
stages are ``scan`` (the ``Scanner``) and its ``scan_*`` mixins; ``patterns.rx`` holds every regex
(with ``patterns_refworks``' and ``patterns_foreign``'); ``lexicon`` the word lists and numeral
sources; ``groups`` the group table (``groups.toml``); ``numerals`` reads every number, and
``foreign_numbers`` those of other languages; ``locate``, ``group_names`` and ``pattern_starts``
find where a pattern can match; ``conventions`` decides a document's notation over all its
passages; ``owners`` gives another poem the cantos of a passage that names it and not Pound.
``rules.grammar_hash`` hashes every file of this folder.
"""
