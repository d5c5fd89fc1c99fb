# Every target bootstraps its own virtualenv: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint bench deploy-infra stage-config deploy clean

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "LIGAT needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP) ## the whole system locally: moto, API, consumer, WhatsApp simulator
	$(BIN)/python -m local.run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/cfn-lint infra/template.yaml

test: lint ## lint, type-check, cfn-lint and the whole test suite
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP) ## performance and routing figures, as ratios against floors measured in the same run
	$(BIN)/python -m bench

.PHONY: transcripts
transcripts: $(STAMP) ## docs/transcripts/: one transcript per citizen journey, from the real engine
	$(BIN)/python -m tests.transcripts

STAGE ?= dev
deploy-infra: $(STAMP) ## create/update the stateful stack, then copy its outputs into .chalice/config.json
	aws cloudformation deploy --stack-name ligat-$(STAGE) \
		--template-file infra/template.yaml --parameter-overrides Stage=$(STAGE)

stage-config: $(STAMP) ## write .chalice/config.json stage + policy from the stack (PHONE_NUMBER_ID=...)
	$(BIN)/python -m infra.stage_config $(STAGE) --phone-number-id $(PHONE_NUMBER_ID)

deploy: $(STAMP) ## deploy the Chalice app (after deploy-infra and stage-config)
	LIGAT_INBOUND_QUEUE_NAME=ligat-$(STAGE)-inbound.fifo $(BIN)/chalice deploy --stage $(STAGE)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .local
