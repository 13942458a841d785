"""The ledger as a web page: what the page says (chain state, convergence, a round's items,
proposals and decisions), what it refuses, and what a person sees in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from solver import Economy, RoundRecord, load_example
from solver.cli.view import view_server
from solver.planning.ledger import LedgerError, LedgerWriter
from solver.planning.ledger_view import ledger_page
from solver.usecases import new_session

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _ledger(folder: Path, rule: str, economy: Economy | None = None) -> Path:
    session = new_session(economy or load_example("planning-town"), rule, max_rounds=300)
    writer = LedgerWriter(folder)

    def write(record: RoundRecord) -> None:
        assert session.last_proposals is not None and session.last_evaluation is not None
        writer.write(session.market, record, session.last_proposals, session.last_evaluation)

    session.run(write)
    return folder


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("ledgers")
    return [_ledger(root / "lp", "lp"), _ledger(root / "tatonnement", "tatonnement")]


def _record(folder: Path, round_: int) -> dict:  # type: ignore[type-arg]
    return json.loads((folder / f"round-{round_:04d}.json").read_text())


def test_the_page_shows_the_chain_the_convergence_and_a_round(ledgers: list[Path]) -> None:
    lp = ledgers[0]
    last = len(list(lp.glob("round-*.json")))
    page = ledger_page(ledgers, 0)
    assert f"ledger intact: {last} rounds, head {_record(lp, last)['sha256'][:16]}" in page
    lines = re.findall(
        r'<polyline class="session" data-session="([^"]+)"[^>]*points="([^"]+)"', page
    )
    assert [name for name, _ in lines] == ["lp", "tatonnement"]
    tatonnement_rounds = len(list(ledgers[1].glob("round-*.json")))
    assert [len(points.split()) for _, points in lines] == [last, tatonnement_rounds]
    assert f"<h2>Round {last}</h2>" in page
    for item in _record(lp, last)["items"]:  # every item at the round's price
        assert f'<td class="text">{item["item"]}</td>' in page
        assert f"<td>{item['price'] + 0.0:.6g}</td>" in page
    assert "social benefit covers social cost" in page  # the board's decisions
    first = ledger_page(ledgers, 0, round=1)
    bread = _record(lp, 1)["proposals"]["consumer"]["north-cc"]["bread"]
    assert f"<td>{bread:.6g}</td>" in first and "<h2>Round 1</h2>" in first


def test_an_altered_ledger_is_shown_as_altered(ledgers: list[Path], tmp_path: Path) -> None:
    copy = Path(shutil.copytree(ledgers[0], tmp_path / "copy"))
    record = _record(copy, 2)
    record["items"][0]["price"] *= 1.01
    (copy / "round-0002.json").write_text(json.dumps(record))
    page = ledger_page([copy], 0)
    assert '<p class="altered">ledger altered: round 2' in page


def test_text_from_an_economy_is_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    text = load_example("planning-town").model_dump_json().replace('"bread"', json.dumps(hostile))
    folder = _ledger(tmp_path / "hostile", "lp", Economy.model_validate_json(text))
    page = ledger_page([folder], 0)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_what_is_not_there_is_refused(ledgers: list[Path], tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="no round-"):
        ledger_page([tmp_path], 0)
    with pytest.raises(LedgerError, match="round: 1 to"):
        ledger_page(ledgers, 0, round=999)
    with pytest.raises(LedgerError, match="session: 0 to 1, got 5"):
        ledger_page(ledgers, 5)


@pytest.fixture()
def served(ledgers: list[Path]) -> Iterator[str]:
    server = view_server(ledgers, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_server_serves_pages_and_404s_the_rest(served: str) -> None:
    with urllib.request.urlopen(served + "/session/1?round=2") as answer:
        assert answer.status == 200
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
        assert "<h2>Round 2</h2>" in answer.read().decode()
    for path, words in [
        ("/session/7", "session: 0 to 1"),
        ("/?round=x", "round: a round number"),
        ("/etc/passwd", "no page /etc/passwd"),
    ]:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(served + path)
        assert err.value.code == 404 and words in err.value.read().decode()


@pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("PARPLAN_REQUIRE_CHROMIUM"),
    reason="no chromium here (Debian's package; .ci/run installs it)",
)
def test_a_person_sees_the_page_in_chromium(ledgers: list[Path], tmp_path: Path) -> None:
    assert CHROMIUM is not None, "PARPLAN_REQUIRE_CHROMIUM is set but chromium is missing"
    view = subprocess.Popen(
        [sys.executable, "-m", "solver.cli", "view", *map(str, ledgers), "--port", "0"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert view.stdout is not None
        url = view.stdout.readline().split()[1]  # "serving http://127.0.0.1:PORT/ ..."
        browser = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
        dom = subprocess.run(
            [*browser, "--dump-dom", url + "session/0?round=2"],
            capture_output=True, text=True, timeout=120,
        ).stdout  # fmt: skip
        assert "ledger intact" in dom and "<h2>Round 2</h2>" in dom
        assert dom.count('class="session"') == 2  # both sessions' lines in the plot
        shot = tmp_path / "page.png"
        subprocess.run(
            [*browser, f"--screenshot={shot}", "--window-size=1000,900", url],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        from matplotlib.image import imread

        pixels = (imread(shot)[..., :3] * 255).round().astype(int)
        blue = np.all(np.abs(pixels - [31, 119, 180]) < 40, axis=-1).sum()  # the lp line
        red = np.all(np.abs(pixels - [214, 39, 40]) < 40, axis=-1).sum()  # tatonnement's
        green = np.all(np.abs(pixels - [26, 127, 55]) < 40, axis=-1).sum()  # "ledger intact"
        assert blue > 100 and red > 200 and green > 50, (blue, red, green)
    finally:
        view.terminate()
        view.wait(timeout=10)
