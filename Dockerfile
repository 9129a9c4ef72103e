# Наставник in a container: `docker compose up -d` (compose.yaml); see docs/operations.md.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY scheduler scheduler
COPY docs docs
# Not editable: the virtual environment alone is the application. /help's guides are read from
# docs/ beside the packages (handlers/guide.py), so they go beside them in site-packages.
RUN /opt/venv/bin/pip install --no-cache-dir . \
    && site="$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
    && cp -r docs "$site/docs"

FROM python:3.11-slim
# A user of its own, uid 10001 (chown a bind-mounted /data to it); matplotlib caches in its home.
RUN useradd --system --user-group --no-log-init --create-home --uid 10001 nastavnik \
    && mkdir /data \
    && chown nastavnik:nastavnik /data
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/nastavnik.db
# The database with its -wal and -shm files, and the daily backups with BACKUP_DIR=/data/backups.
VOLUME ["/data"]
WORKDIR /data
USER nastavnik
# Exit 0 while the scheduler runs, Telegram answers getUpdates and the outbox moves.
HEALTHCHECK --interval=60s --timeout=15s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot"]
