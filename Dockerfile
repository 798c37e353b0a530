# Timbalans: the web app (Waitress) with WeasyPrint's libraries and fonts and the PostgreSQL
# client tools for timbalans backup/restore. compose.yaml runs it with PostgreSQL; see
# docs/operations.md, "Docker".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    TIMBALANS_DATA_DIR=/data

# WeasyPrint (PDF): Pango, HarfBuzz and fonts (the documents name DejaVu Sans);
# postgresql-client: pg_dump and pg_restore for timbalans backup/restore.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 fontconfig shared-mime-info \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home timbalans \
    && mkdir -p /data && chown timbalans:timbalans /data && chmod 0700 /data

WORKDIR /app
# Dependencies first, from the pinned constraints, so a code change does not reinstall them.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir timbalans && touch timbalans/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y timbalans && rm -rf timbalans build *.egg-info
COPY timbalans ./timbalans
# A regular install, as from a wheel: the in-app guides ship inside the package.
RUN pip install --no-deps . && rm -rf timbalans build *.egg-info

USER timbalans
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:8000/healthz/', timeout=4).status != 200)"]
# serve runs migrate first, then Gunicorn with 2 worker processes per core (--workers N to
# choose); the import and staffing jobs run in threads of the worker that started them
# (timbalans/web/jobs.py): there is no separate worker service.
CMD ["timbalans", "serve", "--addr", "0.0.0.0:8000"]
