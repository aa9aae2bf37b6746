//! QR codes as inline SVG: a certificate carries the address of its public verification page.

use qrcode::QrCode;
use qrcode::render::svg;

/// The QR code of `text` as an `<svg>` element (no XML declaration, no inline styles: it is
/// placed in a page under the content security policy); empty if the text is too long for one.
pub fn svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let image = code.render::<svg::Color<'_>>().min_dimensions(148, 148).quiet_zone(true).build();
    match image.find("<svg") {
        Some(at) => image[at..].to_owned(),
        None => image,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_address_becomes_an_svg_element() {
        let s = super::svg("https://metoda.example/verify/0123456789abcdef0123456789abcdef");
        assert!(s.starts_with("<svg"), "{}", &s[..40.min(s.len())]);
        assert!(s.contains("<path"));
        assert!(!s.contains("style="));
    }
}
