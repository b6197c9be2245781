-- People (people.DataStore): what the imports brought in (staff directory,
-- training records, phishing simulation campaigns) as one JSON document;
-- phishing reports and guidance given, each whole as JSON in order added;
-- the pulse as counts per round, staff group and site only, never one
-- person's answers; and the secret the pulse links are derived from.

CREATE TABLE people_imported (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    body json NOT NULL
);

CREATE TABLE people_reports (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text COLLATE "C" NOT NULL UNIQUE,
    body json NOT NULL
);

CREATE TABLE people_guidance (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    staff_id text NOT NULL,
    body json NOT NULL
);
CREATE INDEX people_guidance_staff ON people_guidance (staff_id, seq);

CREATE TABLE people_pulse_counts (
    round text COLLATE "C" NOT NULL,
    staff_group text COLLATE "C" NOT NULL,
    site text COLLATE "C" NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    body json NOT NULL,
    PRIMARY KEY (round, staff_group, site)
);

CREATE TABLE people_pulse_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key bytea NOT NULL CHECK (length(key) = 32)
);
