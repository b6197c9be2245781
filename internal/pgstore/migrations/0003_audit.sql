-- The self-audit hash chain (audit.Chain): each entry's canonical line, as
-- the file log writes it, by sequence number. audit_head is the chain's
-- last entry; appends lock it, so that the chain stays linear across nodes.

CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq bigint NOT NULL,
    hash text NOT NULL
);
INSERT INTO audit_head (seq, hash) VALUES (0, '');

CREATE TABLE audit_log (
    seq bigint PRIMARY KEY,
    line text NOT NULL
);
