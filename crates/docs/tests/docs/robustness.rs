//! Whatever is uploaded, the reader answers with rows or a refusal: never a panic, never a hang.

use std::io::{Cursor, Write};

use metoda_docs::import::{Refusal, read_teachers};
use zip::write::SimpleFileOptions;

use crate::{C, TODAY, srow, xlsx};

/// Any answer but a panic caught by the reader's safety net.
fn answers(bytes: &[u8]) -> Result<usize, Refusal> {
    let result = read_teachers(bytes, "upload", TODAY);
    if let Err(Refusal::Damaged { detail, .. }) = &result {
        assert_ne!(detail, "reader panicked");
    }
    if let Err(e) = &result {
        assert!(!e.to_string().is_empty());
    }
    result.map(|s| s.rows.len())
}

/// A tiny deterministic generator (no dependency for random bytes).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u8 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as u8
    }
}

fn good_xlsx() -> Vec<u8> {
    xlsx(&[
        srow(&["ФИО", "Дата рождения", "ОО", "Должность", "Стаж"]),
        vec![C::S("Иванова Мария Петровна"), C::D(1980, 3, 15), C::S("СОШ № 1"), C::S("учитель"), C::N(12.0)],
        vec![C::S("Петров Иван"), C::D(1990, 1, 2), C::S("СОШ № 2"), C::S("учитель"), C::S("01.09.2012")],
    ])
}

#[test]
fn truncated_and_corrupted_xlsx() {
    let good = good_xlsx();
    assert_eq!(answers(&good).unwrap(), 2);
    for len in (0..good.len()).step_by(37) {
        let _ = answers(&good[..len]);
    }
    let mut rng = Lcg(7);
    for _ in 0..200 {
        let mut bad = good.clone();
        for _ in 0..8 {
            let i = usize::from(rng.next()) * usize::from(rng.next()) % bad.len();
            bad[i] = rng.next();
        }
        let _ = answers(&bad);
    }
}

#[test]
fn random_bytes_and_odd_texts() {
    let mut rng = Lcg(42);
    for len in [1usize, 2, 3, 4, 10, 100, 1000, 10_000] {
        let bytes: Vec<u8> = (0..len).map(|_| rng.next()).collect();
        let _ = answers(&bytes);
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend(&bytes);
        let _ = answers(&zipish);
    }
    let odd: &[&[u8]] = &[
        b"",
        b"   \n\n ",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        "ФИО".as_bytes(),
        "ФИО;Дата рождения;ОО;Должность\n\"Иванова;15.03.1980;СОШ;учитель\n".as_bytes(), // unbalanced quote
        "ФИО;Дата рождения;ОО;Должность\nИванова;15.03.1980;СОШ;учитель;лишнее;ещё\nПетров\n".as_bytes(),
        "ФИО;Дата рождения;ОО;Должность\n;;;\n".as_bytes(),
        b";;;;\n;;;;\n",
        "\"\"\"\"\"\"".as_bytes(),
        b"=cmd",
        b"-",
        b"%PDF-1.7\n...",
        b"<html><body><table><tr><td>x</td></tr></table></body></html>",
        b"{\\rtf1\\ansi}",
    ];
    for bytes in odd {
        let _ = answers(bytes);
    }
    // one column: only names
    assert!(matches!(answers("ФИО\nИванова Мария\n".as_bytes()), Err(Refusal::MissingColumns { .. })));
    // a header only
    assert_eq!(answers("ФИО;Дата рождения;ОО;Должность\n".as_bytes()), Err(Refusal::NoRows));
}

#[test]
fn what_is_not_a_table_is_named() {
    assert!(matches!(answers(b""), Err(Refusal::Empty { .. })));
    let err = read_teachers(b"%PDF-1.7 ...", "Приказ.pdf", TODAY).unwrap_err();
    assert!(matches!(err, Refusal::NotATable { .. }));
    assert!(err.to_string().starts_with("Файл «Приказ.pdf» не похож на таблицу Excel (XLSX) или CSV"), "{err}");
    let xls = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0];
    let err = read_teachers(&xls, "bank.xls", TODAY).unwrap_err();
    assert!(matches!(err, Refusal::OldExcel { .. }));
    assert!(err.to_string().contains("сохраните как «Книга Excel (*.xlsx)»"), "{err}");
    // a Word document is a ZIP too
    let docx = metoda_docs::order_docx::order_docx(&Default::default()).unwrap();
    assert!(matches!(answers(&docx), Err(Refusal::NotATable { .. })));
    // an OpenDocument spreadsheet
    let ods = zip_of(&[("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec(), true)]);
    assert!(matches!(answers(&ods), Err(Refusal::OpenDocument { .. })));
    // too big a file
    let big = vec![b'a'; metoda_docs::import::MAX_BYTES + 1];
    assert!(matches!(answers(&big), Err(Refusal::TooLarge { .. })));
}

/// A ZIP of (name, content, stored?) entries.
fn zip_of(entries: &[(&str, Vec<u8>, bool)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content, stored) in entries {
        let method = if *stored { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        w.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
        w.write_all(content).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn zip_bombs_are_refused_before_unpacking() {
    // one entry of 2 MB of zeros: compressed about a thousand times
    let bomb = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>".to_vec(), false),
        ("xl/worksheets/sheet1.xml", vec![0u8; 2 * 1024 * 1024], false),
    ]);
    let err = answers(&bomb).unwrap_err();
    let Refusal::SuspiciousCompression { entry, ratio, .. } = &err else { panic!("{err:?}") };
    assert_eq!(entry, "xl/worksheets/sheet1.xml");
    assert!(*ratio > 100);
    assert!(err.to_string().contains("сжат подозрительно сильно"), "{err}");

    // a central directory that promises 250 MB at a modest ratio
    let mut bytes = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>".to_vec(), true),
        ("xl/worksheets/sheet1.xml", b"<worksheet/>".to_vec(), true),
    ]);
    let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[cd + 20..cd + 24].copy_from_slice(&(5_000_000u32).to_le_bytes()); // compressed
    bytes[cd + 24..cd + 28].copy_from_slice(&(250_000_000u32).to_le_bytes()); // uncompressed
    let err = answers(&bytes).unwrap_err();
    assert!(matches!(err, Refusal::TooLargeUnpacked { unpacked, .. } if unpacked > 200 * 1024 * 1024), "{err:?}");
    assert!(err.to_string().contains("распаковывается в"), "{err}");
}
