//! Source files as lint502 read them: the bytes, a text view with the same
//! byte offsets, and line starts for rendering.

use std::path::{Path, PathBuf};

/// Index of a file in a [`SourceDb`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one file. Offsets are into the original bytes, which are
/// also the offsets into [`SourceFile::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp_u32(start),
            end: clamp_u32(end),
        }
    }
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    /// The smallest span covering both (same file assumed).
    pub fn to(&self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

fn clamp_u32(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The byte that stands in, in [`SourceFile::text`], for each byte of an
/// invalid UTF-8 sequence. nginx reads bytes, not characters, so a Latin-1
/// comment must not stop the parse. SUB (0x1A) is an ordinary word byte for
/// nginx (not whitespace, not a quote, brace, `;`, `#`, `\` or `$`), so the
/// substitution changes neither tokens nor offsets.
pub const INVALID_BYTE_STANDIN: char = '\u{1A}';

/// Read a file whole, refusing one larger than [`crate::discover::MAX_FILE_SIZE`]
/// with a one-line reason (the size is checked before reading, so a 100 MB
/// file costs nothing). Every loader reads through here.
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let limit = crate::discover::MAX_FILE_SIZE;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file; not read".into());
    }
    if meta.len() > limit {
        return Err(format!(
            "file is {} bytes, larger than the {limit} byte limit; not read",
            meta.len()
        ));
    }
    use std::io::Read;
    let mut bytes = Vec::new();
    // `take` guards against a file that grew since `metadata`.
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!("file is larger than the {limit} byte limit; not read"));
    }
    Ok(bytes)
}

/// A UTF-16 byte-order mark at the start of `bytes` (`FF FE`: little-endian,
/// `FE FF`: big-endian), as Windows editors and PowerShell's `>` redirection
/// write. nginx, Node and CPython read their files as bytes or UTF-8 and
/// refuse such a file; pip decodes it (see [`decode_utf16`]).
pub fn utf16_bom(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        // `FF FE 00 00` is UTF-32 LE's mark: not UTF-16.
        [0xFF, 0xFE, 0, 0, ..] => None,
        [0xFF, 0xFE, ..] => Some("UTF-16 LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16 BE"),
        _ => None,
    }
}

/// The text of a UTF-16 file with a byte-order mark, as UTF-8 bytes without
/// the mark (unpaired surrogates become U+FFFD; an odd trailing byte is
/// dropped). This is what pip does with a requirements file
/// (`pip/_internal/utils/encoding.py`, `auto_decode`: BOMs for UTF-8, UTF-16
/// and UTF-32 are honoured). None when `bytes` has no UTF-16 mark.
pub fn decode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let big = utf16_bom(bytes)? == "UTF-16 BE";
    let units = bytes[2..].chunks_exact(2).map(|c| {
        let pair = [c[0], c[1]];
        if big {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    Some(
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect::<String>()
            .into_bytes(),
    )
}

/// One file read from disk (or given in memory by tests).
#[derive(Debug)]
pub struct SourceFile {
    /// Path as given / found (used to read includes relative to it).
    pub path: PathBuf,
    /// Path shown to users (relative to the working directory when possible).
    pub display: String,
    /// The file's bytes exactly as on disk.
    pub bytes: Vec<u8>,
    /// The bytes as text: identical to `bytes` when they are valid UTF-8,
    /// otherwise every byte of an invalid sequence is [`INVALID_BYTE_STANDIN`].
    pub text: String,
    /// Whether some bytes were not valid UTF-8.
    pub lossy: bool,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(path: PathBuf, display: String, bytes: Vec<u8>) -> SourceFile {
        let (text, lossy) = same_length_text(&bytes);
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            display,
            bytes,
            text,
            lossy,
            line_starts,
        }
    }

    /// 0-based line index of a byte offset.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let li = self.line_index(offset);
        let start = self.line_starts[li];
        let col = self
            .text
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        (li + 1, col + 1)
    }

    pub fn line_starts(&self) -> &[usize] {
        &self.line_starts
    }
}

/// Text with the same byte length as `bytes`; see [`INVALID_BYTE_STANDIN`].
pub fn same_length_text(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for _ in chunk.invalid() {
                    out.push(INVALID_BYTE_STANDIN);
                }
            }
            (out, true)
        }
    }
}

/// All files of one run.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    pub fn new() -> SourceDb {
        SourceDb::default()
    }
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(|i| FileId(i as u32))
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A path as shown to users: relative to the working directory when it is
/// below it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_owned).unwrap_or(s)
}
