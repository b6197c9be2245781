-- The record of patient access reports given (privacy.PatientReportStore),
-- shared by every API node: one row a report, as the data folder's
-- patient-reports.jsonl keeps one line. patient is a keyed hash of the NHS
-- number (privacy.PatientRefUnder), never the number. The key is made
-- once, by whichever node records first, and kept in
-- patient_report_key: every node names one patient alike, so that the
-- board pack counts patients across nodes.

CREATE TABLE patient_report_key (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    key bytea NOT NULL CHECK (length(key) >= 16)
);

CREATE TABLE patient_reports (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    by_whom text NOT NULL,
    patient text COLLATE "C" NOT NULL CHECK (patient LIKE 'hmac-sha256:%'),
    format text NOT NULL,
    via text NOT NULL,
    accesses integer NOT NULL
);
CREATE INDEX patient_reports_at ON patient_reports (at);
