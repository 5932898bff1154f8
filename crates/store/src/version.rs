//! Which version of a dossier a read serves: the access policy decides it for each reader
//! ([`StudentCap::version`]), and every read of the dossier that takes a [`StudentCap`] goes
//! through [`resolve`] first. The live rows are read with a [`Live`] token that only `resolve`
//! makes, so that a reader of the handed-in version cannot be served the draft by a read that
//! forgot to ask.

use crate::{Result, SubmissionRecord, SubmissionStore};
use portfolio_domain::access::{DossierVersion, Shown, StudentCap};

/// Permission to read the live rows of a student's dossier: made by [`resolve`] only.
pub(crate) struct Live {
    student_id: i64,
}

impl Live {
    pub(crate) fn student_id(&self) -> i64 {
        self.student_id
    }
}

/// The version a reader is served.
pub(crate) enum Version {
    Live(Live),
    HandedIn(SubmissionRecord),
    /// Not handed in, and the reader sees only what is.
    Nothing,
}

/// The version of the dossier the holder of `cap` reads. Readers of the live draft cost no
/// query; the others one indexed lookup (the snapshot itself is kept parsed).
pub(crate) async fn resolve<S: SubmissionStore + ?Sized>(
    store: &S,
    cap: &StudentCap,
) -> Result<Version> {
    let live = Live {
        student_id: cap.student_id(),
    };
    if cap.version() == DossierVersion::Live {
        return Ok(Version::Live(live));
    }
    let submission = store.current_submission(cap).await?;
    Ok(match (cap.shown(submission.is_some()), submission) {
        (Shown::Live, _) => Version::Live(live),
        (Shown::HandedIn, Some(s)) => Version::HandedIn(s),
        (Shown::HandedIn, None) | (Shown::Nothing, _) => Version::Nothing,
    })
}
