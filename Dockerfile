# Lifeport Regie: one image for web, worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# The PostgreSQL client of the server's major version (docker-compose.yml: postgres:16; Debian bookworm's own
# client is 15, and pg_dump refuses a newer server), from the PostgreSQL project's apt repository (PGDG).
# gnupg: the backups are encrypted to the operator's public key (lifeport/backups.py).
ARG PG_MAJOR=16
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gnupg \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update && apt-get install -y --no-install-recommends \
        postgresql-client-${PG_MAJOR} \
        gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
    && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
COPY --from=assets /app/node_modules ./node_modules
RUN pip install . && useradd --system --home /app lifeport \
    && SECRET_KEY=build-only DEBUG=1 python manage.py compilemessages --ignore=node_modules \
    && SECRET_KEY=build-only-collectstatic-not-a-secret-and-never-used-at-run-time python manage.py collectstatic --no-input \
    && mkdir -p /data/media && chown -R lifeport /data /app/var
USER lifeport
EXPOSE 8000
CMD ["gunicorn", "lifeport.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
