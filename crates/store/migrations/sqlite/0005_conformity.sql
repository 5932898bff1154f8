-- The contrôle de conformité (annexe 6-2): the date the académie sets for handing dossiers in,
-- and the decision recorded for each candidate of a session.

ALTER TABLE exam_sessions ADD COLUMN dossier_due_date TEXT;

CREATE TABLE conformity_decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_session_id INTEGER NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('conforming', 'regularisation', 'non_conforming')),
    -- The grounds found (JSON array of their facts, as the sheet prints them).
    grounds TEXT NOT NULL,
    regularisation_deadline TEXT,
    decided_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    decided_at INTEGER NOT NULL,
    UNIQUE (exam_session_id, student_id)
);
