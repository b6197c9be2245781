-- API tokens, local accounts and console sessions shared by every API node
-- (auth.TokenStore, auth.UserStore, auth.SessionStore), so that a token
-- created or revoked, an account added and a login on one node hold on
-- all. A token is kept as the SHA-256 of its text, a password as its
-- argon2id hash, a session by the SHA-256 of its id; times of sessions are
-- Unix nanoseconds of the nodes' clocks.

CREATE TABLE auth_tokens (
    id text PRIMARY KEY,
    name text NOT NULL UNIQUE,
    role text NOT NULL,
    sha256 text NOT NULL UNIQUE,
    created timestamptz NOT NULL,
    revoked timestamptz,
    last_used timestamptz,
    added bigserial NOT NULL
);

CREATE TABLE auth_users (
    name text PRIMARY KEY,
    role text NOT NULL,
    password text NOT NULL,
    created timestamptz NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    added bigserial NOT NULL
);

CREATE TABLE auth_sessions (
    key bytea PRIMARY KEY,
    user_name text NOT NULL,
    role text NOT NULL,
    csrf text NOT NULL,
    created_ns bigint NOT NULL,
    last_seen_ns bigint NOT NULL
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_name);
CREATE INDEX auth_sessions_seen ON auth_sessions (last_seen_ns);
