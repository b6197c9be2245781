-- Privacy (privacy.DecisionStore and privacy.CaseStore). privacy_decisions
-- holds each case's decision whole as JSON; a change locks its row, so that
-- decisions from several nodes follow Decisions' rules one after another.
-- privacy_decision_changes keeps every change, as the file log's lines do
-- (op, case, outcome, by whom, note, when), for accountability.
-- privacy_cases holds the last saved analysis (privacy.SavedCases) whole.

CREATE TABLE privacy_decisions (
    case_id text COLLATE "C" PRIMARY KEY,
    body json NOT NULL
);

CREATE TABLE privacy_decision_changes (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id text COLLATE "C" NOT NULL,
    change json NOT NULL
);
CREATE INDEX privacy_decision_changes_case ON privacy_decision_changes (case_id, seq);

CREATE TABLE privacy_cases (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    body json NOT NULL
);
