# Every target bootstraps its own virtualenv: a fresh clone needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test lint bench rekap poster screenshots secrets deploy stage-config clean

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

DATE ?= $(shell date -d yesterday +%F)
rekap: $(STAMP) ## the rekap of DATE (YYYY-MM-DD, default yesterday) from the running `make run` stack
	$(BIN)/python -m local.rekap $(DATE)

.PHONY: transcripts
transcripts: $(STAMP) ## docs/transcripts/: one transcript per citizen journey, from the real engine
	$(BIN)/python -m tests.transcripts

# The sosialisasi kit (README "Sosialisasi kit"): the office's pair, then one per campaign code.
# `make poster CODES="TBH01 KTM02"`.
CODES ?=

poster: $(STAMP) ## A4 poster (PDF), 1080x1080 PNG, QR code and link per campaign code in dist/sosialisasi/
	$(BIN)/python -m tools.poster --out dist/sosialisasi $(CODES)

screenshots: $(STAMP) ## docs/screenshots/: every console page, the simulator and the mailbox at 1280x800
	$(BIN)/python -m tools.screenshots --out docs/screenshots

# Deploy (see README "Deploy" and docs/runbook.md). Values left empty keep the stack's previous
# ones, so `make deploy STAGE=prod` alone redeploys the stage as it is.
STAGE           ?= dev
REGION          ?= ap-southeast-3
ALARM_EMAIL     ?=
SENDER_EMAIL    ?=
PHONE_NUMBER_ID ?=

secrets: $(STAMP) ## store or rotate the WhatsApp secrets of STAGE in SSM (asks, never echoes)
	$(BIN)/python -m infra.whatsapp_secrets $(STAGE) --region $(REGION)

deploy: $(STAMP) ## stack + .chalice stage and policies + chalice deploy (DRY_RUN=1: no chalice deploy)
	$(BIN)/python -m infra.deploy $(STAGE) --region $(REGION) \
		--alarm-email "$(ALARM_EMAIL)" --sender-email "$(SENDER_EMAIL)" \
		--phone-number-id "$(PHONE_NUMBER_ID)" $(if $(DRY_RUN),--dry-run)

stage-config: $(STAMP) ## rewrite .chalice/ (stage, policies) from the deployed stack of STAGE
	$(BIN)/python -m infra.stage_config $(STAGE) --region $(REGION)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .local
