"""Every use of another package's private or undocumented internals, in one list, with its check.

The course reaches past the documented interfaces of a few packages: it
drives Voila's renderer from Python, extends Voila's page template, reads
nbclient's widget state, overrides ipywidgets' message handling, reads
anywidget's synced state in its own front end and patches textstat.  Each
such use is one :class:`Use` below: the package, the attribute, what it
must look like, why the course needs it and where.  ``constraints.txt`` pins
the versions these were written for (README, "Why these versions").

:func:`check` looks at the installed packages and returns one plain message
per use that no longer holds, naming the pinned version.  The server runs it
at start (and refuses to start on a problem); ``tests/unit/test_compat.py``
runs it too.  A patch takes its target from :func:`patch`, so a renamed
attribute is an error, never a patch that silently stops running.

``python -m widgets.compat`` prints the problems (or that every use holds).
This module is longer than 300 lines because the list belongs in one place
(issue 16); the code that checks it is the last third.

Kernel-side module: it imports nothing from ``widgets.server`` or
``widgets.authoring``, and imports the packages it checks only in
:func:`check`, :func:`resolve` and :func:`patch`.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from widgets.paths import ROOT

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
_UNSET = object()


@dataclass(frozen=True)
class Use:
    """One use of another package's internals, and what it must look like."""

    key: str  # a short name, for patch() and resolve()
    package: str  # the distribution, as constraints.txt names it
    module: str
    attr: str  # the attribute path inside the module
    why: str
    where: str  # module:function in this project
    params: tuple[str, ...] = ()  # parameter names a callable must take
    source_has: tuple[str, ...] = ()  # text its source must hold: the behaviour relied on
    traits: tuple[str, ...] = ()  # traitlets the class must have
    value: object = _UNSET  # the value a constant must have
    extra: Callable[[object], str | None] | None = None  # any further check: a problem, or None

    @property
    def path(self) -> str:
        return f"{self.module}.{self.attr}" if self.attr else self.module


# The course template's blocks (assets/voila/templates/course/index.html.j2);
# each must exist in Voila's lab template or the nbconvert templates it extends.
LAB_TEMPLATE = "voila/templates/lab/index.html.j2"
LAB_TEMPLATE_BLOCKS = (
    "html_head_js", "notebook_css", "html_head_js_mathjax", "html_head_js_mermaidjs", "body_header",
    "body_loop", "any_cell", "data_priority", "stream", "error", "body_footer",
)
RENDERER_KEYWORDS = ("voila_configuration", "traitlet_config", "notebook_path", "template_paths",
                     "contents_manager", "kernel_spec_manager", "base_url", "page_config",
                     "mathjax_url", "mathjax_config")


def _lab_template_blocks(collect_template_paths) -> str | None:
    """Voila's lab template, and the templates it extends, define every block the course overrides."""
    import jinja2
    from jinja2 import nodes

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(collect_template_paths(
        ["voila", "nbconvert"], "lab", prune=True)))
    name, defined = LAB_TEMPLATE, set()
    while name:
        try:
            source = env.loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound:
            return f"has no template {name}"
        tree = env.parse(source)
        defined |= {b.name for b in tree.find_all(nodes.Block)}
        parent = next(tree.find_all(nodes.Extends), None)
        name = parent.template.value if parent is not None and isinstance(parent.template, nodes.Const) else ""
    missing = [b for b in LAB_TEMPLATE_BLOCKS if b not in defined]
    return f"gives {LAB_TEMPLATE} no block {', '.join(missing)}" if missing else None


def _heading_ids(markdown2html) -> str | None:
    """Headings come out as the course's table of contents expects (coursemap._ID)."""
    from widgets.content.coursemap import _ID

    html = markdown2html("## Key points")
    return None if _ID.search(html) else f'renders "## Key points" as {html!r}, which coursemap._ID does not match'


def _in_channels_py(channel) -> str | None:
    """serve's thread hook recognises these threads by the file they run in."""
    path = Path(inspect.getfile(channel))
    return None if path.name == "channels.py" and "jupyter_client" in str(path) else f"is defined in {path}"


def _anywidget_module(trait) -> str | None:
    found = getattr(trait, "default_value", None)
    return None if found == "anywidget" else f"defaults to {found!r}, not 'anywidget'"


def _plotly_bundle(plotly) -> str | None:
    return None if (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").is_file() \
        else "ships no package_data/plotly.min.js"


_R = "voila.notebook_renderer"
_W = "ipywidgets.widgets.widget"
USES: tuple[Use, ...] = (
    # Voila: the server renders each lesson with Voila's renderer, not Voila's server.
    Use("voila.renderer", "voila", _R, "NotebookRenderer.__init__", params=RENDERER_KEYWORDS,
        why="a lesson is rendered with Voila's own renderer, with no Voila server",
        where="widgets.server.render:render"),
    Use("voila.initialize", "voila", _R, "NotebookRenderer.initialize",
        source_has=("self.resources", "'base_url'", "'metadata'", "'name'"),
        why="initialize() sets .resources; the course adds its widget state and version, "
            "the template reads base_url and metadata.name", where="widgets.server.render:render"),
    Use("voila.generate", "voila", _R, "NotebookRenderer.generate_content_str",
        params=("kernel_id", "kernel_future"),
        why="renders the whole page as one string, on a kernel the course starts",
        where="widgets.server.render:render"),
    Use("voila.template-globals", "voila", _R, "NotebookRenderer.generate_content_generator",
        source_has=("'kernel_start'", "'cell_generator'"),
        why="the course template's body_loop calls kernel_start(nb) and cell_generator(nb, kernel_id)",
        where="assets/voila/templates/course/index.html.j2:body_loop"),
    Use("voila.executor", "voila", _R, "NotebookRenderer._jinja_kernel_start",
        params=("nb", "kernel_id", "kernel_future"), source_has=("self.executor =",),
        why="the widget state is read from renderer.executor (an nbclient client) after the last cell",
        where="widgets.server.render:render"),
    Use("voila.template-paths", "voila", "voila.paths", "collect_template_paths",
        params=("app_names", "template_name", "prune"),
        why="finds the course template and the templates it extends",
        where="widgets.server.render:render"),
    Use("voila.lab-template", "voila", "voila.paths", "collect_template_paths", extra=_lab_template_blocks,
        why="the course template extends Voila's lab template (and nbconvert's lab and base ones) "
            "and overrides their blocks", where="assets/voila/templates/course/index.html.j2"),
    Use("voila.configuration", "voila", "voila.configuration", "VoilaConfiguration",
        traits=("template", "strip_sources", "show_tracebacks", "allow_template_override",
                "allow_theme_override"),
        why="set from Python; an unknown name would only be warned about and ignored",
        where="widgets.server.render:_voila_config"),
    Use("voila.filters", "voila", "voila.exporter", "VoilaExporter", traits=("filters",),
        why="the template's lesson_nav, lesson_contents and quiz_anchor filters",
        where="widgets.server.render:_voila_config"),
    # nbclient: where the widget state of a run notebook is kept.
    Use("nbclient.widget-state", "nbclient", "nbclient", "NotebookClient.set_widgets_metadata",
        source_has=("self.nb.metadata.widgets", f"'{WIDGET_STATE}'", "'state'"),
        why="the widgets' state is written into the page, so they draw with no kernel",
        where="widgets.server.render:render (and widgets.authoring.execute:execute drops it)"),
    Use("nbclient.kc", "nbclient", "nbclient", "NotebookClient.async_start_new_kernel_client",
        source_has=("self.kc =",), why="the renderer's kernel client is stopped before its kernel",
        where="widgets.server.render:render"),
    # jupyter_server and jupyter_client, used outside a Jupyter server.
    Use("jupyter_server.contents", "jupyter_server", "jupyter_server.services.contents.largefilemanager",
        "AsyncLargeFileManager", traits=("root_dir", "log"),
        why="Voila's renderer reads the notebook through a contents manager",
        where="widgets.server.render:render"),
    Use("jupyter_client.heartbeat", "jupyter_client", "jupyter_client.channels", "HBChannel",
        extra=_in_channels_py, why="a heartbeat thread that fails as the server stops is logged in one line",
        where="widgets.server.serve:_quiet_channel_threads_on_stop"),
    # ipywidgets: the page cannot steer a course widget in the kernel.
    Use("ipywidgets.handle_msg", "ipywidgets", _W, "Widget._handle_msg", params=("msg",),
        why="overridden so a malformed message from the page is dropped, never answered with a traceback",
        where="widgets.views._base:CourseWidget._handle_msg"),
    Use("ipywidgets.set_state", "ipywidgets", _W, "Widget.set_state", params=("sync_data",),
        why="overridden so the page's updates are ignored", where="widgets.views._base:CourseWidget.set_state"),
    Use("ipywidgets.control-open", "ipywidgets", _W, "Widget.handle_control_comm_opened",
        params=("comm", "msg"), why="the one comm the page may open: the widget-state request",
        where="widgets.views._base:guard_comm_targets"),
    Use("ipywidgets.control-msg", "ipywidgets", _W, "Widget._handle_control_comm_msg", params=("msg",),
        why="answers the widget-state request; wrapped so a bad request gets no traceback",
        where="widgets.views._base:guard_comm_targets"),
    Use("ipywidgets.targets", "ipywidgets", "ipywidgets", "register_comm_target",
        source_has=("'jupyter.widget'", "'jupyter.widget.control'"),
        why="the course replaces ipywidgets' handlers of these two comm targets",
        where="widgets.views._base:guard_comm_targets"),
    # anywidget: lite.js draws anywidget views from their synced state, with no kernel.
    Use("anywidget.id-key", "anywidget", "anywidget._util", "_ANYWIDGET_ID_KEY", value="_anywidget_id",
        why="tells a quiz from other widgets in the page's state",
        where="widgets.server.render:_banks_in, static/lite.js"),
    Use("anywidget.id", "anywidget", "anywidget.widget", "AnyWidget.__init__",
        source_has=("_ANYWIDGET_ID_KEY", "self.__class__.__module__", "self.__class__.__name__"),
        why='the id is "module.ClassName", so a quiz\'s ends with ".Quiz"',
        where="widgets.server.render:_banks_in, static/lite.js"),
    Use("anywidget.esm-key", "anywidget", "anywidget._util", "_ESM_KEY", value="_esm",
        why="lite.js imports each widget's code from this state key", where="static/lite.js"),
    Use("anywidget.css-key", "anywidget", "anywidget._util", "_CSS_KEY", value="_css",
        why="lite.js adds each widget's stylesheet from this state key", where="static/lite.js"),
    Use("anywidget.model-module", "anywidget", "anywidget.widget", "AnyWidget._model_module",
        extra=_anywidget_module, why="lite.js draws only widgets whose model module is anywidget",
        where="static/lite.js"),
    # nbconvert: the table of contents links to the ids nbconvert gives headings.
    Use("nbconvert.heading-ids", "nbconvert", "nbconvert.filters.markdown_mistune", "markdown2html_mistune",
        params=("source",), extra=_heading_ids,
        why="the contents and key points use the same Markdown renderer as the page",
        where="widgets.content.coursemap:contents, key_points"),
    # textstat: syllables counted offline.
    Use("textstat.get_cmudict", "textstat", "textstat.backend.counts._count_syllables", "get_cmudict",
        params=("lang",), why="patched to return None, so no CMU dictionary is fetched from the network",
        where="widgets.authoring.readability:_textstat"),
    Use("textstat.fallback", "textstat", "textstat.backend.counts._count_syllables", "count_syllables",
        source_has=("get_cmudict(lang)", "TypeError", "pyphen"),
        why="with no dictionary, syllables are counted with Pyphen",
        where="widgets.authoring.readability:_textstat"),
    # tornado: security headers on every response, static files too.
    Use("tornado.transform", "tornado", "tornado.web", "OutputTransform.transform_first_chunk",
        params=("status_code", "headers", "chunk", "finishing"),
        why="tornado says applications are not expected to write OutputTransforms",
        where="widgets.server.app:SecurityHeaders"),
    Use("tornado.transforms", "tornado", "tornado.web", "Application.__init__", params=("transforms",),
        source_has=("self.transforms",), why="SecurityHeaders is appended to app.transforms",
        where="widgets.server.app:build_app"),
    # plotly: make lab serves plotly.py's own copy of plotly.js.
    Use("plotly.bundle", "plotly", "plotly", "", extra=_plotly_bundle,
        why="make lab serves it as static/plotly.min.js; tests/unit/test_vendor.py compares versions",
        where="Makefile:lab, widgets/views/chart.js:plotlyUrl"),
)
SERVER_PACKAGES = ("voila", "nbclient", "jupyter_server", "jupyter_client", "ipywidgets", "anywidget",
                   "nbconvert", "tornado")  # what the server checks at start


class CompatError(RuntimeError):
    """An internal the course relies on is missing or has changed."""


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(package: str, constraints: Path | None = None) -> str:
    """The version constraints.txt pins ("" if none)."""
    try:
        lines = (constraints or ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    pins = dict(line.split("==", 1) for line in lines if "==" in line and not line.startswith("#"))
    return next((v.strip() for k, v in pins.items() if _norm(k) == _norm(package)), "")


def _message(use: Use, problem: str) -> str:
    pin = pinned(use.package) or "(no pin)"
    try:
        installed = importlib.metadata.version(use.package)
    except importlib.metadata.PackageNotFoundError:
        installed = "not installed"
    now = "" if installed == pin else f", {installed} installed"
    return (f"{use.package} {pin} pinned{now}: {use.path} {problem} — the course was written for "
            f"{use.package}=={pin}; see widgets/compat.py")


def _unwrap(fn):
    """The function under a decorator: through ``__wrapped__``, or a ``(*args, **kwargs)``
    wrapper whose closure holds one function (ipywidgets' ``_show_traceback``)."""
    fn = inspect.unwrap(fn)
    inner = [c.cell_contents for c in getattr(fn, "__closure__", None) or () if inspect.isfunction(c.cell_contents)]
    kinds = {p.kind for p in inspect.signature(fn).parameters.values() if p.name != "self"}
    return inner[0] if len(inner) == 1 and kinds == {inspect.Parameter.VAR_POSITIONAL,
                                                      inspect.Parameter.VAR_KEYWORD} else fn


def _lookup(use: Use) -> object:
    """The attribute itself; raises CompatError with the message."""
    try:
        obj = importlib.import_module(use.module)
    except ImportError as e:
        raise CompatError(_message(use, f"cannot be imported ({e})")) from None
    for part in filter(None, use.attr.split(".")):
        if not hasattr(obj, part):
            raise CompatError(_message(use, f"is missing (no {part!r})"))
        obj = getattr(obj, part)
    return obj


def _problems(use: Use, obj: object) -> list[str]:
    found = []
    if use.params:
        fn = _unwrap(obj)
        params = inspect.signature(fn).parameters
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        source = _source(fn) if var_kw else ""
        for name in use.params:
            if name not in params and not (var_kw and f"'{name}'" in source):
                found.append(f"has no parameter {name}")
    if use.source_has:
        source = _source(_unwrap(obj))
        found += [f"no longer contains {text}" for text in use.source_has if text not in source]
    if use.traits:
        names = set(obj.class_trait_names())
        found += [f"has no trait {name}" for name in use.traits if name not in names]
    if use.value is not _UNSET and obj != use.value:
        found.append(f"is {obj!r}, not {use.value!r}")
    if use.extra is not None and (problem := use.extra(obj)):
        found.append(problem)
    return [_message(use, p) for p in found]


def _source(obj) -> str:
    try:
        return inspect.getsource(obj).replace('"', "'")
    except (OSError, TypeError):
        return ""


def check(packages=None) -> list[str]:
    """One message per use that no longer holds (all uses, or those of ``packages``)."""
    wanted = None if packages is None else {_norm(p) for p in packages}
    out = []
    for use in USES:
        if wanted is not None and _norm(use.package) not in wanted:
            continue
        try:
            out += _problems(use, _lookup(use))
        except CompatError as e:
            out.append(str(e))
        except Exception as e:  # noqa: BLE001 - a check that cannot run is a problem too
            out.append(_message(use, f"could not be checked ({type(e).__name__}: {e})"))
    return out


def _use(key: str) -> Use:
    return next(u for u in USES if u.key == key)


def resolve(key: str) -> object:
    """The attribute behind ``key``, checked first; raises CompatError if it has changed."""
    use = _use(key)
    obj = _lookup(use)
    if problems := _problems(use, obj):
        raise CompatError("\n".join(problems))
    return obj


def patch(key: str, replacement: object) -> None:
    """Replace the attribute behind ``key``, after checking it is the one the course was written for."""
    use = _use(key)
    resolve(key)
    owner_path, _, name = use.attr.rpartition(".")
    owner = importlib.import_module(use.module)
    for part in filter(None, owner_path.split(".")):
        owner = getattr(owner, part)
    setattr(owner, name, replacement)


def check_apart(packages: Iterable[str] | None = None) -> list[str]:
    """:func:`check`, run in a child process, so the caller does not keep the
    checked packages imported (the server, with every page already rendered,
    never needs Voila and its kin: about 60 MB saved per server)."""
    import json
    import subprocess
    import sys

    code = "import json, sys; from widgets import compat; print(json.dumps(compat.check(json.loads(sys.argv[1]))))"
    names = None if packages is None else list(packages)
    done = subprocess.run([sys.executable, "-c", code, json.dumps(names)], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return [f"the compatibility check itself failed: {last}"]
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    found = check()
    print("\n".join(found) or f"All {len(USES)} uses of other packages' internals hold.")
    raise SystemExit(1 if found else 0)
