-- The estate (estate.Store): the risk register for unsupported systems and
-- the assets learned from events, each kept whole as JSON. A register
-- entry's key is its asset as hosts are compared (estate.RegisterKey); seq
-- is the order of first adding, kept when the entry is replaced. The
-- learned assets are replaced whole by each save, in their order (pos);
-- estate_learned_saved says whether any save happened and serialises them.

CREATE TABLE estate_register (
    key text COLLATE "C" PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    body json NOT NULL
);

CREATE TABLE estate_learned (
    pos integer PRIMARY KEY,
    body json NOT NULL
);

CREATE TABLE estate_learned_saved (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    saved_at timestamptz
);
INSERT INTO estate_learned_saved (saved_at) VALUES (NULL);
