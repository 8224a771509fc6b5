"""A deck's fitted card sides placed on printer sheets: the chunks that came back from the
workers (or the card cache) opened one after another, the deck's metadata, this build's date.

:func:`~wildpress.layout.cards.render_sides` fits the sides of a chunk of cards; the
imposition itself (N-up, duplex backs, marks) is :func:`wildpress.printing.imposition.impose`.
"""

from __future__ import annotations

import io

from ..printing.imposition import impose


def impose_deck(chunks: list[bytes], job, settings) -> tuple[bytes, int]:
    """Place the fitted sides of every chunk (PDFs from :func:`render_sides`, in deck order) on sheets.

    The chunks are opened one after another as imposition reaches them and closed (their bytes
    dropped from ``chunks``) once their cards are on sheets, so a deck of any length holds only
    the output and a chunk or two in memory.
    """
    import pikepdf

    chunks[0] = chunk_bytes(chunks[0])
    with pikepdf.open(io.BytesIO(chunks[0])) as first:
        docinfo = _docinfo(first, job)
    return impose(_ChunkCards(chunks), job.size.width, job.size.height, settings.cards, docinfo)


def chunk_bytes(chunk) -> bytes:
    """A chunk's PDF: its bytes, or read back from the card cache (``Stored`` handles have ``read``)."""
    return chunk if isinstance(chunk, (bytes, bytearray)) else chunk.read()


class _ChunkCards:
    """The (front, back) pages of a deck's chunks, opened lazily and closed once copied."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.done: list = []  # opened chunks whose every card has been handed out

    def __iter__(self):
        import pikepdf

        for n, data in enumerate(self.chunks):
            pdf = pikepdf.open(io.BytesIO(chunk_bytes(data)))
            self.chunks[n] = b""
            pages = list(pdf.pages)
            for i in range(0, len(pages) - 1, 2):
                yield pages[i], pages[i + 1]
            self.done.append(pdf)

    def release(self) -> None:
        """Every card handed out so far is on a sheet: close the chunks already used up."""
        while self.done:
            self.done.pop().close()


def _docinfo(source, job) -> dict:
    """The rendered document's metadata (Creator marks the file as ours), titled for the deck."""
    info = {str(k): v for k, v in source.docinfo.items()}
    info["/Title"] = f"Flashcards: {job.name} ({len(job.species_list)} species, {job.size.label})"
    if getattr(job, "settings", None) is not None:  # this build's date, not that of a chunk from the card cache
        import datetime as _dt

        from pikepdf.models.metadata import encode_pdf_date

        stamp = encode_pdf_date(_dt.datetime.fromisoformat(job.settings.creation_time()))
        info["/CreationDate"] = info["/ModDate"] = stamp
    return info
