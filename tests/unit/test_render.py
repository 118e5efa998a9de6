"""Pages are rendered once per content version, cached in memory and on disk, with their widgets' state."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import re
import shutil

import pytest

from tests.conftest import ROOT
from widgets.server import contentversion, render
from widgets.server.pages import Pages

FIXTURES = ROOT / "tests" / "fixtures"


def run(coro):
    """Run in a thread of its own: the browser tests keep an event loop in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture()
def folder(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for name in ("quiz-sampler.ipynb", "sampler.yaml", "broken.yaml"):
        shutil.copy(FIXTURES / name, lessons / name)
    return lessons


def widget_state(html: bytes) -> dict:
    found = re.search(rb'<script id="course-widget-state" type="application/vnd.jupyter.widget-state\+json">'
                      rb"(.*?)</script>", html, re.S)
    assert found, "no widget state in the page"
    return json.loads(found.group(1))


def test_content_version_follows_every_source_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("one")
    v = contentversion.ContentVersion([tmp_path / "a"])
    first = v.current()
    assert first == contentversion.ContentVersion([tmp_path / "a"]).current()  # the same files, the same version
    (tmp_path / "a" / "x.txt").write_text("two")
    v._checked = 0  # skip the once-a-second wait
    assert v.current() != first
    (tmp_path / "a" / "x.txt").write_text("one")
    v._checked = 0
    assert v.current() == first
    (tmp_path / "a" / "__pycache__").mkdir()
    (tmp_path / "a" / "__pycache__" / "y.pyc").write_bytes(b"junk")
    v._checked = 0
    assert v.current() == first  # byte-code is not content


def test_the_package_source_and_assets_are_part_of_the_version(folder):
    roots = contentversion.source_roots(folder)
    assert folder in roots and contentversion.ASSETS in roots and contentversion.PACKAGE in roots


def test_a_page_is_rendered_with_its_widgets_state_and_its_bank(folder, tmp_path):
    pages = Pages(folder=folder, cache_dir=tmp_path / "cache")
    page = run(pages.get("quiz-sampler.ipynb"))
    assert pages.renders == 1
    html = page.html
    assert b"kernelId" not in html and b"api/kernels" not in html
    assert f'data-version="{page.version}"'.encode() in html
    state = widget_state(html)
    quizzes = [e["state"] for e in state.values() if e["state"].get("_anywidget_id", "").endswith(".Quiz")]
    assert len(quizzes) == 1 and quizzes[0]["lesson"] == "sampler"
    for mid in re.findall(rb'data-model-id="(\w+)"', html):
        assert mid.decode() in state  # every placeholder has its state
    # The page never carries the answers or explanations; the server's bank does.
    assert "explain" not in json.dumps(quizzes[0]["questions"])
    assert set(page.banks) == {"sampler"}
    assert page.banks["sampler"].questions
    # The broken bank in the same lesson shows a notice, not a quiz.
    assert b"This quiz could not be loaded" in html


def test_pages_come_from_memory_then_from_disk_and_render_again_on_a_change(folder, tmp_path):
    cache = tmp_path / "cache"
    pages = Pages(folder=folder, cache_dir=cache)
    first = run(pages.get("quiz-sampler.ipynb"))
    assert run(pages.get("quiz-sampler.ipynb")) is first and pages.renders == 1
    warm = Pages(folder=folder, cache_dir=cache)  # a restarted server, or a second instance
    again = run(warm.get("quiz-sampler.ipynb"))
    assert warm.renders == 0 and again.html == first.html and set(again.banks) == {"sampler"}
    bank = folder / "sampler.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("title:", "title: Changed", 1)
                    if "title:" in bank.read_text(encoding="utf-8") else bank.read_text(encoding="utf-8") + "\n#\n",
                    encoding="utf-8")
    warm.version._checked = 0
    changed = run(warm.get("quiz-sampler.ipynb"))
    assert changed.version != first.version and warm.renders == 1
    # The old render is kept, so a page opened before the change can still be graded with its own bank.
    assert warm.known(first.version, "quiz-sampler.ipynb") is again
    assert warm.known(changed.version, "quiz-sampler.ipynb") is changed


def test_preview_renders_afresh_every_time(folder, tmp_path):
    pages = Pages(folder=folder, cache_dir=tmp_path / "cache", preview=True)
    run(pages.get("quiz-sampler.ipynb"))
    run(pages.get("quiz-sampler.ipynb"))
    assert pages.renders == 2
    assert not (tmp_path / "cache").exists()  # preview keeps nothing on disk


def test_a_corrupt_cache_entry_is_rendered_again(folder, tmp_path):
    cache = tmp_path / "cache"
    pages = Pages(folder=folder, cache_dir=cache)
    page = run(pages.get("quiz-sampler.ipynb"))
    meta = cache / page.version / "quiz-sampler.json"
    meta.write_text("{not json", encoding="utf-8")
    fresh = Pages(folder=folder, cache_dir=cache)
    run(fresh.get("quiz-sampler.ipynb"))
    assert fresh.renders == 1


def test_a_lesson_that_cannot_run_names_itself(tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "bad.ipynb").write_text("{ this is not a notebook", encoding="utf-8")
    pages = Pages(folder=lessons, cache_dir=tmp_path / "cache")
    with pytest.raises(render.RenderError, match="bad.ipynb"):
        run(pages.get("bad.ipynb"))
