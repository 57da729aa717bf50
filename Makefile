# gapwatch: the two commands a user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PREFECT_LOGGING_SERVER_LEVEL := CRITICAL
export DO_NOT_TRACK := 1

.PHONY: demo test venv lint bench eval sysdeps clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/gapwatch demo

# System packages the tests need (headless browser, compose validator).
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	command -v docker-compose >/dev/null 2>&1 || missing="$$missing docker-compose"; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(STAMP) sysdeps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	$(BIN)/python -m bench

# Extraction accuracy on the five held-out gold splits (nothing was tuned on them).
eval: $(STAMP)
	$(BIN)/gapwatch eval data/gold/test data/gold/test
	$(BIN)/gapwatch eval data/gold/test2 data/gold/test2
	$(BIN)/gapwatch eval data/gold/test3 data/gold/test3
	$(BIN)/gapwatch eval data/gold/test4 data/gold/test4
	$(BIN)/gapwatch eval data/gold/test5 data/gold/test5

clean:
	rm -rf $(VENV) data/gapwatch.db* data/prefect
