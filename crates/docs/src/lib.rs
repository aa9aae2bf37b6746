//! Documents in and out of Metoda.
//!
//! A guided tour:
//! - [`import`] reads the teacher bank an education office keeps in Excel (XLSX) or CSV into
//!   [`metoda_domain::teachers::TeacherInput`] rows. It refuses whole files that cannot be read
//!   safely (zip bombs, formulas, unknown encodings, missing columns) with a Russian sentence, and
//!   reports cells it could not interpret as [`import::CellProblem`]s; field validation stays with
//!   `TeacherInput::parse`. [`import::exam`] reads an association's ЕГЭ scores with the same readers
//!   and writes the template to fill.
//! - [`export`] writes the bank (or any table of strings) to XLSX.
//! - [`order_docx`] lays out an order of the authority («приказ») as a Word document.
//! - [`plan_docx`] lays out an association's yearly work plan with its «УТВЕРЖДАЮ» block.
//! - [`minutes_docx`] lays out the minutes of an association's meeting («протокол заседания»).
//! - [`registration_docx`] lays out a registration sheet (to sign, or filled after an event);
//!   [`programme_docx`] an event's programme; [`event_docx`] the note on an event's results.
//! - [`analysis_docx`] lays out the yearly analysis of an association with its indicators table;
//!   [`analysis_xlsx`] writes the indicators, or their roll-up over associations, to XLSX.
//!
//! Nothing here touches the database or the network: bytes in, bytes out.

pub mod analysis_docx;
pub mod analysis_xlsx;
pub mod event_docx;
pub mod export;
pub mod import;
pub mod minutes_docx;
pub mod order_docx;
pub mod plan_docx;
pub mod programme_docx;
pub mod registration_docx;
