-- The candidate's dossier: réalisations professionnelles, the skills they mobilise, the
-- technological environment used, their productions (artifacts), the teachers' follow-up and
-- the two réalisations chosen for E5. Dates of a period are ISO text (AAAA-MM-JJ) on both
-- backends, so that they compare and sort the same way.

CREATE TABLE realisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    setting TEXT NOT NULL CHECK (setting IN ('training', 'workplace_first_year', 'workplace_second_year')),
    organisation TEXT NOT NULL,
    modality TEXT NOT NULL CHECK (modality IN ('solo', 'team')),
    personal_contribution TEXT NOT NULL,
    resources_provided TEXT NOT NULL,
    expected_results TEXT NOT NULL,
    tech_other TEXT NOT NULL,
    review_status TEXT CHECK (review_status IN ('validated', 'to_revise')),
    reviewed_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    reviewed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (end_date >= start_date)
);
CREATE INDEX realisations_student ON realisations(student_id, start_date);

CREATE TABLE realisation_skills (
    realisation_id INTEGER NOT NULL REFERENCES realisations(id) ON DELETE CASCADE,
    skill_code TEXT NOT NULL,
    PRIMARY KEY (realisation_id, skill_code)
);

CREATE TABLE realisation_tech_items (
    realisation_id INTEGER NOT NULL REFERENCES realisations(id) ON DELETE CASCADE,
    item_code TEXT NOT NULL,
    PRIMARY KEY (realisation_id, item_code)
);

-- A production: an uploaded file (its bytes in the blob store under storage_key) or a link.
CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    realisation_id INTEGER NOT NULL REFERENCES realisations(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    name TEXT NOT NULL,
    url TEXT,
    storage_key TEXT UNIQUE,
    content_type TEXT,
    size_bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK ((kind = 'file') = (storage_key IS NOT NULL)),
    CHECK ((kind = 'link') = (url IS NOT NULL))
);
CREATE INDEX artifacts_realisation ON artifacts(realisation_id);
CREATE INDEX artifacts_student ON artifacts(student_id);

-- Files whose row is gone, to delete from the blob store. Written in the transaction that
-- removes the rows, emptied once the files are deleted: no file outlives its row for long, and
-- no row ever points to a deleted file.
CREATE TABLE blob_deletions (
    storage_key TEXT PRIMARY KEY,
    queued_at INTEGER NOT NULL
);

CREATE TABLE realisation_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    realisation_id INTEGER NOT NULL REFERENCES realisations(id) ON DELETE CASCADE,
    author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('student', 'team')),
    created_at INTEGER NOT NULL
);
CREATE INDEX realisation_comments_realisation ON realisation_comments(realisation_id, id);

CREATE TABLE e5_choices (
    student_id INTEGER PRIMARY KEY REFERENCES students(user_id) ON DELETE CASCADE,
    first_id INTEGER NOT NULL REFERENCES realisations(id) ON DELETE CASCADE,
    second_id INTEGER NOT NULL REFERENCES realisations(id) ON DELETE CASCADE,
    CHECK (first_id <> second_id)
);
