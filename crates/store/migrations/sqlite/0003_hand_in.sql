-- Handing the dossier in: a frozen copy (JSON) that the commission and the public link see while
-- the student keeps a working draft; the files it names are kept as long as the copy is.
-- Public links: a secret, revocable, optionally expiring address of the portfolio.

CREATE TABLE dossier_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    submitted_at INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    reopened_at INTEGER,
    reopened_by INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX dossier_submissions_student ON dossier_submissions(student_id, id);

CREATE TABLE submission_blobs (
    submission_id INTEGER NOT NULL REFERENCES dossier_submissions(id) ON DELETE CASCADE,
    storage_key TEXT NOT NULL,
    PRIMARY KEY (submission_id, storage_key)
);
CREATE INDEX submission_blobs_key ON submission_blobs(storage_key);

CREATE TABLE public_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
);
CREATE INDEX public_links_student ON public_links(student_id);
