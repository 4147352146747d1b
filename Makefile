# evalpipe — a target per benchmark (every tasks/*.yaml), plus build, test, demo and fidelity.
#
#   make gpqa_diamond MODEL=hosted_vllm/Qwen/Qwen3-8B BASE_URL=http://localhost:8000/v1
#   make japanese_mt_bench MODEL=… BASE_URL=… JUDGE_MODEL=openai/gpt-4o-2024-08-06 [JUDGE_BASE_URL=…]
#   make demo          # a real small model on loopback, the whole pipeline, a results table
#   make test          # unit and integration tests (sets up the small model server once)
#   make fidelity GOLDEN=path/to/golden.jsonl
#   make bench         # throughput against the reference's paths (Tests/Bench/*.sh)
#   make suite MODEL=hosted_vllm/Qwen/Qwen3-8B BASE_URL=… [SUITE=swallow] [LIMIT=2]   # then aggregated_results.json
#   make suite MODEL=… BASE_URL=… SAMPLES=1   # every task on our own sample rows (tasks/samples/), offline
#   make submit MODEL=hosted_vllm/Qwen/Qwen3-8B SERVICE=tsubame NODE=node_q [SETTINGS=reasoning] [RUN_TASKS=a,b|SUITE=swallow]
#   make report        # results/report.html: every run under results/, with a sample browser
#
# Each stage writes results/{provider}/{publisher}/{model}/{SETTINGS}/{task}/<stage>.jsonl through
# a temporary file, so a killed stage leaves nothing half-written; call-model appends to
# responses.jsonl.part and skips what is already there. Running the same command again does no
# finished work again.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PREFIX ?= /usr/local
# This file's folder: a checkout, or share/evalpipe of an installation (make install copies this
# Makefile, tasks/ and conf/ there, the tools and wrappers to <prefix>/bin), so
# `make -f <prefix>/share/evalpipe/Makefile` (the installed `evalpipe`) runs from any directory,
# results/ under the current one.
HERE := $(patsubst %/,%,$(dir $(realpath $(lastword $(MAKEFILE_LIST)))))
CHECKOUT := $(wildcard $(HERE)/Package.swift)
SCRIPTS := $(if $(CHECKOUT),$(HERE)/bin,$(abspath $(HERE)/../../bin))
BIN ?= $(if $(CHECKOUT),$(HERE)/.build/release,$(SCRIPTS))
# The tools read the same task files as this Makefile.
EVALPIPE_TASKS ?= $(HERE)/tasks
export EVALPIPE_TASKS
TOOLS := fetch-task render-prompts call-model strip-reasoning score aggregate evalpipe-jobs ja-tokenize
# The wrappers make install puts beside them (the rest of bin/ needs a checkout).
WRAPPERS := evalpipe suite submit status serve-vllm publish

MODEL ?=
BASE_URL ?=
SETTINGS ?= default
# SAMPLES=1: tasks read our own sample rows (tasks/samples/) unless DATA is given; their results go
# to a folder of their own, so a later real run never reuses a sample's samples.jsonl.
SAMPLES ?=
RESULTS ?= $(if $(SAMPLES),results/samples,results)
PARSER ?= deepseek_r1_markup
DATA ?=
LIMIT ?=
SYSTEM_PROMPT ?=
N ?=
TEMPERATURE ?=
TOP_P ?=
MAX_TOKENS ?=
SEED ?=
CONCURRENCY ?=
# Most draws per request (call-model --max-n), for servers that cap n (llama-server at its --parallel).
MAX_N ?=
# Score what came back even when some records ended in api_error (they show as missing coverage).
ALLOW_ERRORS ?=
# Tasks with a judge (MT-Bench): the judge's model and server; its key is the one its provider
# prefix reads (OPENAI_API_KEY for openai/…), from the environment or ./.env, never a flag.
JUDGE_MODEL ?=
JUDGE_BASE_URL ?=
JUDGE_CONCURRENCY ?= 10
# Overrides the judge's 4,096-token budget (a small test judge).
JUDGE_MAX_TOKENS ?=

# hosted_vllm/Qwen/Qwen3-8B → results/hosted_vllm/Qwen/Qwen3-8B; openai/gpt-4o → results/openai/openai/gpt-4o
PROVIDER := $(word 1,$(subst /, ,$(MODEL)))
MODEL_PATH := $(patsubst $(PROVIDER)/%,%,$(MODEL))
PUBLISHER := $(if $(findstring /,$(MODEL_PATH)),$(word 1,$(subst /, ,$(MODEL_PATH))),$(PROVIDER))
RUN := $(RESULTS)/$(PROVIDER)/$(PUBLISHER)/$(notdir $(MODEL_PATH))/$(SETTINGS)

# The model's profile (conf/models/<publisher>/<model>.yaml) when there is one; SETTINGS picks
# its custom settings. PROFILE= runs without it.
PROFILE ?= $(wildcard $(HERE)/conf/models/$(MODEL_PATH).yaml)
# make submit: SERVICE (tsubame, abci, slurm, local), NODE, and RUN_TASKS (comma-separated) or SUITE.
SERVICE ?=
NODE ?=
RUN_TASKS ?=
SUITE ?= swallow

TASKS := $(basename $(notdir $(wildcard $(HERE)/tasks/*.yaml)))
JUDGED := $(basename $(notdir $(shell grep -l '^judge:' $(HERE)/tasks/*.yaml)))
# A judge's results live in a folder named after it, so another judge never mixes in.
JUDGE_DIR = judge-$(subst /,_,$(JUDGE_MODEL))
opt = $(if $(2),$(1) $(call quote,$(2)))
quote = '$(subst ','\'',$(1))'
# A task's sample: tasks/samples/<task>.{csv,jsonl,json,parquet}, else the folder tasks/samples/<task>/
# holding one entry per subset: a file <subset>.<ext>, or a folder in the Hub snapshot layout.
sample = $(or $(firstword $(wildcard $(addprefix $(HERE)/tasks/samples/$(1),.csv .jsonl .json .parquet)) $(wildcard $(HERE)/tasks/samples/$(1)/)),$(error SAMPLES=1: $(1) has no sample in tasks/samples/ (see tasks/samples/README.md)))
data = $(or $(DATA),$(if $(SAMPLES),$(call sample,$(1))))
sample-folder = $(if $(DATA),,$(filter %/,$(call data,$(1))))
# A sample folder is read subset by subset (TASK:SUBSET), so it need not hold every subset.
fetch-subsets = for e in $(2)*; do s=$$(basename "$$e"); d=$$([ -d "$$e" ] && echo $(2) || echo "$$e"); \
  $(BIN)/fetch-task $(1):$${s%.*} --data "$$d" $(call opt,--limit,$(LIMIT)) || exit 1; done

.PHONY: build install test demo fidelity bench clean help submit suite report print-run print-judge-dir $(TASKS)
.DELETE_ON_ERROR:
.SECONDARY:

help:
	@sed -n '2,14p' $(HERE)/Makefile | sed 's/^# \{0,1\}//'
	@echo "tasks: $(TASKS)"

build: $(addprefix $(BIN)/,$(TOOLS))
	@# The Japanese dictionary (Debian's mecab-ipadic, compiled and cached); else built on first use.
	@$(BIN)/ja-tokenize --build-dictionary >/dev/null || echo "make build: the Japanese dictionary will be built on first use" >&2

ifneq ($(CHECKOUT),)
$(addprefix $(BIN)/,$(TOOLS)) &: $(HERE)/Package.swift $(shell find $(HERE)/Sources -name '*.swift' -o -name '*.h' -o -name '*.modulemap')
	@# Static Foundation's linker warning about mktemp is noise we cannot act on.
	swift build --package-path $(HERE) -c release --static-swift-stdlib 2>&1 | grep -v -e "the use of .mktemp. is dangerous" -e "^/opt/swift/.*libFoundationEssentials.a"

# The tools and wrappers to <prefix>/bin; this Makefile, tasks/ and conf/ (with their subfolders) to
# share/evalpipe, where the tools, the wrappers and the installed `evalpipe` (make -f that Makefile) find them.
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/evalpipe
	install -m 755 $(addprefix $(BIN)/,$(TOOLS)) $(addprefix $(HERE)/bin/,$(WRAPPERS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(HERE)/Makefile $(DESTDIR)$(PREFIX)/share/evalpipe/
	cp -R $(HERE)/tasks $(HERE)/conf $(DESTDIR)$(PREFIX)/share/evalpipe/
	chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/share/evalpipe

# The integration tests need the real small model server: set it up (cached) first.
# The oracle venv holds the reference's Python libraries, for differential tests only.
# Tests and what they start (Foundation's atomic writes, job scripts, servers) get a private
# TMPDIR, removed afterwards: a test run leaves nothing in /tmp.
test:
	eval "$$(bin/llm-setup)" && eval "$$(bin/oracle-setup)" && eval "$$(bin/nagisa-setup)" && export LLAMA_SERVER LLM_MODEL ORACLE_PYTHON NAGISA_DATA \
	  && t=$$(mktemp -d "$${TMPDIR:-/tmp}/evalpipe-test.XXXXXX") && { TMPDIR=$$t swift test; rc=$$?; rm -rf "$$t"; exit $$rc; }

demo: build
	bin/demo

fidelity: build
	@test -n "$(GOLDEN)" || { echo "usage: make fidelity GOLDEN=<file or folder>" >&2; exit 2; }
	EVALPIPE_BIN=$(BIN) bin/fidelity $(GOLDEN)

# Every script in Tests/Bench/ measures one thing against its reference path in the same run.
bench: build
	@for b in Tests/Bench/*.sh; do echo "== $$b"; EVALPIPE_BIN=$(BIN) bash $$b || exit 1; done

clean:
	rm -rf .build
else
# Installed: the tools in $(BIN) are what there is (a missing one is make's "No rule to make target").
install test demo fidelity bench clean:
	@echo "make $@: needs a checkout of evalpipe; this is the installed Makefile ($(HERE))" >&2; exit 2
endif

# The manual's qsub_all.sh in one line: a job per task and an aggregate job (bin/submit --help).
submit: build check-model
	@test -n "$(SERVICE)" -a -n "$(NODE)" || { echo "usage: make submit MODEL=… SERVICE=tsubame|abci|slurm|local NODE=… [SETTINGS=…] [RUN_TASKS=a,b|SUITE=…]" >&2; exit 2; }
	EVALPIPE_BIN=$(BIN) $(SCRIPTS)/submit --service $(SERVICE) --node $(NODE) --model $(call quote,$(MODEL)) \
	  --custom-settings $(call quote,$(SETTINGS)) --results $(call quote,$(RESULTS)) $(if $(RUN_TASKS),--tasks $(call quote,$(RUN_TASKS)),--suite $(call quote,$(SUITE))) \
	  $(call opt,--profile,$(PROFILE)) $(call opt,--data,$(DATA)) $(call opt,--limit,$(LIMIT))

# Every benchmark of conf/suites/$(SUITE).yaml in order, then $(RUN)/aggregated_results.json.
suite: build check-model
	EVALPIPE_BIN=$(BIN) $(SCRIPTS)/suite $(SUITE)

# One HTML page for every scored.jsonl under $(RESULTS) (aggregate --format html), written through a
# temporary file.
report: build
	@mapfile -d '' files < <(find $(call quote,$(RESULTS)) -name scored.jsonl -print0 | sort -z); \
	test $${#files[@]} -gt 0 || { echo "no scored.jsonl under $(RESULTS): run a benchmark first" >&2; exit 1; }; \
	$(BIN)/aggregate --format html "$${files[@]}" > $(call quote,$(RESULTS)/report.html.tmp) && \
	mv $(call quote,$(RESULTS)/report.html.tmp) $(call quote,$(RESULTS)/report.html) && \
	echo "wrote $(RESULTS)/report.html from $${#files[@]} scored.jsonl files" >&2

print-run:
	@echo $(RUN)

print-judge-dir:
	@echo $(JUDGE_DIR)

# ---- one benchmark, stage by stage ----

$(filter-out $(JUDGED),$(TASKS)): %: $(RUN)/%/metrics.md
	@cat $<

$(JUDGED): %: check-judge $(RUN)/%/$(JUDGE_DIR)/metrics.md
	@cat $(RUN)/$*/$(JUDGE_DIR)/metrics.md

check-judge:
	@test -n "$(JUDGE_MODEL)" || { echo "this task is rated by an LLM judge: set JUDGE_MODEL=openai/gpt-4o-2024-08-06 (the reference's; key in OPENAI_API_KEY or ./.env), or JUDGE_MODEL=… JUDGE_BASE_URL=… for an OpenAI-compatible server" >&2; exit 2; }
.PHONY: check-judge

check-model:
	@test -n "$(MODEL)" || { echo "set MODEL=provider/publisher/model (and BASE_URL for hosted_vllm)" >&2; exit 2; }
.PHONY: check-model

$(RUN)/%/samples.jsonl: $(HERE)/tasks/%.yaml | build check-model
	@mkdir -p $(@D)
	$(if $(call sample-folder,$*),{ $(call fetch-subsets,$*,$(call sample-folder,$*)); },$(BIN)/fetch-task $* $(call opt,--data,$(call data,$*)) $(call opt,--limit,$(LIMIT))) > $@.tmp && mv $@.tmp $@

$(RUN)/%/prompts.jsonl: $(RUN)/%/samples.jsonl
	$(BIN)/render-prompts $(call opt,--profile,$(PROFILE)) $(if $(PROFILE),--custom-settings $(call quote,$(SETTINGS))) \
	  $(call opt,--system-prompt,$(SYSTEM_PROMPT)) $(call opt,--n,$(N)) \
	  $(call opt,--temperature,$(TEMPERATURE)) $(call opt,--top-p,$(TOP_P)) \
	  $(call opt,--max-tokens,$(MAX_TOKENS)) $(call opt,--seed,$(SEED)) $< > $@.tmp && mv $@.tmp $@

$(RUN)/%/responses.jsonl: $(RUN)/%/prompts.jsonl
	$(BIN)/call-model --model $(call quote,$(MODEL)) $(call opt,--base-url,$(BASE_URL)) \
	  $(call opt,--concurrency,$(CONCURRENCY)) $(call opt,--max-n,$(MAX_N)) --output $@.part $< $(if $(ALLOW_ERRORS),|| true) \
	  || { echo "some records ended in api_error: run the same command again to retry them, or add ALLOW_ERRORS=1 to score the rest" >&2; exit 1; }
	mv $@.part $@

$(RUN)/%/answers.jsonl: $(RUN)/%/responses.jsonl
	$(BIN)/strip-reasoning --parser $(PARSER) $< > $@.tmp && mv $@.tmp $@

$(RUN)/%/scored.jsonl: $(RUN)/%/answers.jsonl
	$(BIN)/score $< > $@.tmp && mv $@.tmp $@

$(RUN)/%/metrics.json: $(RUN)/%/scored.jsonl
	$(BIN)/aggregate $< > $@.tmp && mv $@.tmp $@

$(RUN)/%/metrics.md: $(RUN)/%/metrics.json $(RUN)/%/scored.jsonl
	$(BIN)/aggregate --format markdown $(RUN)/$*/scored.jsonl > $@.tmp && mv $@.tmp $@

# ---- tasks with a judge: answers → judge prompts → judgements → scores ----
# One judge request per draw and turn; call-model appends to judged.jsonl.part and a rerun asks
# only for the judgements not there yet (each is cached by its request key). Records the model
# never answered (api_error) go to unjudged.jsonl and show in the coverage.

$(RUN)/%/$(JUDGE_DIR)/judge-prompts.jsonl: $(RUN)/%/answers.jsonl
	@mkdir -p $(@D)
	$(BIN)/render-prompts --judge $(call opt,--max-tokens,$(JUDGE_MAX_TOKENS)) --unjudged $(@D)/unjudged.jsonl.tmp $< > $@.tmp \
	  && mv $(@D)/unjudged.jsonl.tmp $(@D)/unjudged.jsonl && mv $@.tmp $@

$(RUN)/%/$(JUDGE_DIR)/judged.jsonl: $(RUN)/%/$(JUDGE_DIR)/judge-prompts.jsonl
	$(BIN)/call-model --model $(call quote,$(JUDGE_MODEL)) $(call opt,--base-url,$(JUDGE_BASE_URL)) \
	  --concurrency $(JUDGE_CONCURRENCY) --output $@.part $< $(if $(ALLOW_ERRORS),|| true) \
	  || { echo "some judgements ended in api_error: run the same command again to retry them, or add ALLOW_ERRORS=1 to score the rest" >&2; exit 1; }
	mv $@.part $@

$(RUN)/%/$(JUDGE_DIR)/scored.jsonl: $(RUN)/%/$(JUDGE_DIR)/judged.jsonl
	$(BIN)/score $< $(@D)/unjudged.jsonl > $@.tmp && mv $@.tmp $@

$(RUN)/%/$(JUDGE_DIR)/metrics.json: $(RUN)/%/$(JUDGE_DIR)/scored.jsonl
	$(BIN)/aggregate $< > $@.tmp && mv $@.tmp $@

$(RUN)/%/$(JUDGE_DIR)/metrics.md: $(RUN)/%/$(JUDGE_DIR)/metrics.json $(RUN)/%/$(JUDGE_DIR)/scored.jsonl
	$(BIN)/aggregate --format markdown $(RUN)/$*/$(JUDGE_DIR)/scored.jsonl > $@.tmp && mv $@.tmp $@
