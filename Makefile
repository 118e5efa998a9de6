# One command serves the course; one command tests it. Both build .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
STAMP  := $(VENV)/.installed-stamp
NBVAL  := --nbval lessons

.PHONY: install serve cluster test lab check refs preview new-lesson hooks bench stress audit lighthouse lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make serve: the course on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it)
serve: $(STAMP)
	PORT=$(PORT) exec $(BIN)/python -m widgets.server

## make cluster N=2: N identical servers behind nginx on http://127.0.0.1:$(PORT)/ (needs Debian's nginx)
N ?= 2
cluster: $(STAMP)
	N=$(N) PORT=$(PORT) exec $(BIN)/python -m deploy.cluster

## make test: unit, content, notebook (nbval) and browser tests
test: $(STAMP)
	$(BIN)/python -m pytest tests $(NBVAL)

## make lab: JupyterLab for educators, opened on lessons/
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/lessons \
	  --ServerApp.extra_static_paths="['$$($(BIN)/python -c 'import plotly, pathlib; print(pathlib.Path(plotly.__file__).parent / "package_data")')']" 

## make check: fast content checks with a per-lesson table (for educators)
check: $(STAMP)
	$(BIN)/python -m widgets.authoring.check

## make refs: rewrite every lesson's reference list from assets/references.yaml
refs: $(STAMP)
	$(BIN)/python -m widgets.authoring.references

## make preview: the course as learners see it; edit a lesson, save, reload the page
preview: $(STAMP)
	@echo "Preview: every page load runs the saved lesson afresh, so just save and reload."
	PORT=$(PORT) exec $(BIN)/python -m widgets.server --preview

## make new-lesson SLUG=sleep-and-ketamine TITLE="Sleep and ketamine"
new-lesson: $(STAMP)
	@test -n "$(SLUG)" -a -n "$(TITLE)" || { echo 'Usage: make new-lesson SLUG=my-topic TITLE="My topic"'; exit 2; }
	$(BIN)/python -m widgets.authoring.newlesson "$(SLUG)" "$(TITLE)"

## make hooks: run the pre-commit checks before every git commit
hooks: $(STAMP)
	$(BIN)/pre-commit install

## make stress: 100 learners at once on one server, a sustained run, then a failover behind nginx (loopback, about 1 minute)
stress: $(STAMP)
	timeout 600 $(BIN)/python -m bench.stress

## make audit: every page in Chromium at phone size: screens, quiz position, words, sideways scroll, keys, dark mode
audit: $(STAMP)
	timeout 900 $(BIN)/python -m bench.audit

## make lighthouse: Lighthouse 12 accessibility, best-practices and SEO scores for every page
lighthouse: $(STAMP)
	cd bench/lighthouse && npm ci --no-audit --no-fund --silent
	timeout 1200 $(BIN)/python -m bench.lighthouse

## make bench: first paint, memory per open page and a 30-browser burst, against a static copy (loopback, under 10 minutes)
bench: $(STAMP)
	timeout 600 $(BIN)/python -m bench.run

## make lock: re-pin constraints.txt from a clean resolve of pyproject.toml
lock:
	rm -rf /tmp/course-lock && $(PYTHON) -m venv /tmp/course-lock
	/tmp/course-lock/bin/pip install --quiet -e '.[test]' jupyterlab_widgets==3.0.13 voila==0.5.8 ipywidgets==8.1.5
	/tmp/course-lock/bin/pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV)
