"""Ingest: a corpus directory → SourceFiles (``discover``) → Documents (``reader``).

``discover.discover(root)`` walks a corpus and sniffs each file's kind from its bytes;
``reader.Reader`` parses each file in a worker process (``worker``) under a time limit with the
format's reader: ``pdf`` (pypdfium2, pypdf fallback), ``html`` (BeautifulSoup + lxml), ``text``.
"""
