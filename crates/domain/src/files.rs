//! Uploaded files: the type is told by the content, never by the name.

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
    "Файл не принят: загрузите PDF, JPEG, PNG, DOCX, XLSX или ODT (тип определяется по содержимому файла)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(detect(b"%PDF-1.7 ...").map(|t| t.1), Some("PDF"));
        assert_eq!(detect(b"\xFF\xD8\xFF\xE0....").map(|t| t.1), Some("JPEG"));
        assert_eq!(detect(b"PK\x03\x04....word/document.xml").map(|t| t.1), Some("DOCX"));
        assert_eq!(detect(b"PK\x03\x04....something.bin"), None, "a ZIP that is no document");
        assert_eq!(detect(b"MZ\x90\x00 an executable named scan.pdf"), None);
        assert_eq!(detect(b""), None);
    }
}
