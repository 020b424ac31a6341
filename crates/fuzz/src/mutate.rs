//! The mutation engine: each case starts from a seed input (a recorded OKX
//! payload) and applies a few mutations. Some are blind (bit flips,
//! truncation, splices of another seed) and some know JSON's shape just
//! enough to reach deep: numbers are mangled where numbers are, strings are
//! swapped for awkward ones, values are nested thousands deep.

use crate::rng::Rng;

/// Text that tends to matter to OKX decoders.
const TOKENS: &[&[u8]] = &[
    b"\"books\"",
    b"\"books5\"",
    b"\"bbo-tbt\"",
    b"\"books-l2-tbt\"",
    b"\"books50-l2-tbt\"",
    b"\"tickers\"",
    b"\"trades\"",
    b"\"orders\"",
    b"\"snapshot\"",
    b"\"update\"",
    b"\"login\"",
    b"\"error\"",
    b"\"notice\"",
    b"\"subscribe\"",
    b"\"order\"",
    b"\"batch-orders\"",
    b"\"arg\"",
    b"\"data\"",
    b"\"action\"",
    b"\"channel\"",
    b"\"instId\"",
    b"\"asks\"",
    b"\"bids\"",
    b"\"seqId\"",
    b"\"prevSeqId\"",
    b"\"checksum\"",
    b"\"ts\"",
    b"\"code\"",
    b"\"msg\"",
    b"\"event\"",
    b"\"op\"",
    b"\"id\"",
    b"\"sCode\"",
    b"\"sMsg\"",
    b"\"0\"",
    b"\"\"",
    b"null",
    b"true",
    b"false",
    b"0",
    b"-1",
    b"[]",
    b"{}",
    b"[[\"1\",\"1\",\"0\",\"1\"]]",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"\"\\\"",
    b"\"\xff\"",
    b"\"\xc3\"",
    b"\"\xed\xa0\x80\"",
    b"\"pong\"",
    b"pong",
];

/// Numbers that break parsers.
fn number(rng: &mut Rng) -> Vec<u8> {
    let digits = |rng: &mut Rng, n: usize| -> Vec<u8> {
        (0..n).map(|_| b'0' + rng.below(10) as u8).collect()
    };
    match rng.below(14) {
        0 => {
            let mut v = vec![b'0'; rng.size(20_000)];
            v.extend_from_slice(b"30331.6");
            v
        }
        1 => {
            let n = rng.size(5_000);
            digits(rng, n)
        }
        2 => {
            let mut v = b"0.".to_vec();
            v.extend(std::iter::repeat_n(b'0', rng.size(5_000)));
            v.push(b'1');
            v
        }
        3 => b"1e999".to_vec(),
        4 => b"-0".to_vec(),
        5 => b".5".to_vec(),
        6 => b"5.".to_vec(),
        7 => Vec::new(),
        8 => b"18446744073709551616".to_vec(),
        9 => b"-9223372036854775809".to_vec(),
        10 => format!("{}e{}", rng.below(100), rng.below(400) as i64 - 200).into_bytes(),
        11 => b"1_000".to_vec(),
        12 => b"0x10".to_vec(),
        _ => {
            let (whole, fraction) = (1 + rng.below(30), 1 + rng.below(40));
            let mut v = digits(rng, whole);
            v.push(b'.');
            v.extend(digits(rng, fraction));
            v
        }
    }
}

/// Where each run of digits (with its sign, dot and exponent) starts and ends.
fn number_spans(input: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < input.len() {
        if input[i].is_ascii_digit()
            || (input[i] == b'-' && input.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            i += 1;
            while i < input.len()
                && matches!(input[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
            {
                i += 1;
            }
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// Where each string (quotes included) starts and ends, roughly: escapes
/// are honoured, nothing else is checked.
fn string_spans(input: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'"' {
            let start = i;
            i += 1;
            while i < input.len() && input[i] != b'"' {
                i += if input[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(input.len());
            spans.push((start, i));
        } else {
            i += 1;
        }
    }
    spans
}

/// Positions where a JSON value starts (after `:`, `[` or `,`).
fn value_starts(input: &[u8]) -> Vec<usize> {
    input
        .iter()
        .enumerate()
        .filter(|&(_, &b)| matches!(b, b':' | b'[' | b','))
        .map(|(i, _)| i + 1)
        .collect()
}

fn splice(input: &mut Vec<u8>, at: usize, remove: usize, with: &[u8]) {
    let at = at.min(input.len());
    let end = (at + remove).min(input.len());
    input.splice(at..end, with.iter().copied());
}

/// Applies one mutation; `others` are seeds to splice from.
fn mutate_once(input: &mut Vec<u8>, others: &[Vec<u8>], rng: &mut Rng) {
    let len = input.len();
    match rng.below(16) {
        // a flipped bit
        0 if len > 0 => {
            let i = rng.below(len);
            input[i] ^= 1 << rng.below(8);
        }
        // a byte that matters to a scanner
        1 if len > 0 => {
            let i = rng.below(len);
            input[i] = *rng.pick(&[
                0, 0x7f, 0x80, 0xff, b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'-', b'.',
                b'0', b'e', b' ', b'\n',
            ]);
        }
        // a range removed
        2 if len > 0 => {
            let at = rng.below(len);
            let n = rng.size(len - at);
            input.drain(at..at + n);
        }
        // a range repeated, sometimes many times (a flood of levels)
        3 if len > 0 => {
            let at = rng.below(len);
            let n = rng.size((len - at).min(4096));
            let chunk = input[at..at + n].to_vec();
            let times = if rng.one_in(8) { rng.size(2_000) } else { 1 };
            let insert: Vec<u8> = chunk.iter().copied().cycle().take(n * times).collect();
            splice(input, at, 0, &insert);
        }
        // random bytes
        4 => {
            let at = rng.below(len + 1);
            let bytes: Vec<u8> = (0..rng.size(16)).map(|_| rng.bits() as u8).collect();
            splice(input, at, 0, &bytes);
        }
        // a token inserted or put in place of a string
        5 => {
            let token = *rng.pick(TOKENS);
            let strings = string_spans(input);
            if !strings.is_empty() && rng.one_in(2) {
                let (s, e) = *rng.pick(&strings);
                splice(input, s, e - s, token);
            } else {
                let at = rng.below(len + 1);
                splice(input, at, 0, token);
            }
        }
        // a piece of another seed
        6 if !others.is_empty() => {
            let other = rng.pick(others);
            if !other.is_empty() {
                let from = rng.below(other.len());
                let n = rng.size(other.len() - from);
                let at = rng.below(len + 1);
                let remove = if rng.one_in(2) {
                    rng.size((len - at).max(1))
                } else {
                    0
                };
                splice(input, at, remove, &other[from..from + n]);
            }
        }
        // cut short
        7 if len > 0 => input.truncate(rng.below(len)),
        // a number mangled
        8 | 9 => {
            let spans = number_spans(input);
            if !spans.is_empty() {
                let (s, e) = *rng.pick(&spans);
                let n = number(rng);
                splice(input, s, e - s, &n);
            }
        }
        // a value nested deep
        10 => {
            let starts = value_starts(input);
            let at = if starts.is_empty() {
                0
            } else {
                *rng.pick(&starts)
            };
            let depth = rng.size(100_000);
            let (open, close): (&[u8], &[u8]) = if rng.one_in(2) {
                (b"[", b"]")
            } else {
                (b"{\"a\":", b"}")
            };
            let mut nest = open.repeat(depth);
            nest.extend_from_slice(b"1");
            if !rng.one_in(4) {
                nest.extend(close.repeat(depth));
            }
            splice(input, at, 0, &nest);
        }
        // a string's content swapped for awkward text
        11 => {
            let strings = string_spans(input);
            if !strings.is_empty() {
                let (s, e) = *rng.pick(&strings);
                const AWKWARD: [&[u8]; 9] = [
                    b"\\u0000",
                    b"\\ud800",
                    b"\\q",
                    b"\xff",
                    b"\xe2\x82",
                    b"a\\\"b",
                    b"\\/",
                    b"caf\xc3\xa9",
                    b"\x01",
                ];
                let inner = *rng.pick(&AWKWARD);
                let mut text = vec![b'"'];
                text.extend_from_slice(inner);
                text.push(b'"');
                splice(input, s, e - s, &text);
            }
        }
        // whitespace where OKX never puts it
        12 => {
            let at = rng.below(len + 1);
            const SPACES: [&[u8]; 5] = [b" ", b"\n", b"\t", b"\r\n", b"  \n  "];
            let space = *rng.pick(&SPACES);
            splice(input, at, 0, space);
        }
        // one whole other seed appended (a second frame or line)
        13 if !others.is_empty() => {
            let other = rng.pick(others).clone();
            input.push(b'\n');
            input.extend_from_slice(&other);
        }
        // two bytes swapped
        14 if len > 1 => {
            let (a, b) = (rng.below(len), rng.below(len));
            input.swap(a, b);
        }
        // a digit changed in place (a sequence number off by some)
        _ => {
            let spans = number_spans(input);
            if !spans.is_empty() {
                let (s, e) = *rng.pick(&spans);
                let i = s + rng.below(e - s);
                if input[i].is_ascii_digit() {
                    input[i] = b'0' + rng.below(10) as u8;
                }
            }
        }
    }
}

/// Case `index` of a run: a seed with one to eight mutations, or (now and
/// then) the seed itself.
pub fn case(seeds: &[Vec<u8>], seed: u64, index: u64) -> Vec<u8> {
    let mut rng = Rng::for_case(seed, index);
    if seeds.is_empty() {
        return Vec::new();
    }
    let mut input = rng.pick(seeds).clone();
    if rng.one_in(64) {
        return input;
    }
    let rounds = 1 + rng.below(4) + if rng.one_in(4) { rng.below(5) } else { 0 };
    for _ in 0..rounds {
        mutate_once(&mut input, seeds, &mut rng);
        // Large enough for a flood of levels or a deep nest; small enough
        // that a case stays quick.
        input.truncate(MAX_INPUT);
    }
    input
}

/// The largest input a case grows to.
pub const MAX_INPUT: usize = 2 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_is_the_same_every_time() {
        let seeds = vec![br#"{"a":[1,"x",-2.5]}"#.to_vec(), b"[true]".to_vec()];
        for i in 0..200 {
            assert_eq!(case(&seeds, 7, i), case(&seeds, 7, i));
        }
        let distinct: std::collections::HashSet<Vec<u8>> =
            (0..200).map(|i| case(&seeds, 7, i)).collect();
        assert!(distinct.len() > 150, "mutations vary: {}", distinct.len());
    }

    #[test]
    fn numbers_and_strings_are_found() {
        let text = br#"{"px":"30236.1","n":-12,"e":1e5,"s":"a\"b"}"#;
        let spans: Vec<&[u8]> = number_spans(text)
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect();
        assert_eq!(spans, [&b"30236.1"[..], b"-12", b"1e5"]);
        let strings: Vec<&[u8]> = string_spans(text)
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect();
        assert!(strings.contains(&&br#""a\"b""#[..]));
    }
}
