# News Digest: convert raw dumps, build the site with Pelican, index it with Pagefind.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One lock file per group, pinned with hashes by pip-compile (requirements/*.in say
# what each group is for). Each stamp names the hash of the files it installed.
# --no-deps: each lock already names every package it needs, and this machine's
# pip (23.2) refuses a locked package's extra (justext's lxml[html_clean]) as unpinned.
PIP := $(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps
STAMP := $(VENV)/.runtime-$(shell cat requirements/runtime.txt | sha256sum | cut -c1-12)
TEST_STAMP := $(VENV)/.test-$(shell cat requirements/runtime.txt requirements/test.txt | sha256sum | cut -c1-12)
BENCH_STAMP := $(VENV)/.bench-$(shell cat requirements/runtime.txt requirements/bench.txt | sha256sum | cut -c1-12)
DEPLOY_STAMP := $(VENV)/.deploy-$(shell cat requirements/runtime.txt requirements/deploy.txt | sha256sum | cut -c1-12)
CONF := pelican.conf.py
PUBLISHCONF := publish.conf.py
OUTPUT := output
# make publish's and make deploy's folder: the preview in output/ and the web build never undo each other
PUBLIC := public
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv convert html serve devserver publish deploy deploy-address deploy-tools edition send-edition test bench lighthouse clean

help:  ## list the commands
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): requirements/runtime.txt  # a new runtime lock: a fresh .venv
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements/runtime.txt
	touch $@

$(TEST_STAMP): $(STAMP) requirements/test.txt
	$(PIP) -r requirements/test.txt
	touch $@

$(DEPLOY_STAMP): $(STAMP) requirements/deploy.txt
	$(PIP) -r requirements/deploy.txt
	touch $@

$(BENCH_STAMP): $(STAMP) requirements/bench.txt
	$(PIP) -r requirements/bench.txt
	touch $@

venv: $(STAMP)

convert: $(STAMP)  ## convert content/raw into content/articles, under the build lock (rejected dumps are reported, the rest still build)
	$(BIN)/python scripts/build_site.py $(CONF) --convert-only $(if $(NO_WAIT),--no-wait) || [ $$? -eq 1 ]

html: $(STAMP)  ## convert, build output/ and index it for search, when anything changed (non-zero if a post was left out)
	$(BIN)/python scripts/build_site.py $(CONF) --output $(OUTPUT) $(if $(NO_WAIT),--no-wait)

serve: $(STAMP)  ## serve output/ on 127.0.0.1:8000 as a static host would (404.html for missing pages)
	$(BIN)/python scripts/serve.py $(OUTPUT) --host $(HOST) --port $(PORT)

devserver: $(STAMP)  ## serve output/ and build it as make html does on every change (one build at a time)
	$(BIN)/python scripts/devserver.py $(CONF) --output $(OUTPUT) --host $(HOST) --port $(PORT)

publish: $(STAMP)  ## build for the web into public/ (make publish SITEURL=https://...); fails if a post was left out
	SITEURL="$(SITEURL)" $(BIN)/python scripts/build_site.py $(PUBLISHCONF) --output $(PUBLIC) $(if $(NO_WAIT),--no-wait)

deploy-address:  # before publish: links in pages and feeds must name the deployed site
	@test -n "$(SITEURL)" || { echo "error: deploy: SITEURL is not set: make deploy SITEURL=https://the-address-readers-use" >&2; exit 2; }

deploy-tools: $(DEPLOY_STAMP)  # the upload's own packages: CI installs them before any credential is given

deploy: deploy-address deploy-tools  ## publish, then sync public/ to DEPLOY_URL (s3://bucket/prefix), under one build lock: changed files only (DRY_RUN=1 prints the plan; CONFIRM_DELETIONS=1 past the deletion limit; VERIFY=1 lists the whole bucket)
	SITEURL="$(SITEURL)" $(BIN)/python scripts/build_site.py $(PUBLISHCONF) --output $(PUBLIC) $(if $(NO_WAIT),--no-wait) --then \
	  $(BIN)/python scripts/deploy.py $(PUBLIC) --record cache/build.db $(if $(VERIFY),--verify) $(if $(DRY_RUN),--dry-run) $(if $(CONFIRM_DELETIONS),--allow-deletions) $(if $(MAX_DELETE_SHARE),--max-delete-share $(MAX_DELETE_SHARE)) $(if $(GRACE),--grace $(GRACE))

edition: $(STAMP)  ## the day's edition as an email from public/ (make publish first): make edition DATE=YYYY-MM-DD; prints the .eml's path
	@test -n "$(DATE)" || { echo "error: edition: give the day: make edition DATE=YYYY-MM-DD" >&2; exit 2; }
	SITEURL="$(SITEURL)" $(BIN)/python scripts/edition.py $(DATE) --site $(PUBLIC) --settings $(PUBLISHCONF)

send-edition: $(STAMP)  ## send it: make send-edition DATE=YYYY-MM-DD SMTP_URL=smtps://user@host:465 TO=readers.txt (password in SMTP_PASSWORD)
	@test -n "$(DATE)" -a -n "$(SMTP_URL)" -a -n "$(TO)" || { echo "error: send-edition: make send-edition DATE=YYYY-MM-DD SMTP_URL=smtps://user@host:465 TO=readers.txt" >&2; exit 2; }
	SITEURL="$(SITEURL)" $(BIN)/python scripts/edition.py $(DATE) --site $(PUBLIC) --settings $(PUBLISHCONF) --send "$(SMTP_URL)" --to "$(TO)"

test: $(TEST_STAMP)  ## lint, then run the test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

node_modules/.installed: package.json package-lock.json
	npm install --no-audit --no-fund --no-save  # `npm ci` trips on a dependency pinned to "latest"
	touch $@

lighthouse: convert node_modules/.installed  ## Lighthouse scores of nine page types of the published site, on loopback
	$(BIN)/python scripts/lighthouse.py --json cache/lighthouse.json  # not in output/: never deployed

clean:  ## remove the built site and caches
	rm -rf $(OUTPUT) $(PUBLIC) cache .pytest_cache tests/artifacts

bench: $(BENCH_STAMP) $(TEST_STAMP)  ## build-speed benchmark: ours vs bare Pelican vs Hugo, the daily make html, search bytes (ARTICLES=10000 REPEATS=3)
	$(BIN)/python scripts/bench.py --articles $(or $(ARTICLES),10000) --repeats $(or $(REPEATS),3)
