"""The take-away PDF is rendered from our own files only: no remote fetch, ever."""

from __future__ import annotations

import pytest

from trdnav.features.aid.visit_sketch import sketch
from trdnav.platform.pdf import STATIC, RemoteFetchRefused, _fetcher, is_local, render_pdf


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ((STATIC / "patient" / "app.css").as_uri(), True),
        ("data:text/css,body{}", True),
        ("https://cdn.example.com/x.css", False),
        ("http://127.0.0.1:8000/static/patient/app.css", False),
        ("file:///etc/passwd", False),
        ((STATIC / ".." / ".." / "settings.py").as_uri(), False),
    ],
)
def test_only_our_static_files_are_local(url: str, local: bool) -> None:
    assert is_local(url) is local


def test_the_fetcher_refuses_remote_urls() -> None:
    with pytest.raises(RemoteFetchRefused):
        _fetcher().fetch("https://cdn.example.com/tracker.png")


def test_a_remote_image_is_skipped_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network use in a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = '<p>Hi</p><img src="https://cdn.example.com/tracker.png" alt="">'
    pdf = render_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert attempts == []


def test_visit_sketch_front_loads_the_shortest_course(runtime) -> None:  # type: ignore[no-untyped-def]
    from trdnav.domain.requests import AssessmentRequest

    result = runtime.engine.assess(
        AssessmentRequest(age=42, conditions=["major_depressive_disorder"])
    )
    by_id = {o.id: sketch(o) for o in result.options}
    # Esketamine label course: twice a week for 4 weeks, then weekly (12 over 8 weeks).
    assert by_id["esketamine"].weekly == (2, 2, 2, 2, 1, 1)
    assert by_id["esketamine"].later
    # Accelerated iTBS: five visit days in one week.
    assert by_id["accelerated_itbs"].weekly == (5, 0, 0, 0, 0, 0)
    for s in by_id.values():
        assert all(0 <= n <= 5 for n in s.weekly)
