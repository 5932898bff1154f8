-- Internships (stages), employment periods and apprenticeship contracts, the follow-up platform of
-- annexe III.B (weekly activity reports, intermediate reviews) and the tutors' links.

CREATE TABLE internships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    -- internship: stage; employment: période d'emploi (formation continue, expérience);
    -- apprenticeship: contrat d'apprentissage.
    kind TEXT NOT NULL CHECK (kind IN ('internship', 'employment', 'apprenticeship')),
    organisation_name TEXT NOT NULL,
    organisation_address TEXT NOT NULL,
    siret TEXT,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    year_of_training INTEGER NOT NULL CHECK (year_of_training IN (1, 2)),
    full_time INTEGER NOT NULL DEFAULT 1 CHECK (full_time IN (0, 1)),
    tutor_name TEXT NOT NULL,
    tutor_title TEXT NOT NULL,
    tutor_email TEXT NOT NULL,
    objectives TEXT NOT NULL,
    schedule TEXT NOT NULL,
    certificate_state TEXT NOT NULL DEFAULT 'missing' CHECK (certificate_state IN ('missing', 'unsigned', 'signed')),
    certificate_key TEXT,
    certificate_name TEXT,
    certificate_signed_by TEXT CHECK (certificate_signed_by IN ('tutor', 'teacher')),
    certificate_signed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX internships_student ON internships(student_id, start_date);

-- One report a week (the Monday of the week), rewritten in place.
CREATE TABLE weekly_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    internship_id INTEGER NOT NULL REFERENCES internships(id) ON DELETE CASCADE,
    week_start TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (internship_id, week_start)
);

CREATE TABLE internship_reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    internship_id INTEGER NOT NULL REFERENCES internships(id) ON DELETE CASCADE,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('tutor', 'teacher')),
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX internship_reviews_internship ON internship_reviews(internship_id, id);

-- A tutor's link: only the SHA-256 of the token is kept; it expires and can be revoked.
CREATE TABLE tutor_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    internship_id INTEGER NOT NULL REFERENCES internships(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX tutor_links_internship ON tutor_links(internship_id);
