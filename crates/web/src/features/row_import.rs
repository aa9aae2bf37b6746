//! What every import of rows from a file shares (the ЕГЭ scores, an association's history): a
//! bad row is named with its column and the whole file is refused — all rows are written or none.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::error::{ApiError, AppError, ErrorDetail, FieldErrorBody};

/// A problem of one row of an imported file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    /// The row number as the spreadsheet shows it (the header is usually row 1).
    pub row: usize,
    /// The column as the file calls it.
    pub column: String,
    /// In Russian, for the user.
    pub message: String,
}

impl ImportProblem {
    pub fn new(row: usize, column: &str, message: impl Into<String>) -> Self {
        ImportProblem { row, column: column.to_owned(), message: message.into() }
    }
}

impl From<&metoda_docs::import::CellProblem> for ImportProblem {
    fn from(p: &metoda_docs::import::CellProblem) -> Self {
        ImportProblem { row: p.row, column: p.column.clone(), message: p.message.clone() }
    }
}

/// The chosen file read by `reader`, or why it is refused as a whole (none chosen: «Выберите файл
/// XLSX или CSV {what}»).
pub fn read_file<T>(
    file: Option<(String, Vec<u8>)>,
    what: &str,
    reader: impl FnOnce(&[u8], &str) -> Result<T, metoda_docs::import::Refusal>,
) -> Result<T, ImportFailure> {
    let Some((file_name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(ImportFailure::File(format!("Выберите файл XLSX или CSV {what}")));
    };
    reader(&bytes, &file_name).map_err(|refusal| ImportFailure::File(refusal.to_string()))
}

/// Why an import wrote nothing.
pub enum ImportFailure {
    /// Not allowed at all, not found, a liquidated association …
    App(AppError),
    /// The whole file cannot be read (a Russian sentence).
    File(String),
    /// Rows with problems; `forbidden` when some row names what the user may not enter.
    Rows { problems: Vec<ImportProblem>, bad_rows: usize, forbidden: bool },
}

impl<E: Into<AppError>> From<E> for ImportFailure {
    fn from(e: E) -> Self {
        ImportFailure::App(e.into())
    }
}

impl ImportFailure {
    /// The refusal of a file with these problems (sorted by row, the bad rows counted).
    pub fn rows(mut problems: Vec<ImportProblem>, forbidden: bool) -> Self {
        problems.sort_by_key(|p| p.row);
        let mut rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
        rows.dedup();
        ImportFailure::Rows { bad_rows: rows.len(), problems, forbidden }
    }

    /// What a page shows: the status, the refusal of the whole file, the rows' problems and how
    /// many rows are bad; an [`ImportFailure::App`] stays an error.
    pub fn for_page(self) -> Result<(StatusCode, Option<String>, Vec<ImportProblem>, usize), AppError> {
        match self {
            ImportFailure::App(e) => Err(e),
            ImportFailure::File(m) => Ok((StatusCode::UNPROCESSABLE_ENTITY, Some(m), vec![], 0)),
            ImportFailure::Rows { problems, bad_rows, forbidden } => {
                let status = if forbidden { StatusCode::FORBIDDEN } else { StatusCode::UNPROCESSABLE_ENTITY };
                Ok((status, None, problems, bad_rows))
            }
        }
    }
}

/// The refusal of an import with its rows: the error envelope plus every bad row.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportErrorBody {
    pub error: ErrorDetail,
    pub rows: Vec<ImportProblem>,
}

impl IntoResponse for ImportFailure {
    fn into_response(self) -> Response {
        let detail = |code: &str, message: String, fields: Vec<FieldErrorBody>| ErrorDetail {
            code: code.into(),
            message,
            fields,
        };
        match self {
            ImportFailure::App(e) => ApiError(e).into_response(),
            ImportFailure::File(message) => {
                let fields = vec![FieldErrorBody { field: "file".into(), message: message.clone() }];
                let body = ImportErrorBody { error: detail("validation", message, fields), rows: vec![] };
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
            }
            ImportFailure::Rows { problems, bad_rows, forbidden } => {
                let fields = problems
                    .iter()
                    .map(|p| FieldErrorBody {
                        field: format!("row {}", p.row),
                        message: format!("Строка {}, «{}»: {}", p.row, p.column, p.message),
                    })
                    .collect();
                let (status, code) = if forbidden {
                    (StatusCode::FORBIDDEN, "forbidden")
                } else {
                    (StatusCode::UNPROCESSABLE_ENTITY, "validation")
                };
                let message = format!(
                    "Ошибки в строках файла: {bad_rows}. Ничего не загружено — исправьте файл и загрузите его снова"
                );
                let body = ImportErrorBody { error: detail(code, message, fields), rows: problems };
                (status, Json(body)).into_response()
            }
        }
    }
}
