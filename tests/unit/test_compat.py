"""widgets.compat: every use of another package's internals is checked, and a change fails loudly."""

from __future__ import annotations

import re
import subprocess
import sys

import jinja2
import pytest
import traitlets
from jinja2 import nodes

from tests.conftest import ROOT
from widgets import compat
from widgets.server import serve


def pin(package: str) -> str:
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.lower().startswith(package.lower() + "=="):
            return line.split("==")[1].strip()
    raise AssertionError(f"{package} is not pinned")


def test_every_use_holds_on_the_installed_versions():
    assert compat.check() == []


def test_every_use_names_a_pinned_package_and_a_real_place():
    assert len({u.key for u in compat.USES}) == len(compat.USES)
    for use in compat.USES:
        assert compat.pinned(use.package) == pin(use.package), use.key
        assert use.why and use.where, use.key
        for module, name in re.findall(r"(widgets(?:\.\w+)+):(\w+)", use.where):
            source = (ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8")
            assert re.search(rf"^\s*(?:async def|def|class) {name}\b", source, re.M), (use.key, module, name)


def test_importing_compat_imports_none_of_the_packages_it_checks():
    code = ("import sys, widgets.compat; print(sorted(m for m in ('voila', 'nbclient', 'ipywidgets', "
            "'anywidget', 'textstat', 'tornado', 'nbconvert', 'jupyter_server', 'plotly') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_missing_attribute_fails_loudly_and_names_the_pinned_version(monkeypatch):
    from voila.notebook_renderer import NotebookRenderer

    monkeypatch.delattr(NotebookRenderer, "generate_content_str")
    problems = compat.check(["voila"])
    assert len(problems) == 1, problems
    v = pin("voila")
    assert problems[0].startswith(f"voila {v} pinned: voila.notebook_renderer.NotebookRenderer.generate_content_str")
    assert "is missing" in problems[0] and f"written for voila=={v}" in problems[0]
    assert "widgets/compat.py" in problems[0]


def test_a_changed_signature_is_reported(monkeypatch):
    from ipywidgets.widgets.widget import Widget
    from voila.notebook_renderer import NotebookRenderer

    async def generate_content_str(self, kernel_id=None):
        return ""

    monkeypatch.setattr(NotebookRenderer, "generate_content_str", generate_content_str)
    monkeypatch.setattr(Widget, "_handle_msg", lambda self, message: None)
    problems = compat.check(["voila", "ipywidgets"])
    assert any(p.startswith(f"voila {pin('voila')} pinned") and "has no parameter kernel_future" in p
               for p in problems), problems
    assert any("Widget._handle_msg has no parameter msg" in p and f"ipywidgets=={pin('ipywidgets')}" in p
               for p in problems), problems
    assert len(problems) == 2


def test_a_changed_behaviour_in_the_source_is_reported(monkeypatch):
    from nbclient import NotebookClient

    monkeypatch.setattr(NotebookClient, "set_widgets_metadata", lambda self: None)
    problems = compat.check(["nbclient"])
    assert problems and all(f"nbclient {pin('nbclient')} pinned" in p for p in problems)
    assert any("set_widgets_metadata no longer contains self.nb.metadata.widgets" in p for p in problems)


class Fake(traitlets.HasTraits):
    present = traitlets.Unicode()

    def render(self, name):
        return name


def test_a_fake_module_is_checked_for_parameters_traits_and_values(monkeypatch):
    here = __name__
    monkeypatch.setattr(compat, "USES", (
        compat.Use("fake.params", "voila", here, "Fake.render", params=("name", "kernel_future"), why="-", where="-"),
        compat.Use("fake.traits", "voila", here, "Fake", traits=("present", "absent"), why="-", where="-"),
        compat.Use("fake.value", "anywidget", here, "KEY", value="_esm", why="-", where="-"),
        compat.Use("fake.module", "tornado", "no_such_module_here", "x", why="-", where="-"),
    ))
    problems = compat.check()
    assert len(problems) == 4, problems
    assert f"voila {pin('voila')} pinned: {here}.Fake.render has no parameter kernel_future" in problems[0]
    assert f"{here}.Fake has no trait absent" in problems[1]
    assert f"{here}.KEY is '_css', not '_esm'" in problems[2] and f"anywidget=={pin('anywidget')}" in problems[2]
    assert "no_such_module_here.x cannot be imported" in problems[3]
    assert compat.check(["ipywidgets"]) == []  # only the packages asked for


KEY = "_css"


def test_the_course_template_overrides_only_blocks_the_list_names_and_the_lab_template_has(monkeypatch):
    source = (ROOT / "assets/voila/templates/course/index.html.j2").read_text(encoding="utf-8")
    tree = jinja2.Environment().parse(source)
    assert {b.name for b in tree.find_all(nodes.Block)} == set(compat.LAB_TEMPLATE_BLOCKS)
    assert next(tree.find_all(nodes.Extends)).template.value == compat.LAB_TEMPLATE
    monkeypatch.setattr(compat, "LAB_TEMPLATE_BLOCKS", (*compat.LAB_TEMPLATE_BLOCKS, "no_such_block"))
    problems = compat.check(["voila"])
    assert len(problems) == 1 and "no block no_such_block" in problems[0], problems


def test_the_textstat_patch_goes_through_compat_and_refuses_a_moved_target(monkeypatch):
    import textstat.backend.counts._count_syllables as cs

    from widgets.authoring import readability

    monkeypatch.setattr(cs, "get_cmudict", cs.get_cmudict)  # restored after the test
    monkeypatch.setattr(readability, "_PATCHED", False)
    readability.reading_grade("The cat sat on the mat. It was a warm and sunny day.")
    assert cs.get_cmudict("en") is None  # patched: no dictionary, no network
    monkeypatch.delattr(cs, "get_cmudict")
    monkeypatch.setattr(readability, "_PATCHED", False)
    with pytest.raises(compat.CompatError, match=rf"textstat {re.escape(pin('textstat'))} pinned: .*get_cmudict is missing"):
        readability.reading_grade("The cat sat on the mat.")


def test_the_server_refuses_to_start_when_an_internal_has_changed(monkeypatch, capsys, caplog, tmp_path):
    problem = f"voila {pin('voila')} pinned: voila.notebook_renderer.NotebookRenderer.initialize is missing"
    monkeypatch.setattr(compat, "check_apart", lambda packages=None: [problem])
    assert serve.main(["--port", "0", "--cache-dir", str(tmp_path)]) == 1
    assert serve.main(["--render-only", "--cache-dir", str(tmp_path)]) == 1
    assert "The course server was not started" in capsys.readouterr().err
    assert problem in caplog.text
    assert not any(tmp_path.iterdir())  # nothing was rendered


def test_the_server_checks_in_a_child_process_and_keeps_none_of_it_imported():
    code = ("import sys; from widgets import compat; p = compat.check_apart(compat.SERVER_PACKAGES); "
            "print(p, sorted(m for m in ('voila', 'nbclient', 'ipywidgets', 'anywidget') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[] []"


def test_check_apart_reports_a_child_that_cannot_run(monkeypatch):
    import subprocess as sp

    monkeypatch.setattr(sp, "run", lambda *a, **k: sp.CompletedProcess(a, 1, "", "Traceback...\nImportError: boom"))
    assert compat.check_apart(["voila"]) == ["the compatibility check itself failed: ImportError: boom"]


def test_the_readme_names_each_checked_package_at_its_pinned_version():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Why these versions"):].split("\n## ", 1)[0]
    named = dict(re.findall(r"\*\*([\w-]+) (\d[\w.]*)\*\*", section))
    assert set(named) == {u.package for u in compat.USES}
    for package, version in named.items():
        assert version == pin(package), package
