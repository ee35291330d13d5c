# make build | sweep [EXP=experiments/x.yaml] [ARGS="--epochs 2"] | report [DIR=results/x] | test | data | info | clean
SHELL := /bin/bash
EXP ?= experiments/table1.yaml
DIR ?= results/table1
ARGS ?=
JAR := runner/target/runner.jar
MVN := mvn -B -q
# Offline: DJL must load its natives from the jar, never download them. This JVM plans,
# dispatches to worker JVMs, writes records and draws charts: the quick JIT tier is enough, and
# the optimising one would spend ~1.3 s of CPU compiling chart code used once (workers keep it).
JAVA := java -Dai.djl.offline=true -XX:TieredStopAtLevel=1 -jar $(JAR)
SOURCES := $(shell find runner/src/main -type f) pom.xml runner/pom.xml
DATASET_DIR := /usr/share/datasets/fashion-mnist

IMAGE ?= sweeprunner:cuda12.8

.PHONY: build sweep report test data info plan clean dataset fonts docker-build docker-sweep docker-lint entrypoint-check slurm-check bench repro

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
	$(JAVA) sweep $(EXP) $(ARGS)

report: $(JAR) fonts
	$(JAVA) report $(DIR) $(ARGS)

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

# The CUDA image (docker/Dockerfile): libtorch 2.7.1+cu128 and Fashion-MNIST are fetched while
# it builds. The image has no git, so the commit it is built from goes in as build arguments;
# "dirty" counts untracked files too, because the build copies them into the image.
docker-build:
	docker build -f docker/Dockerfile -t $(IMAGE) \
	  --build-arg SWEEPRUNNER_GIT_COMMIT="$$(git rev-parse HEAD)" \
	  --build-arg SWEEPRUNNER_GIT_DIRTY="$$(if [ -n "$$(git status --porcelain)" ]; then echo true; else echo false; fi)" .

# Same experiment files; results land in ./results on the host, written as your user (the
# entrypoint keeps everything else under the container's /tmp; the data set is in the image).
docker-sweep:
	mkdir -p results
	docker run --rm --gpus all --user "$$(id -u):$$(id -g)" \
	  -v "$(CURDIR)/results:/work/results" -v "$(CURDIR)/experiments:/work/experiments:ro" \
	  $(IMAGE) sweep $(EXP) $(ARGS)

# The image's entrypoint as uid 12345 (neither root nor the image's user) over a copy of the
# image's layout: a tiny sweep completes, its results are that uid's, nothing is written
# elsewhere. Needs root; no Docker engine. Run by .ci/run.
entrypoint-check: $(JAR) dataset
	docker/entrypoint-check.sh $(JAR)

# docker/slurm-array.sh with the real sbatch on a one-node Slurm cluster started here (installs
# slurm-wlm and munge; needs root): a tiny sweep over 2 array tasks and the dependent report job;
# the merged trials.csv must equal a one-shot sweep's. Run by .ci/run.
slurm-check: $(JAR) dataset
	docker/slurm-check.sh $(JAR)

# dockerfilelint from the npm registry (no Docker engine needed).
docker-lint:
	npx --yes dockerfilelint@1.8.0 docker/Dockerfile

clean:
	$(MVN) clean
