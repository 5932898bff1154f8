-- A counter of changes to what a class's dashboard shows — its students and their dossiers'
-- tags, hand-ins, internships, weekly reports and recorded facts — kept by triggers in the
-- transaction of each change: the dashboard of 35 students (thousands of rows) is computed once
-- per version and kept, and every server sees a new version at its next request, whoever wrote
-- it (another server, the command line).

ALTER TABLE classes ADD COLUMN dossiers_version BIGINT NOT NULL DEFAULT 0;

-- The class of a student, bumped.
CREATE FUNCTION bump_dossiers_version_of_student(student BIGINT) RETURNS void LANGUAGE sql AS $$
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id = (SELECT class_id FROM students WHERE user_id = student);
$$;

-- The rows that name their student (`student_id`): réalisations, internships, hand-ins, facts.
CREATE FUNCTION dossiers_version_of_student_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM bump_dossiers_version_of_student(OLD.student_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM bump_dossiers_version_of_student(NEW.student_id);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER realisations_dossiers_version AFTER DELETE ON realisations
    FOR EACH ROW EXECUTE FUNCTION dossiers_version_of_student_row();

CREATE FUNCTION realisation_skills_dossiers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM bump_dossiers_version_of_student((SELECT student_id FROM realisations WHERE id = OLD.realisation_id));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM bump_dossiers_version_of_student((SELECT student_id FROM realisations WHERE id = NEW.realisation_id));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER realisation_skills_dossiers_version AFTER INSERT OR DELETE ON realisation_skills
    FOR EACH ROW EXECUTE FUNCTION realisation_skills_dossiers_version();

CREATE TRIGGER internships_dossiers_version AFTER INSERT OR UPDATE OR DELETE ON internships
    FOR EACH ROW EXECUTE FUNCTION dossiers_version_of_student_row();

CREATE FUNCTION weekly_reports_dossiers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM bump_dossiers_version_of_student((SELECT student_id FROM internships WHERE id = OLD.internship_id));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM bump_dossiers_version_of_student((SELECT student_id FROM internships WHERE id = NEW.internship_id));
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER weekly_reports_dossiers_version AFTER INSERT OR UPDATE OR DELETE ON weekly_reports
    FOR EACH ROW EXECUTE FUNCTION weekly_reports_dossiers_version();

CREATE TRIGGER dossier_submissions_dossiers_version AFTER INSERT OR UPDATE OR DELETE ON dossier_submissions
    FOR EACH ROW EXECUTE FUNCTION dossiers_version_of_student_row();

CREATE TRIGGER candidate_facts_dossiers_version AFTER INSERT OR UPDATE OR DELETE ON candidate_facts
    FOR EACH ROW EXECUTE FUNCTION dossiers_version_of_student_row();

-- The students themselves: joining, leaving, changing class.
CREATE FUNCTION students_dossiers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id = OLD.class_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.class_id <> OLD.class_id) THEN
        UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id = NEW.class_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER students_dossiers_version AFTER INSERT OR UPDATE OR DELETE ON students
    FOR EACH ROW EXECUTE FUNCTION students_dossiers_version();

-- Names and accounts of the students, the class and its school.
CREATE FUNCTION users_dossiers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_dossiers_version_of_student(NEW.id);
    RETURN NULL;
END;
$$;
CREATE TRIGGER users_dossiers_version AFTER UPDATE OF email, first_name, last_name, disabled ON users
    FOR EACH ROW EXECUTE FUNCTION users_dossiers_version();

CREATE FUNCTION classes_dossiers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER classes_dossiers_version AFTER UPDATE OF school_id, name, track, year_of_training, session_year ON classes
    FOR EACH ROW EXECUTE FUNCTION classes_dossiers_version();

CREATE FUNCTION schools_dossiers_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE school_id = NEW.id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER schools_dossiers_version AFTER UPDATE OF name ON schools
    FOR EACH ROW EXECUTE FUNCTION schools_dossiers_version();
