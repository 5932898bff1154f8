-- A counter of changes to the evaluations of each exam session, kept by triggers in the
-- transaction of the change itself: the jury's harmonisation (every grid of the session, up to
-- thousands) is computed once per version and kept, and a server sees a new version at its next
-- request, whoever wrote it (another server, the command line).

ALTER TABLE exam_sessions ADD COLUMN evaluations_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER evaluations_version_insert AFTER INSERT ON evaluations BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id = (SELECT exam_session_id FROM commissions WHERE id = NEW.commission_id);
END;

CREATE TRIGGER evaluations_version_update AFTER UPDATE ON evaluations BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id IN (SELECT exam_session_id FROM commissions WHERE id IN (OLD.commission_id, NEW.commission_id));
END;

CREATE TRIGGER evaluations_version_delete AFTER DELETE ON evaluations BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id = (SELECT exam_session_id FROM commissions WHERE id = OLD.commission_id);
END;

-- Names and exams of the commissions are shown with their figures.
CREATE TRIGGER commissions_version_insert AFTER INSERT ON commissions BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1 WHERE id = NEW.exam_session_id;
END;

CREATE TRIGGER commissions_version_update AFTER UPDATE ON commissions BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id IN (OLD.exam_session_id, NEW.exam_session_id);
END;

CREATE TRIGGER commissions_version_delete AFTER DELETE ON commissions BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1 WHERE id = OLD.exam_session_id;
END;

-- The option of a candidate (from their class) decides which Bloc 2 grid their evaluation counts in.
CREATE TRIGGER students_version_update AFTER UPDATE OF class_id ON students BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id IN (SELECT c.exam_session_id FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id
                 WHERE ev.student_id = NEW.user_id);
END;

CREATE TRIGGER classes_version_update AFTER UPDATE OF track ON classes BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id IN (SELECT c.exam_session_id FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id
                 JOIN students s ON s.user_id = ev.student_id WHERE s.class_id = NEW.id);
END;
