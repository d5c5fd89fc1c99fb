"""docs/transcripts/ is what the engine says today (regenerate with `make transcripts`)."""

from __future__ import annotations

from tests.transcripts import OUTPUT, render_all


def test_transcripts_match_the_engine():
    expected = render_all()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in OUTPUT.glob("*.md")}
    stale = sorted(
        name for name in expected.keys() | on_disk.keys() if expected.get(name) != on_disk.get(name)
    )
    assert not stale, f"docs/transcripts is stale ({stale}): run `make transcripts`"


def test_every_journey_ends_where_it_should():
    """A journey that stopped making sense (an answer not understood, the menu instead of the
    next question) shows as a transcript with the not-understood or fallback text in it."""
    for name, content in render_all().items():
        assert "belum sesuai" not in content, name
        assert "belum memahami" not in content, name
