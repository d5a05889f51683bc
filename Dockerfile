# One image for web, worker and beat; the command picks the role (see docker-compose.yml).
# (No "# syntax=" line: BuildKit would fetch that frontend from a registry, which an offline
# build cannot reach.) BASE may be a local stand-in: see deploy/local_base.sh.
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# gettext for compilemessages; every dependency installs from a wheel (psycopg's binary
# wheel bundles libpq), so no compiler and no libpq package.
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python3.11 -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt /tmp/requirements.txt
# pip compiles the bytecode as it installs; the packages' own test suites and pip itself
# are not needed at run time.
RUN pip install -r /tmp/requirements.txt \
    && find /opt/venv -type d -path "*/site-packages/*/tests" -prune -exec rm -rf {} + \
    && pip uninstall -y -q pip
WORKDIR /app
COPY . .
# collectstatic runs with production settings but needs no real services at build time.
RUN DJANGO_SETTINGS_MODULE=huntaze.settings.production \
    DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://127.0.0.1:6379/0 DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v0 \
    && python manage.py compilemessages --ignore '/opt/venv/*' >/dev/null \
    && python -m compileall -q /app >/dev/null

FROM ${BASE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH" DJANGO_SETTINGS_MODULE=huntaze.settings.production \
    DJANGO_MEDIA_ROOT=/data/media
RUN useradd --system --uid 10001 --home /data --shell /usr/sbin/nologin huntaze \
    && mkdir -p /data/media && chown huntaze:huntaze /data /data/media
COPY --from=build /opt/venv /opt/venv
# The code belongs to root and is read-only for the app's user: a compromised process
# cannot rewrite it. Media on the local disk (without S3) go to /data, a volume.
COPY --from=build /app /app
WORKDIR /app
USER huntaze
VOLUME ["/data"]
EXPOSE 8000
# Kept only in Docker's image format: build with `--format docker` under podman/buildah.
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
# --keep-alive 75: longer than the load balancer's idle timeout (60 s on an ALB), or a request
# sent on a connection gunicorn is just closing gets a 502 (seen in benchmarks/load_test.py).
# No gunicorn access log: the app writes one JSON line per request, without the client's IP.
CMD ["gunicorn", "huntaze.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--threads", "2", "--keep-alive", "75"]
