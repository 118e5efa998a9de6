"""Security headers on every response; nothing private is served."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from tests.conftest import lesson_files

PUBLIC = ["/", f"/voila/render/{lesson_files()[0].name}", "/voila/templates/course/static/course.css",
          "/course/vendor/plotly-basic.min.js"]
PRIVATE = [
    f"/voila/files/{lesson_files()[0].name}",
    "/voila/files/../widgets/server/serve.py",
    "/voila/files/%2e%2e/pyproject.toml",
    "/voila/files/..%2f..%2fpyproject.toml",
    "/voila/static/../../../../pyproject.toml",
    "/voila/templates/course/static/../../../../quizzes/00-start-here.yaml",
    "/voila/templates/course/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/quizzes/00-start-here.yaml",
    "/assets/quizzes/00-start-here.yaml",
    "/.git/config",
    "/voila/files/.git/config",
    "/pyproject.toml",
    "/voila/tree",
    "/voila/api/contents",
    "/api/kernels",
    "/api/contents",
    "/lab",
    "/course/vendor/../../pyproject.toml",
]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.parametrize("path", PUBLIC)
def test_security_headers(course_server, path):
    status, headers, _ = fetch(course_server.url + path)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    for directive in ("script-src", "style-src", "img-src", "font-src"):
        sources = next(d for d in csp.split("; ") if d.startswith(directive)).split()[1:]
        assert all(s in ("'self'", "'unsafe-inline'", "data:", "blob:") for s in sources), directive
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize("path", PRIVATE)
def test_private_files_are_not_served(course_server, path):
    status, _, body = fetch(course_server.url + path)
    assert status in (403, 404), f"{path} answered {status}"
    assert b"[tool.setuptools" not in body and b"questions:" not in body


@pytest.mark.parametrize("query", ["?template=lab", "?template=classic", "?template=../../lab"])
def test_page_template_cannot_be_switched_from_the_url(course_server, query):
    """Voila's stock templates load fonts from a CDN; a URL must not bring them back."""
    status, _, body = fetch(course_server.url + f"/voila/render/{lesson_files()[0].name}{query}")
    assert status == 200
    assert b'id="course-main"' in body and b"lite.js" in body
    assert b"cdn.jsdelivr" not in body and b"https://" not in body.split(b"<body")[0]


@pytest.mark.parametrize("path", ["/voila/render/no-such-lesson.ipynb", "/no/such/page", "/voila/render/..%2fREADME.md"])
def test_unknown_pages_get_the_course_not_found_page(course_server, path):
    status, headers, body = fetch(course_server.url + path)
    assert status == 404
    assert b"We could not find that page" in body and b"988" in body  # crisis help on every page
    assert b"Traceback" not in body and b"tornado" not in body.lower()
