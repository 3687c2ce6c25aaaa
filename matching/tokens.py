"""Documents → per-field token lists, in parallel, with a cache the app can persist.

Tokenising is the slowest step of a rebuild, and a document's tokens only change when its text
does, so tokens are keyed by a fingerprint of the text (and of the tokeniser version). The app
may keep :meth:`DocTokens.to_json` next to each document and hand it back through
:class:`TokenCache` to rebuild without re-tokenising.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from matching.normalize import clean_text
from matching.tokenize import TOKENIZER_VERSION, WordTokenizer
from matching.types import ChallengeDoc, StartupDoc

Doc = ChallengeDoc | StartupDoc
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class DocTokens:
    """Content words of one document. ``title`` is a challenge's title or a startup's name;
    ``tags`` holds tags and category names. ``empty`` is True when there was no text at all."""

    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    empty: bool = False

    def to_json(self) -> str:
        """Compact JSON for storage next to the document."""
        return json.dumps(
            {"t": self.title, "b": self.body, "g": self.tags, "e": self.empty}, ensure_ascii=False
        )

    @classmethod
    def from_json(cls, text: str) -> DocTokens:
        data = json.loads(text)
        return cls(tuple(data["t"]), tuple(data["b"]), tuple(data["g"]), bool(data["e"]))


def _fields(doc: Doc) -> tuple[str, str, str]:
    title = doc.title if isinstance(doc, ChallengeDoc) else doc.name
    return title, doc.body, " ".join((*doc.tags, *doc.categories))


def fingerprint(doc: Doc) -> str:
    """Hash of everything tokenisation reads: equal fingerprints mean equal tokens."""
    raw = "\x1f".join((TOKENIZER_VERSION, type(doc).__name__, *_fields(doc)))
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def tokenize_doc(doc: Doc, tokenizer: WordTokenizer) -> DocTokens:
    """Tokenise one document's fields; never raises on odd text."""
    title, body, tags = (clean_text(text) for text in _fields(doc))
    return DocTokens(
        title=tuple(tokenizer.tokens(title)),
        body=tuple(tokenizer.tokens(body)),
        tags=tuple(tokenizer.tokens(tags)),
        empty=not (title or body or tags),
    )


class TokenCache:
    """A dict of (kind, id) → (fingerprint, tokens); stale entries are simply re-tokenised."""

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], tuple[str, DocTokens]] = {}

    def __len__(self) -> int:
        return len(self._data)

    @staticmethod
    def _key(doc: Doc) -> tuple[str, str]:
        return ("c" if isinstance(doc, ChallengeDoc) else "s", doc.id)

    def get(self, doc: Doc) -> DocTokens | None:
        hit = self._data.get(self._key(doc))
        return hit[1] if hit is not None and hit[0] == fingerprint(doc) else None

    def put(self, doc: Doc, tokens: DocTokens, print_: str | None = None) -> None:
        self._data[self._key(doc)] = (print_ or fingerprint(doc), tokens)


_worker = threading.local()  # a pool worker's (or, in-process, each thread's) tokenizer

Fields = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], bool]


def _init_worker() -> None:
    """Pool initializer: Sudachi tokenisers are not picklable, so each worker makes its own.

    Thread-local, because in-process tokenising (``workers=1``) may run in two threads at once
    (the app refits in a request thread while a rebuild runs in another), and a Sudachi
    tokenizer used by two threads fails ("Already borrowed")."""
    _worker.tokenizer = WordTokenizer()


def thread_tokenizer() -> WordTokenizer:
    """This thread's (or pool worker's) tokenizer, made on first use."""
    if getattr(_worker, "tokenizer", None) is None:
        _init_worker()
    tokenizer: WordTokenizer = _worker.tokenizer
    return tokenizer


def _tokenize_batch(docs: Sequence[Doc]) -> list[Fields]:
    """Tokens of a batch as plain tuples (cheaper to send back than dataclasses).

    Equal words are made one string object, so pickle sends each distinct word of a batch once.
    """
    tokenizer = thread_tokenizer()
    words: dict[str, str] = {}
    out = []
    for doc in docs:
        t = tokenize_doc(doc, tokenizer)
        out.append((_shared(t.title, words), _shared(t.body, words), _shared(t.tags, words),
                    t.empty))
    return out


def _shared(tokens: tuple[str, ...], words: dict[str, str]) -> tuple[str, ...]:
    """The same tokens, each equal word as one shared string object."""
    get = words.setdefault
    return tuple([get(w, w) for w in tokens])


def tokenize_all(
    docs: Sequence[Doc],
    *,
    workers: int = 2,
    progress: Progress | None = None,
    cache: TokenCache | None = None,
    batch_size: int = 1_000,
) -> list[DocTokens]:
    """Tokens for every document, from ``cache`` where fresh, else tokenised on ``workers``
    processes (1 = in this process). Fresh results are written back to ``cache``.

    Each worker builds one tokenizer (pool initializer) and receives batches of
    ``batch_size`` documents, so pickling and start-up costs are paid per batch, not per doc.
    """
    out: list[DocTokens | None] = [cache.get(d) if cache is not None else None for d in docs]
    todo = [i for i, tokens in enumerate(out) if tokens is None]
    total, done = len(docs), len(docs) - len(todo)
    if progress is not None:
        progress(done, total)
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    words: dict[str, str] = {}
    if workers > 1 and len(batches) > 1:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
            results = pool.map(_tokenize_batch, [[docs[i] for i in b] for b in batches])
            for batch, tokens in zip(batches, results, strict=True):
                done = _store(docs, out, batch, tokens, words, cache, done, total, progress)
    else:
        for batch in batches:
            tokens = _tokenize_batch([docs[i] for i in batch])
            done = _store(docs, out, batch, tokens, words, cache, done, total, progress)
    return [t if t is not None else DocTokens(empty=True) for t in out]


def _store(
    docs: Sequence[Doc],
    out: list[DocTokens | None],
    batch: list[int],
    tokens: list[Fields],
    words: dict[str, str],
    cache: TokenCache | None,
    done: int,
    total: int,
    progress: Progress | None,
) -> int:
    for i, (title, body, tags, empty) in zip(batch, tokens, strict=True):
        # Shared across batches too: 40 000 documents hold ~6 M words but only thousands of
        # distinct ones, and a string object costs ~70 bytes.
        doc_tokens = DocTokens(
            _shared(title, words), _shared(body, words), _shared(tags, words), empty
        )
        out[i] = doc_tokens
        if cache is not None:
            cache.put(docs[i], doc_tokens)
    done += len(batch)
    if progress is not None:
        progress(done, total)
    return done
