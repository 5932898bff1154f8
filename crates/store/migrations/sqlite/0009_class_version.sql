-- A counter of changes to what a class's dashboard shows — its students and their dossiers'
-- tags, hand-ins, internships, weekly reports and recorded facts — kept by triggers in the
-- transaction of each change: the dashboard of 35 students (thousands of rows) is computed once
-- per version and kept, and every server sees a new version at its next request, whoever wrote
-- it (another server, the command line).

ALTER TABLE classes ADD COLUMN dossiers_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER realisations_dossiers_version_delete AFTER DELETE ON realisations BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id);
END;

CREATE TRIGGER realisation_skills_dossiers_version_insert AFTER INSERT ON realisation_skills BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = (SELECT student_id FROM realisations WHERE id = NEW.realisation_id));
END;

CREATE TRIGGER realisation_skills_dossiers_version_delete AFTER DELETE ON realisation_skills BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = (SELECT student_id FROM realisations WHERE id = OLD.realisation_id));
END;

CREATE TRIGGER internships_dossiers_version_insert AFTER INSERT ON internships BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = NEW.student_id);
END;

CREATE TRIGGER internships_dossiers_version_update AFTER UPDATE ON internships BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id OR user_id = NEW.student_id);
END;

CREATE TRIGGER internships_dossiers_version_delete AFTER DELETE ON internships BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id);
END;

CREATE TRIGGER weekly_reports_dossiers_version_insert AFTER INSERT ON weekly_reports BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = (SELECT student_id FROM internships WHERE id = NEW.internship_id));
END;

CREATE TRIGGER weekly_reports_dossiers_version_update AFTER UPDATE ON weekly_reports BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = (SELECT student_id FROM internships WHERE id = OLD.internship_id) OR user_id = (SELECT student_id FROM internships WHERE id = NEW.internship_id));
END;

CREATE TRIGGER weekly_reports_dossiers_version_delete AFTER DELETE ON weekly_reports BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = (SELECT student_id FROM internships WHERE id = OLD.internship_id));
END;

CREATE TRIGGER dossier_submissions_dossiers_version_insert AFTER INSERT ON dossier_submissions BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = NEW.student_id);
END;

CREATE TRIGGER dossier_submissions_dossiers_version_update AFTER UPDATE ON dossier_submissions BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id OR user_id = NEW.student_id);
END;

CREATE TRIGGER dossier_submissions_dossiers_version_delete AFTER DELETE ON dossier_submissions BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id);
END;

CREATE TRIGGER candidate_facts_dossiers_version_insert AFTER INSERT ON candidate_facts BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = NEW.student_id);
END;

CREATE TRIGGER candidate_facts_dossiers_version_update AFTER UPDATE ON candidate_facts BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id OR user_id = NEW.student_id);
END;

CREATE TRIGGER candidate_facts_dossiers_version_delete AFTER DELETE ON candidate_facts BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = OLD.student_id);
END;

-- The students themselves: joining, leaving, changing class.
CREATE TRIGGER students_dossiers_version_insert AFTER INSERT ON students BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id = NEW.class_id;
END;
CREATE TRIGGER students_dossiers_version_update AFTER UPDATE ON students BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id IN (OLD.class_id, NEW.class_id);
END;
CREATE TRIGGER students_dossiers_version_delete AFTER DELETE ON students BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id = OLD.class_id;
END;

-- Names and accounts of the students, the class and its school.
CREATE TRIGGER users_dossiers_version_update AFTER UPDATE OF email, first_name, last_name, disabled ON users BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1
    WHERE id IN (SELECT class_id FROM students WHERE user_id = NEW.id);
END;
CREATE TRIGGER classes_dossiers_version_update AFTER UPDATE OF school_id, name, track, year_of_training, session_year ON classes BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER schools_dossiers_version_update AFTER UPDATE OF name ON schools BEGIN
    UPDATE classes SET dossiers_version = dossiers_version + 1 WHERE school_id = NEW.id;
END;
