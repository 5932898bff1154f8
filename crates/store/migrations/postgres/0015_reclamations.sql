-- Réclamations (issue 12, item 7): 002 gives the fiche d'appréciation to the candidate « en cas
-- de réclamation ». The candidate asks after the deliberation; the jury president or the head of
-- school sends the copy without the mark. Each step is dated here and in the audit log.
CREATE TABLE appraisal_requests (
    exam_session_id BIGINT NOT NULL REFERENCES exam_sessions(id) ON DELETE CASCADE,
    student_id BIGINT NOT NULL REFERENCES students(user_id) ON DELETE CASCADE,
    requested_at BIGINT NOT NULL,
    sent_at BIGINT,
    sent_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
    PRIMARY KEY (exam_session_id, student_id)
);
CREATE INDEX appraisal_requests_student ON appraisal_requests(student_id);

-- The académie may publish every candidate's fiche after the deliberation instead.
ALTER TABLE exam_sessions ADD COLUMN publish_appraisals BOOLEAN NOT NULL DEFAULT FALSE;
