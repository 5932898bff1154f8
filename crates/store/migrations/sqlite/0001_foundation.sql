-- Foundation: schools, classes, accounts and their grants, exam sessions and commissions (as far
-- as access scopes need them), login sessions, login throttling and the audit log.
-- Times are Unix seconds (UTC) in INTEGER columns, the same on both backends.

CREATE TABLE schools (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    uai TEXT UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    school_id INTEGER NOT NULL REFERENCES schools(id),
    name TEXT NOT NULL,
    track TEXT NOT NULL CHECK (track IN ('sisr', 'slam')),
    year_of_training INTEGER NOT NULL CHECK (year_of_training IN (1, 2)),
    session_year INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (school_id, name, session_year)
);
CREATE INDEX classes_school ON classes(school_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    password_hash TEXT,
    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER
);
CREATE INDEX users_name ON users(last_name, first_name);

-- A student belongs to one class; the class gives their option (track) and school.
CREATE TABLE students (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes(id),
    route TEXT NOT NULL CHECK (route IN ('school', 'apprenticeship', 'continuing_education', 'professional_experience', 'distance')),
    candidate_number TEXT
);
CREATE INDEX students_class ON students(class_id);

-- Every role but student, each on its scope: teacher → class, tutor → student (user id),
-- commission_member → commission, head_of_school → school, jury_president → exam session,
-- admin → none.
CREATE TABLE grants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('tutor', 'teacher', 'commission_member', 'head_of_school', 'jury_president', 'admin')),
    scope_id INTEGER,
    created_at INTEGER NOT NULL,
    CHECK ((role = 'admin') = (scope_id IS NULL))
);
CREATE UNIQUE INDEX grants_unique ON grants(user_id, role, COALESCE(scope_id, 0));
CREATE INDEX grants_scope ON grants(role, scope_id);

CREATE TABLE exam_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    academy TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (year, academy)
);

CREATE TABLE commissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_session_id INTEGER NOT NULL REFERENCES exam_sessions(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (exam_session_id, name)
);

CREATE TABLE commission_candidates (
    commission_id INTEGER NOT NULL REFERENCES commissions(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    PRIMARY KEY (commission_id, student_id)
);
CREATE INDEX commission_candidates_student ON commission_candidates(student_id);

-- Login sessions. The cookie carries a random id; only its SHA-256 is stored.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed logins per key (an e-mail as typed, or a client address), whether or not the account exists.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_user_id INTEGER,
    action TEXT NOT NULL,
    target TEXT,
    client_ip TEXT,
    details TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
