# The course server in one image, with every lesson already rendered.
#
#   docker build -t ketamine-course .
#   docker run --rm -p 8866:8866 --read-only --tmpfs /tmp ketamine-course
#
# Layout: the source tree is copied to /app and installed *editable*
# (pip install -e .).  The server finds lessons/ and assets/ next to the
# widgets package (widgets/paths.py: ROOT is the package's parent folder),
# so the package must be imported from /app/widgets, not from a copy in
# site-packages.  A plain `pip install .` would put a second copy of widgets
# in site-packages, where ROOT would point at site-packages and no lessons
# would be found.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

WORKDIR /app

# 1. The dependencies, in their own layer: it is rebuilt only when
#    pyproject.toml or constraints.txt change, not when a lesson does.
#    They are read from pyproject.toml, so the list is kept in one place.
COPY pyproject.toml constraints.txt ./
RUN python -m venv /opt/venv \
 && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && pip install -c constraints.txt -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# 2. The course itself (see .dockerignore for what is left out), installed
#    editable; --no-deps because step 1 already installed the dependencies.
COPY . .
RUN pip install -c constraints.txt --no-deps -e . \
 && python -m compileall -q widgets deploy

# 3. A user with no rights over the code; it owns only the page cache.
#    HOME is /tmp: at run time that is the only writable place (a tmpfs or an
#    emptyDir), and a rendering kernel keeps its connection file there.
ENV HOME=/tmp \
    JUPYTER_RUNTIME_DIR=/tmp/jupyter-runtime \
    IPYTHONDIR=/tmp/ipython \
    COURSE_CACHE_DIR=/var/cache/course
RUN groupadd --system --gid 10001 course \
 && useradd --system --uid 10001 --gid course --no-create-home --home-dir /tmp --shell /usr/sbin/nologin course \
 && mkdir -p "$COURSE_CACHE_DIR" \
 && chown course:course "$COURSE_CACHE_DIR"
USER 10001:10001

# 4. Render every lesson now (exit 1 fails the build if any lesson cannot be
#    rendered), so a container is ready as soon as it listens: no kernel runs
#    at start.  The pages are kept under the content version, a hash of the
#    lessons, assets, package and installed versions, which a container of
#    this image shares with its build.
RUN python -m widgets.server --render-only

EXPOSE 8866

# /healthz is 200 once every lesson is ready (at once here: the pages are
# already rendered).  Python, because slim images have no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8866/healthz', timeout=4).status == 200 else 1)"]

# The server stops cleanly on SIGTERM (docker stop, Kubernetes), shutting
# down any rendering kernel.  Put the proxies' addresses in
# COURSE_TRUSTED_PROXIES to let the grading limit see real clients.
CMD ["python", "-m", "widgets.server", "--host", "0.0.0.0", "--port", "8866"]
