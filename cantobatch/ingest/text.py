"""Plain text (.txt, .md) and the byte decoding that HTML shares: BOM, UTF-16 without a BOM,
declared, UTF-8, detector. A few stray NUL bytes in text are dropped; only binary data is refused."""

from __future__ import annotations

import codecs
import re
import unicodedata

from cantobatch.data import Document, Page

_BOMS = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Single-byte western guesses are read as cp1252, which is what such files almost always are
# (browsers do the same for a declared latin-1): it has the smart quotes and dashes latin-1 lacks.
_WESTERN = {"ascii", "iso8859-1", "iso8859-15", "cp1252", "mac-roman", "cp850", "cp437"}


def _cp1252_undefined_as_latin1(exc: UnicodeDecodeError) -> tuple[str, int]:
    # The five bytes cp1252 leaves undefined decode as the C1 controls latin-1 gives them.
    return exc.object[exc.start : exc.end].decode("latin-1"), exc.end


codecs.register_error("cantobatch-latin1", _cp1252_undefined_as_latin1)


def codec_name(label: str) -> str | None:
    """The Python codec for an encoding label ("ISO-8859-1" → "cp1252", "utf8" → "utf-8")."""
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name.replace("_", "-")
    except (LookupError, ValueError):
        return None
    if name in _WESTERN:
        return "cp1252"
    return name


def _decode_as(data: bytes, encoding: str) -> str:
    if encoding == "cp1252":
        return data.decode("cp1252", errors="cantobatch-latin1")
    return data.decode(encoding)


_CONTROL_BYTES = bytes(b for b in range(1, 32) if b not in (9, 10, 11, 12, 13, 27))


def utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le"/"utf-16-be" for UTF-16 text without a byte order mark, else None.

    Text in the Latin scripts, written as UTF-16, has a NUL high byte in most code units and
    none in the other half: "C\\x00a\\x00n\\x00" is little-endian.
    """
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.3 * pairs and other <= 0.02 * pairs:
            try:
                sample[: 2 * pairs].decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def looks_binary(data: bytes) -> bool:
    """Whether bytes are binary data rather than text with a few stray NULs: more than 1% NUL
    bytes, or more than 5% other control bytes (UTF-16 without a BOM is text)."""
    if not data or utf16_without_bom(data):
        return False
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return data.count(0) > len(data) // 100 or controls > len(data) // 20


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``: BOM, UTF-16 without a BOM, the ``declared`` encoding, strict UTF-8, then a
    detector.

    Returns ``(text, encoding)``; the BOM is not part of the text. Never raises: the last resort
    is cp1252, which decodes any byte string.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    encoding = utf16_without_bom(data)
    if encoding:
        return data.decode(encoding, errors="replace"), encoding
    if declared:
        encoding = codec_name(declared)
        # A page that can be read as ASCII cannot really be UTF-16/32 without a BOM (WHATWG rule).
        if encoding and not encoding.startswith(("utf-16", "utf-32")):
            try:
                return _decode_as(data, encoding), encoding
            except UnicodeDecodeError:
                pass  # the declaration lies; fall through to the bytes themselves
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(data)
    if encoding:
        try:
            return _decode_as(data, encoding), encoding
        except UnicodeDecodeError:
            pass
    return _decode_as(data, "cp1252"), "cp1252"


def _detect(data: bytes) -> str | None:
    """The detector's encoding; cp1252 when a western code page is among its best guesses.

    On short western text charset_normalizer ranks cp1250 or even cp1125 first, tied with
    cp1252 (same chaos, no language evidence); the tie is broken towards the western reading.
    """
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    for match in results:
        tied = match.chaos <= best.chaos + 0.01 and match.coherence >= best.coherence - 0.05
        if tied and any(codec_name(name) == "cp1252" for name in match.could_be_from_charset):
            return "cp1252"
    return codec_name(best.encoding)


def normalize_unicode(text: str) -> str:
    """NFKC (ligatures, compatibility characters, no-break spaces) and Unix line ends."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text


_TRAILING_SPACE = re.compile(r"[ \t\f\v]+\n")
_MANY_BLANKS = re.compile(r"\n{3,}")


def read_text(data: bytes, *, doc_id: str, source: str) -> Document:
    """A .txt/.md file: decoded, NFKC-normalised, one pseudo-page; blank lines stay paragraphs."""
    text, encoding = decode_bytes(data)
    if "\x00" in text and text.count("\x00") <= len(text) // 100:
        text = text.replace("\x00", "")  # a few stray NULs (a damaged copy): the text is fine
    if "\x00" in text:
        return Document(
            doc_id=doc_id,
            source=source,
            kind="text",
            status="decode_error",
            bytes=len(data),
            reader="text",
            encoding=encoding,
            error=f"{source}: NUL characters after decoding as {encoding}; the file is binary, "
            "not text (rename it or remove it from the corpus)",
        )
    text = normalize_unicode(text)
    text = _MANY_BLANKS.sub("\n\n", _TRAILING_SPACE.sub("\n", text)).strip()
    status = "ok" if text else "empty"
    return Document(
        doc_id=doc_id,
        source=source,
        kind="text",
        status=status,
        bytes=len(data),
        text=text,
        pages=(Page(1, None, 0, len(text)),),
        reader="text",
        encoding=encoding,
        error=None if text else f"{source}: the file has no text",
    )
