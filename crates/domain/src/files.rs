//! Uploaded files: the type is told by the content, never by the name; what a file is attached to
//! and what it is.

use crate::profile::RequiredDocument;

/// The largest file accepted (a scan, a document of the register).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// A file type Metoda accepts: (MIME type, Russian name).
pub fn detect(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let head = &bytes[..bytes.len().min(8)];
    if head.starts_with(b"%PDF-") {
        return Some(("application/pdf", "PDF"));
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(("image/png", "PNG"));
    }
    if head.starts_with(b"\xFF\xD8\xFF") {
        return Some(("image/jpeg", "JPEG"));
    }
    if head.starts_with(b"PK\x03\x04") {
        // An Office Open XML package names its parts in the first local headers.
        let window = &bytes[..bytes.len().min(64 * 1024)];
        let has = |needle: &[u8]| window.windows(needle.len()).any(|w| w == needle);
        if has(b"word/") {
            return Some(("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"));
        }
        if has(b"ppt/") {
            return Some(("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"));
        }
        if has(b"xl/") {
            return Some(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"));
        }
        if has(b"application/vnd.oasis.opendocument.text") {
            return Some(("application/vnd.oasis.opendocument.text", "ODT"));
        }
    }
    None
}

/// The Russian refusal for a file that is not one of the accepted types.
pub const REFUSAL: &str =
    "Файл не принят: загрузите PDF, JPEG, PNG, DOCX, XLSX, PPTX или ODT (тип определяется по содержимому файла)";

/// What an attachment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentOwner {
    /// A document of an association's register.
    Association,
    /// The scan of an order.
    Order,
    /// The scan confirming a result of teachers and students.
    Result,
    /// A material or photograph of an event (talks, presentations, decisions; 001 §6.1).
    Event,
}

coded!(AttachmentOwner {
    Association => "association", "объединение";
    Order => "order", "приказ";
    Result => "result", "результат";
    Event => "event", "мероприятие";
});

/// What an attachment is: a document the profile requires an association to keep, or a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentKind {
    Document(RequiredDocument),
    /// The scan of a signed order or of a document confirming a result.
    Scan,
}

const DOCUMENTS: usize = RequiredDocument::ALL.len();

const KINDS: [AttachmentKind; DOCUMENTS + 1] = {
    let mut out = [AttachmentKind::Scan; DOCUMENTS + 1];
    let mut i = 0;
    while i < DOCUMENTS {
        out[i] = AttachmentKind::Document(RequiredDocument::ALL[i]);
        i += 1;
    }
    out
};

impl AttachmentKind {
    /// Every required document, then the scan.
    pub const ALL: &'static [AttachmentKind] = &KINDS;
    /// The stored code: the document's code, or `scan`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Document(d) => d.code(),
            Self::Scan => "scan",
        }
    }
    pub fn label_ru(self) -> &'static str {
        match self {
            Self::Document(d) => d.label_ru(),
            Self::Scan => "скан",
        }
    }
}

impl crate::Code for AttachmentKind {
    fn all() -> &'static [Self] {
        Self::ALL
    }
    fn code(self) -> &'static str {
        AttachmentKind::code(self)
    }
}

/// Serialized as its stored code (the audit trail's record of an attachment).
impl serde::Serialize for AttachmentKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(detect(b"%PDF-1.7 ...").map(|t| t.1), Some("PDF"));
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0....").map(|t| t.1), Some("JPEG"));
        assert_eq!(detect(b"PK\x03\x04....word/document.xml").map(|t| t.1), Some("DOCX"));
        assert_eq!(detect(b"PK\x03\x04....something.bin"), None, "a ZIP that is no document");
        assert_eq!(detect(b"PK\x03\x04....ppt/slides/slide1.xml").map(|t| t.1), Some("PPTX"));
        assert_eq!(detect(b"MZ\x90\x00 an executable named scan.pdf"), None);
        assert_eq!(detect(b""), None);
    }

    #[test]
    fn attachment_kinds_are_the_required_documents_and_the_scan() {
        assert_eq!(AttachmentKind::ALL.len(), RequiredDocument::ALL.len() + 1);
        for d in RequiredDocument::ALL {
            assert!(AttachmentKind::ALL.contains(&AttachmentKind::Document(*d)));
            assert_ne!(d.code(), "scan");
        }
        assert_eq!(crate::from_stored::<AttachmentKind>("scan"), Some(AttachmentKind::Scan));
        assert_eq!(
            crate::from_stored::<AttachmentKind>("minutes"),
            Some(AttachmentKind::Document(RequiredDocument::Minutes))
        );
        assert_eq!(crate::from_stored::<AttachmentKind>("скан"), None);
        assert_eq!(serde_json::to_value(AttachmentKind::Scan).unwrap(), "scan");
        for o in AttachmentOwner::ALL {
            assert_eq!(serde_json::to_value(o).unwrap(), o.code());
        }
    }
}
