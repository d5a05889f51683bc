# syntax=docker/dockerfile:1
# One image for web, worker and beat; the command picks the role (see docker-compose.yml).

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt
WORKDIR /app
COPY . .
# collectstatic runs with production settings but needs no real services at build time.
RUN DJANGO_SETTINGS_MODULE=huntaze.settings.production \
    DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://127.0.0.1:6379/0 DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && python manage.py compilemessages --ignore '/opt/venv/*' >/dev/null

FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH="/opt/venv/bin:$PATH" DJANGO_SETTINGS_MODULE=huntaze.settings.production
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home /app --shell /usr/sbin/nologin huntaze
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=huntaze:huntaze /app /app
WORKDIR /app
USER huntaze
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
# --keep-alive 75: longer than the load balancer's idle timeout (60 s on an ALB), or a request
# sent on a connection gunicorn is just closing gets a 502 (seen in benchmarks/load_test.py).
# No gunicorn access log: the app writes one JSON line per request, without the client's IP.
CMD ["gunicorn", "huntaze.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--threads", "2", "--keep-alive", "75"]
