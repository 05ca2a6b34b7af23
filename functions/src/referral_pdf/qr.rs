//! The QR code of the verification URL, drawn as filled squares (the `qrcode` crate encodes;
//! nothing here knows QR's format).

use krilla::geom::{PathBuilder, Rect};
use krilla::surface::Surface;
use qrcode::{Color, EcLevel, QrCode};

use crate::error::{Error, Result};

/// Draws the QR code of `text` with its top-left corner at (`x`, `y`), `size` points wide
/// including the quiet zone of 4 modules the standard asks for (the page is white).
pub fn draw(surface: &mut Surface<'_>, text: &str, x: f32, y: f32, size: f32) -> Result<()> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| Error::internal(format!("the QR code of {text:?}: {e}")))?;
    let width = code.width();
    let module = size / (width + 8) as f32;
    let mut path = PathBuilder::new();
    for (index, color) in code.to_colors().iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (row, column) = (index / width, index % width);
        let left = x + (column + 4) as f32 * module;
        let top = y + (row + 4) as f32 * module;
        if let Some(rect) = Rect::from_xywh(left, top, module, module) {
            path.push_rect(rect);
        }
    }
    let path = path.finish().ok_or_else(|| Error::internal("an empty QR code"))?;
    surface.set_fill(Some(krilla::paint::Fill::default()));
    surface.draw_path(&path);
    Ok(())
}
