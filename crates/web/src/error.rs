//! One error type for the web layer.
//!
//! Bad input becomes a French message naming the field and what is expected; internal errors
//! are logged with their context and an id, and the user sees a generic page with that id.

use crate::templates::ErrorPage;
use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use portfolio_domain::input::InvalidInput;
use portfolio_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadInput {
        field: &'static str,
        message: String,
    },
    /// No valid session: HTML pages redirect to the login page, the API answers 401.
    #[error("authentification requise")]
    Unauthenticated { api: bool },
    #[error("accès refusé")]
    Forbidden,
    #[error("jeton de sécurité invalide")]
    Csrf,
    /// Too many uploads are being received: answered 503 with `Retry-After`, body unread.
    #[error("trop d’envois de fichiers en cours")]
    UploadsBusy,
    #[error("page introuvable")]
    NotFound,
    /// A known address asked with the wrong method (a form's address opened as a link).
    #[error("méthode non autorisée")]
    MethodNotAllowed,
    #[error("trop de requêtes")]
    TooManyRequests,
    /// The disk holding the database or the files is full: the write was refused whole.
    #[error("disque plein")]
    DiskFull,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// Seconds a refused upload is told to wait (`Retry-After`).
pub const UPLOADS_RETRY_AFTER_SECS: u64 = 10;

impl AppError {
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::BadInput {
            field,
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::UploadsBusy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::DiskFull => StatusCode::INSUFFICIENT_STORAGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The French sentence shown to the user.
    fn user_message(&self, error_id: Option<&str>) -> (String, String) {
        match self {
            AppError::BadInput { field, message } => (
                "Saisie incorrecte".into(),
                if field.is_empty() {
                    message.clone()
                } else {
                    format!("Champ « {field} » : {message}")
                },
            ),
            AppError::Unauthenticated { .. } => (
                "Connexion requise".into(),
                "Connectez-vous pour accéder à cette page.".into(),
            ),
            AppError::Forbidden => (
                "Accès refusé".into(),
                "Vous n’avez pas accès à cette page. Si vous pensez que c’est une erreur, adressez-vous à l’administrateur de Portfolio SIO de votre établissement.".into(),
            ),
            AppError::Csrf => (
                "Formulaire expiré".into(),
                "Le jeton de sécurité du formulaire est absent ou périmé. Revenez à la page précédente, rechargez-la, puis renvoyez le formulaire : rien de ce qui était déjà enregistré n’a été perdu.".into(),
            ),
            AppError::UploadsBusy => (
                "Serveur occupé".into(),
                format!(
                    "Trop de fichiers sont en cours d’envoi sur le serveur en ce moment : le vôtre n’a pas été reçu et rien n’a été enregistré. Renvoyez-le dans {UPLOADS_RETRY_AFTER_SECS} secondes."
                ),
            ),
            AppError::NotFound => (
                "Page introuvable".into(),
                "Cette page n’existe pas ou a été supprimée.".into(),
            ),
            AppError::MethodNotAllowed => (
                "Adresse réservée aux formulaires".into(),
                "Cette adresse ne s’ouvre pas comme une page : elle reçoit l’envoi d’un formulaire du site. Revenez au tableau de bord et utilisez le bouton prévu.".into(),
            ),
            AppError::TooManyRequests => (
                "Trop de requêtes".into(),
                "Trop de requêtes en peu de temps : patientez quelques minutes puis réessayez.".into(),
            ),
            AppError::DiskFull => (
                "Disque plein".into(),
                "Le disque du serveur est plein : rien n’a été enregistré. Réessayez plus tard, et prévenez l’administrateur de Portfolio SIO de votre établissement.".into(),
            ),
            AppError::Internal(_) => (
                "Erreur interne".into(),
                format!(
                    "Une erreur interne est survenue ; elle a été enregistrée. Réessayez dans un instant. Si elle se reproduit, communiquez cette référence à l’assistance : {}.",
                    error_id.unwrap_or("-")
                ),
            ),
        }
    }

    fn log(&self) -> Option<String> {
        if let AppError::DiskFull = self {
            tracing::error!("disque plein : écriture refusée");
        }
        if let AppError::Internal(err) = self {
            let id = crate::session::random_token(6);
            tracing::error!(error_id = %id, error = ?err, "erreur interne");
            Some(id)
        } else {
            None
        }
    }

    /// The error as JSON, for the API.
    pub fn into_json_response(self) -> Response {
        let id = self.log();
        let (title, message) = self.user_message(id.as_deref());
        let field = match &self {
            AppError::BadInput { field, .. } => Some(*field),
            _ => None,
        };
        let body = serde_json::json!({
            "error": title,
            "message": message,
            "field": field,
            "error_id": id,
        });
        let busy = matches!(self, AppError::UploadsBusy);
        let mut res = (self.status(), axum::Json(body)).into_response();
        if busy {
            retry_after(&mut res);
        }
        res
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Unauthenticated { api } = self {
            if api {
                return self.into_json_response();
            }
            return Redirect::to("/login").into_response();
        }
        let id = self.log();
        let (title, message) = self.user_message(id.as_deref());
        let page = ErrorPage {
            title: &title,
            message: &message,
        };
        let mut res = match page.render() {
            Ok(html) => (self.status(), Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "rendu de la page d’erreur impossible");
                (
                    self.status(),
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    message,
                )
                    .into_response()
            }
        };
        if matches!(self, AppError::UploadsBusy) {
            retry_after(&mut res);
        }
        res
    }
}

fn retry_after(res: &mut Response) {
    res.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from(UPLOADS_RETRY_AFTER_SECS),
    );
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) | StoreError::Invalid(m) | StoreError::Unsupported(m) => {
                AppError::bad_input("", m)
            }
            StoreError::NotFound => AppError::NotFound,
            e if e.is_disk_full() => AppError::DiskFull,
            other => AppError::Internal(anyhow::Error::new(other).context("accès au stockage")),
        }
    }
}

impl From<InvalidInput> for AppError {
    fn from(e: InvalidInput) -> Self {
        AppError::BadInput {
            field: e.field,
            message: e.message,
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e).context("rendu d’un gabarit HTML"))
    }
}

/// An API handler's error: the same variants, answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_a_507_saying_nothing_was_saved() {
        let e = AppError::from(StoreError::DiskFull(
            "écriture du fichier k impossible".into(),
        ));
        assert_eq!(e.status(), StatusCode::INSUFFICIENT_STORAGE);
        let (title, message) = e.user_message(None);
        assert_eq!(title, "Disque plein");
        assert!(message.contains("rien n’a été enregistré"), "{message}");
        // Other storage failures stay internal errors.
        let e = AppError::from(StoreError::Blob("droits".into()));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
