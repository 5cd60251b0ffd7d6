# syntax=docker/dockerfile:1
# trafficdash production image. One image runs every process; the command picks it:
#   serve (default) | worker | scheduler | db upgrade | sync | ...
# Build:  docker compose build     (or: docker build -t trafficdash .)

# ---- builder: resolve nothing, install exactly the hashed lock into a venv ----------------
FROM python:3.11.14-slim-bookworm AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"

WORKDIR /src
# The lock alone first, so a code change does not reinstall the dependencies (layer cache).
COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# The project itself, without dependencies (they all came from the lock above).
COPY pyproject.toml README.md ./
COPY trafficdash ./trafficdash
RUN pip install --no-deps . \
    && pip uninstall --yes pip setuptools

# ---- final: the slim base plus the venv; no compiler, no package manager caches -------------
FROM python:3.11.14-slim-bookworm

LABEL org.opencontainers.image.title="trafficdash" \
      org.opencontainers.image.description="Self-hosted traffic dashboard for Meta ads"

ENV PATH="/opt/venv/bin:$PATH" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRAFFICDASH_DATA_DIR=/app/data \
    TRAFFICDASH_LOG_JSON=true

RUN groupadd --system --gid 10001 trafficdash \
    && useradd --system --uid 10001 --gid trafficdash --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin trafficdash \
    && mkdir -p /app/data \
    && chown -R trafficdash:trafficdash /app

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
USER 10001:10001

EXPOSE 8080
VOLUME ["/app/data"]

# Liveness of the web process (worker and scheduler containers switch it off in compose).
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/api/health', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["trafficdash"]
CMD ["serve", "--host", "0.0.0.0"]
