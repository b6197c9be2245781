-- Assurance (assure.Store): evidence recorded by people and the assessment
-- history. Each is kept whole as JSON (json, not jsonb: it keeps the text,
-- times' zones and nanoseconds included, as the data folder's files do).
-- seq is the order of first recording, or of appending; a correction of
-- evidence replaces its body and keeps its seq.

CREATE TABLE assure_evidence (
    id text COLLATE "C" PRIMARY KEY,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    body json NOT NULL
);

CREATE TABLE assure_history (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    body json NOT NULL
);
