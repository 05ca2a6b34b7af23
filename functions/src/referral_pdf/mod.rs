//! The referral as a PDF (seed step 14, "General documents"): the paper in Kazakh and
//! Russian with the referral's number, child's IIN, kindergarten, group, language, address,
//! dates, the signer's name and certificate serial, and a QR code of its public
//! verification URL ([`crate::commands::referral_verify`]).
//!
//! `krilla` writes the PDF and subsets the embedded font to the glyphs used; the font is
//! DejaVu Sans, vendored in `fonts/` already cut down to Latin and Cyrillic (Kazakh's
//! ә ғ қ ң ө ұ ү һ і included; `fonts/LICENSE` says how), so the Lambda carries ~80 KB of it.

mod qr;
mod texts;

use krilla::color::luma;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use crate::commands::referral_verify::Paper;
use crate::error::{Error, Result};
use texts::Both;

const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans-subset.ttf");
const BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold-subset.ttf");

/// A4 in points.
const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const QR_SIZE: f32 = 150.0;

/// The variable that holds the verification page's URL, e.g.
/// `https://pages.example.kz/verify.html`; the QR code opens `<it>#<code>`.
pub const VERIFY_URL_VARIABLE: &str = "KEZEK_VERIFY_URL";

/// The verification page's URL from the configuration (`KEZEK_VERIFY_URL`).
pub fn verify_page() -> Result<String> {
    std::env::var("KEZEK_VERIFY_URL")
        .ok()
        .map(|url| url.trim().to_owned())
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .ok_or_else(|| Error::internal("set KEZEK_VERIFY_URL (the verification page's URL)"))
}

/// The URL the paper's QR code holds.
pub fn verify_url(page: &str, code: &str) -> String {
    format!("{page}#{code}")
}

/// The PDF of `paper`, its QR code opening `verify_url`.
pub fn render(paper: &Paper, verify_url: &str) -> Result<Vec<u8>> {
    let font = |data: &'static [u8]| {
        Font::new(data.into(), 0).ok_or_else(|| Error::internal("the embedded font does not load"))
    };
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} / {} № {}", texts::TITLE.0, texts::TITLE.1, paper.document.number))
            .language("kk".to_owned())
            .creator("kezek".to_owned()),
    );
    let mut page = document.start_page_with(
        PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| Error::internal("page size"))?,
    );
    let mut surface = page.surface();
    let mut writer =
        Writer { surface: &mut surface, regular: font(REGULAR)?, bold: font(BOLD)?, y: MARGIN };
    writer.heading(paper);
    writer.fields(paper);
    let qr_top = writer.y + 8.0;
    qr::draw(writer.surface, verify_url, MARGIN - 12.0, qr_top, QR_SIZE)?;
    writer.y = qr_top + QR_SIZE + 6.0;
    writer.text(texts::VERIFY.0, 8.5, false, 90);
    writer.text(texts::VERIFY.1, 8.5, false, 90);
    writer.wrapped(verify_url, 8.0, 95);
    surface.finish();
    page.finish();
    document.finish().map_err(|e| Error::internal(format!("the referral PDF: {e:?}")))
}

/// Lines from the top of the page down.
struct Writer<'a, 'b> {
    surface: &'a mut Surface<'b>,
    regular: Font,
    bold: Font,
    y: f32,
}

impl Writer<'_, '_> {
    fn text(&mut self, text: &str, size: f32, bold: bool, gray: u8) {
        self.y += size * 1.35;
        let font = if bold { self.bold.clone() } else { self.regular.clone() };
        self.surface
            .set_fill(Some(Fill { paint: luma::Color::new(gray).into(), ..Fill::default() }));
        self.surface.draw_text(
            Point::from_xy(MARGIN, self.y),
            font,
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn label(&mut self, label: Both) {
        self.y += 6.0;
        self.text(&format!("{} / {}", label.0, label.1), 8.5, false, 90);
    }

    /// `text` in lines of at most `chars` characters (broken at spaces where it can).
    fn wrapped(&mut self, text: &str, size: f32, chars: usize) {
        for line in lines(text, chars) {
            self.text(&line, size, false, 0);
        }
    }

    fn field(&mut self, label: Both, value: &str) {
        self.label(label);
        self.wrapped(value, 11.0, 70);
    }

    fn heading(&mut self, paper: &Paper) {
        self.text(texts::TITLE.0, 16.0, true, 0);
        self.text(texts::TITLE.1, 16.0, true, 0);
        self.y += 4.0;
        self.label(texts::NUMBER);
        self.text(&paper.document.number, 12.0, true, 0);
    }

    fn fields(&mut self, paper: &Paper) {
        let document = &paper.document;
        let evidence = &document.evidence;
        let language = texts::language(&document.language);
        let status = texts::status(paper.verification.status);
        self.field(texts::CHILD, &document.child_iin);
        self.label(texts::KINDERGARTEN);
        self.wrapped(&document.kindergarten_name_kk, 11.0, 70);
        self.wrapped(&document.kindergarten_name_ru, 11.0, 70);
        self.field(texts::ADDRESS, &document.address);
        self.field(texts::GROUP, &document.group_name);
        self.field(texts::LANGUAGE, &format!("{} / {}", language.0, language.1));
        self.field(texts::ISSUED, &paper.issued_date.format("%d.%m.%Y").to_string());
        let last = paper.verification.last_valid_date.format("%d.%m.%Y").to_string();
        self.field(texts::VALID_UNTIL, &last);
        self.field(texts::STATUS, &format!("{} / {}", status.0, status.1));
        let name = evidence.signer_name.as_deref().unwrap_or("—");
        self.field(texts::SIGNER, &format!("{name} ({})", evidence.signer_iin));
        self.field(texts::SERIAL, evidence.certificate_serial.as_deref().unwrap_or("—"));
    }
}

/// `text` broken into lines of at most `chars` characters, at spaces where there are any.
fn lines(text: &str, chars: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > chars {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..chars).collect());
        }
        let word: String = word.into_iter().collect();
        let fits = line.chars().count() + 1 + word.chars().count() <= chars;
        if line.is_empty() || !fits {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = word;
        } else {
            line.push(' ');
            line.push_str(&word);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn long_values_break_at_spaces_and_long_words_anywhere() {
        assert_eq!(lines("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(lines("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(lines("", 4), Vec::<String>::new());
    }
}
