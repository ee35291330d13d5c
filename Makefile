# make build | sweep [EXP=experiments/x.yaml] [ARGS="epochs=2"] | demo | report [DIR=results/x] | test | data | info | clean
SHELL := /bin/bash
EXP ?= experiments/table1.yaml
DIR ?= results/table1
ARGS ?=
# A committed reference run to compare with (--against): by default results/reference/<name> of
# the experiment file or results directory, when there is one. REF=DIR picks another (e.g.
# results/study-a-table1, seeds 1-3 of table1's configurations, which shows a spread over seeds).
REF ?=
SWEEP_REF = $(or $(REF),$(wildcard results/reference/$(basename $(notdir $(EXP)))))
REPORT_REF = $(or $(REF),$(if $(findstring results/reference/,$(DIR)),,$(wildcard results/reference/$(notdir $(DIR)))))
JAR := runner/target/runner.jar
MVN := mvn -B -q
# Offline: DJL must load its natives from the jar, never download them. This JVM plans,
# dispatches to worker JVMs, writes records and draws charts: the quick JIT tier is enough, and
# the optimising one would spend ~1.3 s of CPU compiling chart code used once (workers keep it).
JAVA := java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -jar $(JAR)
SOURCES := $(shell find runner/src/main -type f) pom.xml runner/pom.xml
DATASET_DIR := /usr/share/datasets/fashion-mnist

IMAGE ?= sweeprunner:cuda12.8

.PHONY: build sweep demo report test data info plan clean dataset fonts docker-build docker-sweep docker-lint bench repro

build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) -DskipTests package
	@test -f $(JAR)

# Debian's dataset-fashion-mnist package when we can install it (root), else the runner's own
# download into ./data/fashion-mnist; `runner data` verifies the SHA-256 of what it finds.
dataset:
	@if [ ! -f $(DATASET_DIR)/train-images-idx3-ubyte.gz ] && [ ! -f data/fashion-mnist/train-images-idx3-ubyte.gz ] \
	    && [ -z "$$FASHION_MNIST_DIR" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get install -y -q dataset-fashion-mnist || (apt-get update -q && apt-get install -y -q dataset-fashion-mnist)) \
	    >/dev/null || echo "apt-get could not install dataset-fashion-mnist; the runner will try to download it"; \
	fi

# Charts are drawn by Java2D, which needs fontconfig and one font; minimal images lack them.
fonts:
	@if ! fc-list 2>/dev/null | grep -q . && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get install -y -q fontconfig fonts-dejavu-core || (apt-get update -q && apt-get install -y -q fontconfig fonts-dejavu-core)) \
	    >/dev/null || echo "apt-get could not install fonts; reports will have tables but no charts"; \
	fi

data: $(JAR) dataset
	$(JAVA) data

sweep: $(JAR) dataset fonts
	$(JAVA) sweep $(EXP) $(if $(SWEEP_REF),--against $(SWEEP_REF)) $(ARGS)

# A first look in a minute or two: a small FCN and CNN, 2 epochs on 30,000 images, with its report.
demo: $(JAR) dataset fonts
	$(JAVA) sweep experiments/demo.yaml $(ARGS)

report: $(JAR) fonts
	$(JAVA) report $(DIR) $(if $(REPORT_REF),--against $(REPORT_REF)) $(ARGS)

plan: $(JAR)
	$(JAVA) plan $(EXP) $(ARGS)

info: $(JAR)
	$(JAVA) info

test: dataset fonts
	mvn -B -ntp test

# Runner vs its PyTorch peer (bench/), alternating runs; writes results/bench/. Not a test: slow.
# Debian's python3-torch is the peer; libopenblas0 gives it an optimised BLAS instead of the reference one.
BENCH_ARGS ?=
bench: $(JAR) dataset
	@if { ! /usr/bin/python3 -c "import torch" 2>/dev/null || ! ls /usr/lib/x86_64-linux-gnu/libopenblas*.so* >/dev/null 2>&1; } \
	    && [ "$$(id -u)" = 0 ]; then \
	  apt-get install -y -q python3-torch libopenblas0 >/dev/null || (apt-get update -q && apt-get install -y -q python3-torch libopenblas0); \
	fi
	/usr/bin/python3 bench/bench.py $(BENCH_ARGS)

# The five reference studies at their full settings (hours on a CPU; resumes where it stopped),
# then results/reproduction.csv. STUDY=a|b|c|d|e picks one; ARGS go to every sweep.
STUDY ?= all
STUDY_FILES := a:study-a-table1 b:study-b-compact-cnn c:study-c-mlp-vs-lenet d:study-d-deep-mlp e:study-e-baseline-vs-deep
repro: $(JAR) dataset fonts
	@for pair in $(STUDY_FILES); do \
	  key=$${pair%%:*}; file=$${pair#*:}; \
	  if [ "$(STUDY)" = all ] || [ "$(STUDY)" = "$$key" ] || [ "$(STUDY)" = "$$file" ]; then \
	    echo "== study $$key: experiments/$$file.yaml"; \
	    $(JAVA) sweep experiments/$$file.yaml $(ARGS) || exit $$?; \
	  fi; \
	done
	python3 bench/reproduction.py

# The CUDA image (docker/Dockerfile): libtorch 2.7.1+cu128 is fetched while it builds.
docker-build:
	docker build -f docker/Dockerfile -t $(IMAGE) .

# Same experiment files; results land in ./results on the host, written as your user.
docker-sweep:
	mkdir -p results
	docker run --rm --gpus all --user "$$(id -u):$$(id -g)" -e HOME=/tmp \
	  -v "$(CURDIR)/results:/work/results" -v "$(CURDIR)/experiments:/work/experiments:ro" \
	  $(IMAGE) sweep $(EXP) $(ARGS)

# dockerfilelint from the npm registry (no Docker engine needed).
docker-lint:
	npx --yes dockerfilelint@1.8.0 docker/Dockerfile

clean:
	$(MVN) clean
