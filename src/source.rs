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
