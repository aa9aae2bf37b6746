//! CSV: encoding, delimiter, formula injection.
//!
//! Russian Excel saves «CSV (разделители — точки с запятой)» in Windows-1251 with `;`; «CSV UTF-8»
//! with a BOM; «Текст Юникод» as UTF-16 with tabs. All of these are read. A text that is not
//! UTF-8 is decoded as Windows-1251 only if its header then names known columns (checked in
//! `build`); otherwise the file is refused as of unknown encoding.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1251};

use super::{RawRow, RawSheet, Refusal, STORED_ROWS_CAP, Value, cell_address};

pub(super) fn read(bytes: &[u8], file_name: &str) -> Result<RawSheet, Refusal> {
    let (text, guessed_encoding) = decode(bytes);
    let delimiter = detect_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut sheet = RawSheet { guessed_encoding, ..RawSheet::default() };
    // Excel shows one row per record, but `csv` skips blank lines and a quoted field may span
    // lines: the row a user sees is 1 + the line breaks before the record's first character,
    // minus the line breaks inside the fields of the records before it.
    let bytes = text.as_bytes();
    let mut breaks_inside_fields = 0usize;
    let mut breaks_before = 0usize;
    let mut counted_up_to = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(Refusal::Damaged { file_name: file_name.to_string(), detail: e.to_string() });
            }
        }
        let mut start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        while bytes.get(start).is_some_and(|b| *b == b'\r' || *b == b'\n') {
            start += 1;
        }
        if let Some(skipped) = bytes.get(counted_up_to..start) {
            breaks_before += skipped.iter().filter(|b| **b == b'\n').count();
            counted_up_to = start;
        }
        let row = (breaks_before + 1).saturating_sub(breaks_inside_fields).max(1);
        let keep = sheet.rows.len() < STORED_ROWS_CAP;
        let mut cells = Vec::new();
        let mut any = false;
        for (col, field) in record.iter().enumerate() {
            breaks_inside_fields += field.matches('\n').count();
            let value = field.trim();
            if value.is_empty() {
                continue;
            }
            if is_formula(value) {
                return Err(Refusal::Formula { cell: cell_address(row - 1, col) });
            }
            any = true;
            if keep {
                cells.push((col, Value::Text(value.to_string())));
            }
        }
        if !any {
            continue;
        }
        if keep {
            sheet.rows.push(RawRow { row, cells });
        } else {
            sheet.uncounted_rows += 1; // beyond what we keep: only counted for the message
        }
    }
    Ok(sheet)
}

/// The text and whether its encoding was a guess (Windows-1251).
fn decode(bytes: &[u8]) -> (String, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return (String::from_utf8_lossy(rest).into_owned(), false);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), false);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), false);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned(), true),
    }
}

/// `;` (Russian Excel's default), tab or `,`: whichever the first non-empty line has most of
/// outside quotes; `;` when none.
fn detect_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' | '\t' | ',' if !quoted => {
                for (d, n) in counts.iter_mut() {
                    if char::from(*d) == c {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    // max_by_key keeps the last of equal maxima; iterate in reverse so ties go to `;`, then tab
    counts.iter().rev().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b';', |(d, _)| *d)
}

/// A cell a spreadsheet would run as a formula («=», «@», or «+»/«-» followed by text rather than
/// a number). «+7 (3822) 12-34-56», «-5», «-» and «--» are data.
pub(super) fn is_formula(value: &str) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else { return false };
    let rest = chars.as_str().trim_start();
    match first {
        '=' | '@' => !rest.is_empty(),
        '+' | '-' => {
            if !rest.chars().any(char::is_alphanumeric) {
                return false;
            }
            let numeric_start = rest.starts_with(|c: char| c.is_ascii_digit())
                || (rest.starts_with('(') && rest.chars().nth(1).is_some_and(|c| c.is_ascii_digit()));
            !numeric_start || rest.contains(['|', '!', '='])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_and_phone_numbers() {
        for f in ["=1+2", "=СУММ(A1:A3)", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "-A1", "+ A1"]
        {
            assert!(is_formula(f), "{f}");
        }
        for d in ["+7 (3822) 12-34-56", "-5", "-", "--", "+7(913)1234567", "+(3822) 12-34-56", "=", "Иванова", "12-34"]
        {
            assert!(!is_formula(d), "{d}");
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("ФИО;Дата рождения;ОО"), b';');
        assert_eq!(detect_delimiter("ФИО,Дата рождения,ОО"), b',');
        assert_eq!(detect_delimiter("ФИО\tДата рождения\tОО"), b'\t');
        assert_eq!(detect_delimiter("\n\n\"Фамилия, имя\";ОО"), b';');
        assert_eq!(detect_delimiter("ФИО"), b';');
        assert_eq!(detect_delimiter(""), b';');
    }

    #[test]
    fn encodings() {
        let (s, guessed) = decode("\u{feff}ФИО".as_bytes());
        assert_eq!((s.as_str(), guessed), ("ФИО", false));
        let (bytes, _, _) = WINDOWS_1251.encode("ФИО;ОО");
        let (s, guessed) = decode(&bytes);
        assert_eq!((s.as_str(), guessed), ("ФИО;ОО", true));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("ФИО\tОО".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&utf16).0, "ФИО\tОО");
    }
}
