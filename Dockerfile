# syntax=docker/dockerfile:1

# ---- build ------------------------------------------------------------------
FROM rust:1-bookworm AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src

# Dependencies first, against stub sources, so that a change to src/ does not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src \
    && echo 'fn main() {}' > src/main.rs \
    && touch src/lib.rs \
    && mkdir -p benches && echo 'fn main() {}' > benches/list_applications.rs \
    && echo 'fn main() {}' > benches/http_load.rs \
    && echo 'fn main() {}' > benches/auth_burst.rs \
    && cargo build --release --locked \
    && rm -rf src benches

COPY . .
# Make sure the real sources are newer than the stub build.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked \
    && install -m 0755 target/release/dealer-portal /usr/local/bin/dealer-portal

# ---- run --------------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/data/uploads /app/data/mail \
    && chown -R app:app /app
COPY --from=builder /usr/local/bin/dealer-portal /usr/local/bin/dealer-portal

WORKDIR /app
USER app
ENV BIND=0.0.0.0:8080
EXPOSE 8080
VOLUME ["/app/data"]
ENTRYPOINT ["/usr/local/bin/dealer-portal"]
CMD ["serve"]
