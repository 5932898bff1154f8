-- Exam sessions, commissions and evaluations (annexes II.C, II.D, 6-3, 6-4): the labels and
-- deadlines of a session, the candidates registered in it, the members of each commission with
-- their profile, the passing times, the grid and the fiche d'appréciation of every candidate,
-- the mark the jury arrests, and the history of changes made after the visas.

-- Exam codes and annex numbers change between sessions: NULL means the 2019 text's.
ALTER TABLE exam_sessions ADD COLUMN block1_exam TEXT;
ALTER TABLE exam_sessions ADD COLUMN block2_exam TEXT;
ALTER TABLE exam_sessions ADD COLUMN conformity_annex TEXT;
ALTER TABLE exam_sessions ADD COLUMN grid_annex TEXT;
ALTER TABLE exam_sessions ADD COLUMN appraisal_annex TEXT;
ALTER TABLE exam_sessions ADD COLUMN ccf_end_date TEXT;
-- The end of the training of the session's candidates: evaluation documents are kept one year
-- after it at least.
ALTER TABLE exam_sessions ADD COLUMN training_end_date TEXT;
ALTER TABLE exam_sessions ADD COLUMN deliberated_at INTEGER;
ALTER TABLE exam_sessions ADD COLUMN closed_at INTEGER;
ALTER TABLE exam_sessions ADD COLUMN purged_at INTEGER;

CREATE TABLE registrations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_session_id INTEGER NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    candidate_number TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('sisr', 'slam')),
    route TEXT NOT NULL,
    form TEXT NOT NULL CHECK (form IN ('one_off', 'continuous')),
    -- The student account of the candidate, when one matches.
    student_id INTEGER REFERENCES students(user_id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (exam_session_id, candidate_number)
);
CREATE INDEX registrations_student ON registrations(student_id);

ALTER TABLE commissions ADD COLUMN exam TEXT NOT NULL DEFAULT 'block1' CHECK (exam IN ('block1', 'block2'));
ALTER TABLE commissions ADD COLUMN track TEXT CHECK (track IN ('sisr', 'slam'));
ALTER TABLE commissions ADD COLUMN exam_date TEXT;
-- « 08:00 »: the first candidate's time; the slots follow from it.
ALTER TABLE commissions ADD COLUMN start_time TEXT;

CREATE TABLE commission_members (
    commission_id INTEGER NOT NULL REFERENCES commissions(id) ON DELETE CASCADE,
    seat INTEGER NOT NULL CHECK (seat IN (1, 2)),
    user_id INTEGER NOT NULL REFERENCES users(id),
    profile TEXT NOT NULL CHECK (profile IN ('teacher', 'professional')),
    -- Options taught (« sisr,slam ») and professional blocks taught (« 1,2,3 »).
    specialties TEXT NOT NULL DEFAULT '',
    blocks TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (commission_id, seat),
    UNIQUE (commission_id, user_id)
);
CREATE INDEX commission_members_user ON commission_members(user_id);

-- The passing time of each candidate (« 08:40 »), and the start of the preparation when the
-- exam has one.
ALTER TABLE commission_candidates ADD COLUMN slot_start TEXT;
ALTER TABLE commission_candidates ADD COLUMN slot_end TEXT;
ALTER TABLE commission_candidates ADD COLUMN preparation_start TEXT;

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    commission_id INTEGER NOT NULL REFERENCES commissions(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    -- « B1.1=good;B1.2=partial… »: the level of each row rated.
    levels TEXT NOT NULL DEFAULT '',
    -- Hundredths of a point.
    proposed_mark INTEGER CHECK (proposed_mark BETWEEN 0 AND 2000),
    penalties TEXT NOT NULL DEFAULT '',
    environment_conforming BOOLEAN,
    chosen_realisation_id INTEGER,
    chosen_realisation_title TEXT,
    needs_statement TEXT NOT NULL DEFAULT '',
    part1 TEXT NOT NULL DEFAULT '',
    part2 TEXT NOT NULL DEFAULT '',
    appreciation TEXT NOT NULL DEFAULT '',
    visa1_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    visa1_at INTEGER,
    visa2_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    visa2_at INTEGER,
    jury_mark INTEGER CHECK (jury_mark BETWEEN 0 AND 20),
    jury_reason TEXT,
    jury_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    jury_at INTEGER,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (commission_id, student_id)
);
CREATE INDEX evaluations_student ON evaluations(student_id);

-- Changes made to a locked evaluation (by the jury president, with the reason) and the marks
-- the jury arrested: what was there before is kept here.
CREATE TABLE evaluation_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    by_user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    kind TEXT NOT NULL CHECK (kind IN ('amendment', 'jury_mark')),
    reason TEXT,
    before_value TEXT NOT NULL,
    after_value TEXT NOT NULL
);
CREATE INDEX evaluation_history_evaluation ON evaluation_history(evaluation_id);
