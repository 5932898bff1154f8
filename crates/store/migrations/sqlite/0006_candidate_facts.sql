-- What the rules of annexe III.B need to know about a candidate beyond their route: the case of a
-- continuing-education candidate, a reduced duration and its demande de positionnement, the
-- status of a distance learner, the exam date.

CREATE TABLE candidate_facts (
    student_id INTEGER PRIMARY KEY REFERENCES students(user_id) ON DELETE CASCADE,
    continuing_education TEXT CHECK (continuing_education IN ('first_training', 'retraining', 'perfectionnement')),
    reduction_reason TEXT CHECK (reduction_reason IN ('force_majeure', 'adapted_training')),
    positioning_request TEXT,
    distance_status TEXT CHECK (distance_status IN ('school', 'apprenticeship', 'continuing_education')),
    exam_date TEXT,
    updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);
