-- Failed logins shared by every API node (auth.LoginLimit), so that N
-- nodes behind a load balancer allow what one allows, not N times as
-- many. One row per failure and key ("user:NAME", "addr:HOST"), at the
-- failing node's clock in Unix nanoseconds; rows older than the window
-- are swept by the next failure.

CREATE TABLE auth_login_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text COLLATE "C" NOT NULL,
    at_ns bigint NOT NULL
);
CREATE INDEX auth_login_failures_key ON auth_login_failures (key, at_ns);
CREATE INDEX auth_login_failures_at ON auth_login_failures (at_ns);
