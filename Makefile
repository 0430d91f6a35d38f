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
TRAINING := config.yml domain.yml $(wildcard data/*.yml data/nlu/*.yml data/danger_classifier/*.yml)
COMPONENTS := safeguarding/components.py safeguarding/encoder_components.py safeguarding/danger_model.py safeguarding/encoder.py
SITE := build/web
SITE_SOURCES := $(wildcard content/*.yml web/templates/* web/chat/* web/staff/*) domain.yml safeguarding/site.py
NODE_MODULES := web/node_modules/.installed
# Where `make run` serves the pages and the assistant; the page's origin is the only one Rasa allows.
WEB_PORT := 8080
RASA_PORT := 5005
ORIGIN := http://127.0.0.1:$(WEB_PORT)

.PHONY: install spacy train site browser services cluster forget run shell actions parse validate test test-stories lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	if [ ! -x $(PY) ]; then python=$$(scripts/find-python.sh); "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-deps -r requirements.txt
	# The sentence encoder's weights must be the official all-MiniLM-L6-v2 file.
	$(PY) -m safeguarding.encoder --verify
	touch $@

spacy: $(SPACY)/meta.json

$(SPACY)/meta.json: $(VENV)/.installed safeguarding/spacy_pipeline.py
	$(PY) -m safeguarding.spacy_pipeline

train: $(MODEL)

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
site: $(SITE)/index.html

$(SITE)/index.html: $(VENV)/.installed $(NODE_MODULES) $(SITE_SOURCES)
	$(PY) -m safeguarding.site build --out $(SITE) --socket-url http://127.0.0.1:$(RASA_PORT)

# Debian's Chromium for the browser tests (Playwright's own browser download is not used).
browser:
	if ! command -v chromium >/dev/null; then
	  sudo=$$( [ "$$(id -u)" = 0 ] || echo sudo )
	  $$sudo apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium chromium-driver >/dev/null
	fi

# Debian's PostgreSQL, Redis and nginx for the scaled-out layout and its tests.
# Installed only; nothing is started as a system service (policy-rc.d).
services:
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
cluster: train services $(NODE_MODULES)
	$(PY) -m safeguarding.cluster --replicas 2 --port 8088

# Delete stored conversations with no message for longer than retention_days (endpoints.yml).
forget: install
	$(PY) -m safeguarding.stores --endpoints endpoints.yml $(if $(DAYS),--days $(DAYS))

actions: install
	$(RASA) run actions --actions actions --port 5055

# Chat in the terminal instead.
shell: train
	mkdir -p build
	$(RASA) run actions --actions actions --port 5055 > build/actions.log 2>&1 &
	trap 'kill $$! 2>/dev/null' EXIT
	$(RASA) shell --model $(MODEL) --endpoints endpoints.yml --interface 127.0.0.1 --port 5005

# The assistant with both web pages: Ctrl+C stops everything.
run: train site
	mkdir -p build
	$(RASA) run actions --actions actions --port 5055 > build/actions.log 2>&1 &
	actions=$$!
	$(PY) -m safeguarding.site serve --dir $(SITE) --port $(WEB_PORT) &
	web=$$!
	trap 'kill $$actions $$web 2>/dev/null' EXIT
	$(RASA) run --model $(MODEL) --endpoints endpoints.yml --credentials credentials.yml \
	  --interface 127.0.0.1 --port $(RASA_PORT) --cors $(ORIGIN)

parse: train
	$(PY) scripts/parse.py "$(MSG)" 2>/dev/null

validate: install
	$(RASA) data validate --fail-on-warnings

test: lint train validate $(NODE_MODULES) browser services
	$(PY) -m pytest
	$(MAKE) --no-print-directory test-stories

# Rasa reads only files named test_*.yml as test stories; check that all ran.
test-stories: train
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
bench: train services $(NODE_MODULES)
	$(PY) -m bench.run

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf build models results .rasa web/node_modules
