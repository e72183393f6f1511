//! Small text helpers shared by the models and rules.

/// How many trailing components of `path` equal the trailing entries of
/// `wanted` (`/srv/app/deploy/uwsgi.ini` against `deploy/uwsgi.ini`: 2):
/// how lint502 places a path a launcher names on the server inside the
/// repository.
pub fn common_tail(path: &std::path::Path, wanted: &[&str]) -> usize {
    let have: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    have.iter()
        .rev()
        .zip(wanted.iter().rev())
        .take_while(|(a, b)| a == *b)
        .count()
}

/// Edit distance between two strings, in characters: insertions, deletions,
/// substitutions and transpositions of neighbours each cost 1 (optimal
/// string alignment). Used for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    Near::new(a).distance_within(b, usize::MAX).unwrap_or(usize::MAX)
}

/// One word measured against many candidates ("did you mean"): the word's
/// characters and the rows of the distance table are kept between
/// candidates, and a candidate stops being measured as soon as it cannot be
/// within the limit. An unknown nginx directive is measured against every
/// known one, so this runs hundreds of times per unknown name.
pub struct Near {
    word: Vec<char>,
    cand: Vec<char>,
    /// Rows i-2, i-1 and i of the table (optimal string alignment needs
    /// two rows back for a transposition).
    rows: [Vec<usize>; 3],
}

impl Near {
    pub fn new(word: &str) -> Near {
        Near {
            word: word.chars().collect(),
            cand: Vec::new(),
            rows: [Vec::new(), Vec::new(), Vec::new()],
        }
    }

    /// The distance from the word to `cand` (as in [`edit_distance`]) when
    /// it is at most `limit`, else None.
    ///
    /// Stops early: the lengths alone differ by more than `limit`, or a whole
    /// row is above it. No later row can come back under the limit: each
    /// cell is at least the smallest of the row above (or, for a
    /// transposition, two rows above plus one, which is no less than the
    /// diagonal cell of the row above), and the first cell of row i is i.
    pub fn distance_within(&mut self, cand: &str, limit: usize) -> Option<usize> {
        self.cand.clear();
        self.cand.extend(cand.chars());
        let (a, b) = (&self.word, &self.cand);
        if a.len().abs_diff(b.len()) > limit {
            return None;
        }
        for row in &mut self.rows {
            row.clear();
            row.resize(b.len() + 1, 0);
        }
        for (j, cell) in self.rows[1].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            let [two_up, up, cur] = &mut self.rows;
            cur[0] = i;
            let mut row_min = i;
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut v = (up[j] + 1).min(cur[j - 1] + 1).min(up[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    v = v.min(two_up[j - 2] + 1);
                }
                cur[j] = v;
                row_min = row_min.min(v);
            }
            if row_min > limit {
                return None;
            }
            self.rows.rotate_left(1);
        }
        // After the last rotation the final row is rows[1].
        Some(self.rows[1][b.len()]).filter(|d| *d <= limit)
    }
}

/// Deterministic random texts for the parsers' "never panics, never rejects"
/// tests: `count` strings, each of 1 to `max_pieces` (a power of two, up to
/// 64) pieces drawn from `alphabet`, from a 64-bit LCG seeded with `seed`.
#[cfg(test)]
pub(crate) fn random_texts<'a>(
    mut seed: u64,
    count: usize,
    max_pieces: u32,
    alphabet: &'a [&'a str],
) -> impl Iterator<Item = String> + 'a {
    let shift = 64 - max_pieces.trailing_zeros();
    let mut step = move || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        seed
    };
    (0..count).map(move |_| {
        let len = (step() >> shift) as usize + 1;
        (0..len)
            .map(|_| alphabet[(step() >> 33) as usize % alphabet.len()])
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::{Near, edit_distance};

    #[test]
    fn distances() {
        assert_eq!(edit_distance("bind", "bnid"), 1);
        assert_eq!(edit_distance("workers", "worker"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("proxy_passs", "proxy_pass"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3);
        assert_eq!(edit_distance("abc", ""), 3);
    }

    /// The bounded measure agrees with the full table on every pair, whatever
    /// the limit: the early stops only drop candidates that are beyond it.
    #[test]
    fn bounded_distance_agrees_with_the_full_table() {
        fn full(a: &str, b: &str) -> usize {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in d[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let cost = usize::from(a[i - 1] != b[j - 1]);
                    let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        v = v.min(d[i - 2][j - 2] + 1);
                    }
                    d[i][j] = v;
                }
            }
            d[a.len()][b.len()]
        }
        let words: Vec<String> = super::random_texts(7, 300, 8, &["a", "b", "c", "ab", "é", "_"]).collect();
        for a in &words {
            let mut near = Near::new(a);
            for b in words.iter().take(60) {
                let want = full(a, b);
                for limit in 0..5 {
                    assert_eq!(
                        near.distance_within(b, limit),
                        (want <= limit).then_some(want),
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }
}
