//! Documents in and out of Metoda.
//!
//! A guided tour:
//! - [`import`] reads the teacher bank an education office keeps in Excel (XLSX) or CSV into
//!   [`metoda_domain::teachers::TeacherInput`] rows. It refuses whole files that cannot be read
//!   safely (zip bombs, formulas, unknown encodings, missing columns) with a Russian sentence, and
//!   reports cells it could not interpret as [`import::CellProblem`]s; field validation stays with
//!   `TeacherInput::parse`.
//! - [`export`] writes the bank (or any table of strings) to XLSX.
//! - [`order_docx`] lays out an order of the authority («приказ») as a Word document.
//! - [`plan_docx`] lays out an association's yearly work plan with its «УТВЕРЖДАЮ» block.
//! - [`minutes_docx`] lays out the minutes of an association's meeting («протокол заседания»).
//!
//! Nothing here touches the database or the network: bytes in, bytes out.

pub mod export;
pub mod import;
pub mod minutes_docx;
pub mod order_docx;
pub mod plan_docx;
