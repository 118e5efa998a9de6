"""The course's widget host (lite.js) keeps the part of anywidget's contract it claims.

One page load of tests/fixtures/widget-host.ipynb: a probe anywidget shown
twice (two views of one model) and once more as a second model, which
records every call the host makes, and a stock ipywidget the host does not
draw.  The claims are the comment block at the top of lite.js.
"""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser
PAGE = "/voila/render/widget-host.ipynb"


def events(page) -> list:
    return page.evaluate("() => JSON.parse(JSON.stringify(window.hostProbe.events))")


def wait_event(page, *event) -> None:
    page.wait_for_function(
        "(e) => window.hostProbe.events.some((x) => JSON.stringify(x) === JSON.stringify(e))",
        arg=list(event), timeout=15_000)


def test_the_host_keeps_the_contract_it_documents(browser, fixture_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    console: list[str] = []
    grading: list = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("request", lambda r: grading.append(r) if r.url.endswith("/course/api/grade") else None)
    try:
        page.goto(fixture_server.url + PAGE)
        page.wait_for_selector("body[data-widgets=ready]", timeout=60_000)

        # A stock ipywidget gets the course's plain notice, and the console names it.
        slider = page.locator(".course-widget").nth(3)
        assert "could not be shown" in slider.locator(".course-notice").inner_text()
        assert any("@jupyter-widgets/controls IntSliderModel cannot be drawn" in m for m in console)

        # The module's function runs once per model, initialize once per model, render once per view.
        assert page.locator("[data-view]").evaluate_all("els => els.map(e => e.dataset.view)") == \
            ["quiz#1", "quiz#2", "probe#1"]
        start = events(page)
        assert start.count(["factory"]) == 2
        assert sorted(e for e in start if e[0] == "initialize") == [["initialize", "probe"], ["initialize", "quiz"]]

        # change:<name> callbacks get (model, value); "change" gets (model); an equal value is no change.
        page.evaluate("() => window.hostProbe.views.quiz[0].model.set('count', 5)")
        changes = events(page)[len(start):]
        assert changes == [
            ["change:count", "quiz#1", [{"model": "quiz"}, 5]],
            ["change:count", "quiz#2", [{"model": "quiz"}, 5]],
            ["change", "quiz#1", [{"model": "quiz"}]],
            ["change", "quiz#2", [{"model": "quiz"}]],
        ]
        assert page.evaluate("() => window.hostProbe.views.quiz[1].model.get('count')") == 5
        page.evaluate("() => window.hostProbe.views.quiz[0].model.set('count', 5)")
        assert len(events(page)) == len(start) + 4

        # send(content, callbacks): content goes as JSON, the reply comes as msg:custom (content, buffers),
        # and callbacks.iopub.status hears "busy" then "idle", as from a kernel.
        before = len(events(page))
        with page.expect_request("**/course/api/grade") as sent:
            page.evaluate("""() => window.hostProbe.views.quiz[0].model.send(
                {request: 7, action: "probe", answer: [1, "two"]},
                {iopub: {status: (m) => window.hostProbe.events.push(
                    ["status", m.header.msg_type, m.content.execution_state])}})""")
        body = json.loads(sent.value.post_data)
        assert body["content"] == {"request": 7, "action": "probe", "answer": [1, "two"]}
        assert body["quiz"] == "probe" and body["page"] == "widget-host"
        wait_event(page, "status", "status", "idle")
        after = events(page)[before:]
        assert [e[:2] for e in after] == [["status", "status"], ["msg:custom", "quiz#1"],
                                          ["msg:custom", "quiz#2"], ["status", "status"]]
        assert after[0][2] == "busy"
        reply, buffers = after[1][2]
        assert reply["request"] == 7 and reply["kind"] == "error" and buffers == []
        assert "not on this page" in reply["message"]  # the real server answered

        # Buffers are refused: nothing is sent, no callback runs, and the console says why.
        page.evaluate("""() => window.hostProbe.views.quiz[0].model.send({request: 8},
            {iopub: {status: () => window.hostProbe.events.push(["status for buffers"])}}, [new Uint8Array(2)])""")
        # A widget that is not a quiz cannot send at all.
        page.evaluate("() => window.hostProbe.views.probe[0].model.send({request: 9})")
        page.wait_for_timeout(300)
        assert len(grading) == 1 and ["status for buffers"] not in events(page)
        assert any(m.startswith("warning: ") and "buffers was not sent" in m and "JSON" in m for m in console)
        assert any("Only a quiz can send" in m for m in console)

        # experimental.invoke is not supported, and says so.
        message = page.evaluate(
            "() => window.hostProbe.views.quiz[0].experimental.invoke('x').then(() => 'resolved', (e) => e.message)")
        assert "not supported" in message

        # A view's model.off() removes only that view's own listeners.
        page.evaluate("() => window.hostProbe.views.quiz[0].model.off('change')")
        before = len(events(page))
        page.evaluate("() => window.hostProbe.views.quiz[1].model.set('count', 6)")
        assert [e[:2] for e in events(page)[before:]] == [["change:count", "quiz#1"], ["change:count", "quiz#2"],
                                                          ["change", "quiz#2"]]

        # A view removed from the page: its cleanup runs and its listeners go; the other view stays.
        page.evaluate("() => document.querySelector('[data-view=\"quiz#1\"]').remove()")
        wait_event(page, "render-cleanup", "quiz#1")
        before = len(events(page))
        page.evaluate("() => window.hostProbe.views.quiz[1].model.set('count', 7)")
        assert [e[:2] for e in events(page)[before:]] == [["change:count", "quiz#2"], ["change", "quiz#2"]]

        # Unloading the page for good removes every view, then runs initialize's cleanups.
        page.goto(fixture_server.url + "/about")
        unload = json.loads(page.evaluate("() => sessionStorage.getItem('host-probe')"))
        cleanups = [e for e in unload if e[0].endswith("cleanup")]
        assert cleanups[0] == ["render-cleanup", "quiz#1"]
        assert sorted(map(tuple, cleanups[1:3])) == [("render-cleanup", "probe#1"), ("render-cleanup", "quiz#2")]
        assert sorted(map(tuple, cleanups[3:])) == [("initialize-cleanup", "probe"), ("initialize-cleanup", "quiz")]
    finally:
        ctx.close()
