-- A counter of changes to the evaluations of each exam session, kept by triggers in the
-- transaction of the change itself: the jury's harmonisation (every grid of the session, up to
-- thousands) is computed once per version and kept, and a server sees a new version at its next
-- request, whoever wrote it (another server, the command line).

ALTER TABLE exam_sessions ADD COLUMN evaluations_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_evaluations_version_of_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
        WHERE id = (SELECT exam_session_id FROM commissions WHERE id = OLD.commission_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.commission_id <> OLD.commission_id) THEN
        UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
        WHERE id = (SELECT exam_session_id FROM commissions WHERE id = NEW.commission_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER evaluations_version AFTER INSERT OR UPDATE OR DELETE ON evaluations
    FOR EACH ROW EXECUTE FUNCTION bump_evaluations_version_of_evaluation();

-- Names and exams of the commissions are shown with their figures.
CREATE FUNCTION bump_evaluations_version_of_commission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE exam_sessions SET evaluations_version = evaluations_version + 1 WHERE id = OLD.exam_session_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.exam_session_id <> OLD.exam_session_id) THEN
        UPDATE exam_sessions SET evaluations_version = evaluations_version + 1 WHERE id = NEW.exam_session_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER commissions_version AFTER INSERT OR UPDATE OR DELETE ON commissions
    FOR EACH ROW EXECUTE FUNCTION bump_evaluations_version_of_commission();

-- The option of a candidate (from their class) decides which Bloc 2 grid their evaluation counts in.
CREATE FUNCTION bump_evaluations_version_of_student() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id IN (SELECT c.exam_session_id FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id
                 WHERE ev.student_id = NEW.user_id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER students_version AFTER UPDATE OF class_id ON students
    FOR EACH ROW EXECUTE FUNCTION bump_evaluations_version_of_student();

CREATE FUNCTION bump_evaluations_version_of_class() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE exam_sessions SET evaluations_version = evaluations_version + 1
    WHERE id IN (SELECT c.exam_session_id FROM evaluations ev JOIN commissions c ON c.id = ev.commission_id
                 JOIN students s ON s.user_id = ev.student_id WHERE s.class_id = NEW.id);
    RETURN NULL;
END;
$$;

CREATE TRIGGER classes_version AFTER UPDATE OF track ON classes
    FOR EACH ROW EXECUTE FUNCTION bump_evaluations_version_of_class();
