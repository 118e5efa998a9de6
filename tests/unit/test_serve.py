from __future__ import annotations

import socket

import tornado.web

from widgets.server import app as course_app
from widgets.server import serve


def test_busy_port_is_refused_with_a_clear_message(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        rc = serve.main(["--port", str(port)])
    assert rc == 2
    err = capsys.readouterr().err
    assert f"Port {port}" in err and "already in use" in err and "PORT=" in err


def routes(app: tornado.web.Application) -> list[str]:
    return [rule.matcher.regex.pattern for rule in app.wildcard_router.rules]


def test_app_has_no_jupyter_routes_and_checks_xsrf(tmp_path):
    app, pages = course_app.build_app(serve._parse(["--port", "9999", "--cache-dir", str(tmp_path)]))
    found = routes(app)
    assert any("course/api/grade" in r for r in found)
    assert any("healthz" in r for r in found)
    for jupyter in ("api/kernels", "api/sessions", "api/contents", "voila/api", "lab", "tree", "files"):
        assert not [r for r in found if jupyter in r], (jupyter, found)
    assert app.settings["xsrf_cookies"] is True
    assert course_app.SecurityHeaders in app.transforms
    assert pages.cache_dir == tmp_path and pages.preview is False


def test_preview_and_limits_come_from_the_command_line(tmp_path):
    args = serve._parse(["--preview", "--grade-rate", "5", "--grade-burst", "10",
                         "--trusted-proxies", "10.0.0.1, 10.0.0.2", "--cache-dir", str(tmp_path)])
    app, pages = course_app.build_app(args)
    assert pages.preview is True
    grade = next(r for r in app.wildcard_router.rules if "grade" in r.matcher.regex.pattern)
    assert grade.target_kwargs["limit"].rate == 5 and grade.target_kwargs["limit"].burst == 10
    proxies = grade.target_kwargs["trusted_proxies"]
    assert "10.0.0.1" in proxies and "10.0.0.2" in proxies and "10.0.0.3" not in proxies
