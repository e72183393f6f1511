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
    use super::edit_distance;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("bind", "bnid"), 1);
        assert_eq!(edit_distance("workers", "worker"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("proxy_passs", "proxy_pass"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
    }
}
