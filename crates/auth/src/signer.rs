//! The keyed-once HMAC-SHA256 signer and its fixed-size output.
//!
//! HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)). Both `K ⊕ pad` blocks are
//! exactly one SHA-256 block, so their compressed states are computed once in
//! [`Signer::new`]. A signature then costs the message blocks plus a single
//! outer block, which is the least work HMAC-SHA256 can do.

use core::fmt;

use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};

const BLOCK: usize = 64;
const DIGEST: usize = 32;
/// Base64 of 32 bytes: 43 characters and one `=`.
pub(crate) const SIGNATURE_LEN: usize = 44;

/// SHA-256 initial hash value (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// The path OKX signs for a WebSocket login.
pub const WS_LOGIN_PATH: &str = "/users/self/verify";

/// An HMAC-SHA256 signer keyed once with the API secret.
///
/// Cloning copies 64 bytes of precomputed state; it is `Send + Sync` and can
/// be shared freely. Its `Debug` output never shows key material.
///
/// ```
/// use okx_auth::Signer;
///
/// let signer = Signer::new(b"22582BD0CFF14C41EDBF1AB98506286D");
/// let sig = signer.sign("2020-12-08T09:08:57.715Z", "GET", "/api/v5/account/balance", b"");
/// assert_eq!(sig.as_str(), "AkD5YszBhggtIyjDlmTy/9PpNVntel+1Lff8wh0qpQw=");
/// ```
#[derive(Clone)]
pub struct Signer {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Signer {
    /// Keys a signer with the raw secret bytes.
    ///
    /// OKX uses the secret's UTF-8 text as the key, not a hex decoding of it.
    pub fn new(secret: &[u8]) -> Self {
        let mut key = [0u8; BLOCK];
        if secret.len() > BLOCK {
            key[..DIGEST].copy_from_slice(&Sha256::digest(secret));
        } else {
            key[..secret.len()].copy_from_slice(secret);
        }
        let mut ipad = [0x36u8; BLOCK];
        let mut opad = [0x5cu8; BLOCK];
        for ((i, o), k) in ipad.iter_mut().zip(opad.iter_mut()).zip(key) {
            *i ^= k;
            *o ^= k;
        }
        let mut inner = H0;
        let mut outer = H0;
        compress(&mut inner, &ipad);
        compress(&mut outer, &opad);
        Signer { inner, outer }
    }

    /// Signs `timestamp + method + request_path + body` and returns the
    /// base64 signature OKX expects in `OK-ACCESS-SIGN`.
    ///
    /// `request_path` is the path with its query string exactly as sent;
    /// `body` is the exact request body (empty for GET). Nothing is
    /// allocated: the parts are copied into a stack buffer (or, for long
    /// bodies, streamed through a one-block buffer).
    pub fn sign(
        &self,
        timestamp: &str,
        method: &str,
        request_path: &str,
        body: &[u8],
    ) -> Signature {
        let parts = [
            timestamp.as_bytes(),
            method.as_bytes(),
            request_path.as_bytes(),
            body,
        ];
        let len = parts.iter().map(|p| p.len()).sum::<usize>();
        let inner = if len + 9 <= SHORT {
            self.inner_short(parts, len)
        } else {
            self.inner_long(parts)
        };

        self.finish(&inner)
    }

    /// The outer hash over the inner digest, base64-encoded.
    fn finish(&self, inner: &[u32; 8]) -> Signature {
        let mut block = OUTER_BLOCK;
        write_be(&mut block[..DIGEST], inner);
        let mut state = self.outer;
        compress(&mut state, &block);
        Signature::from_state(&state)
    }

    /// The inner hash of a message that fits, padded, in `SHORT` bytes:
    /// all its blocks go to one `compress256` call.
    fn inner_short(&self, parts: [&[u8]; 4], len: usize) -> [u32; 8] {
        let mut blocks = [Block::default(); SHORT / BLOCK];
        let mut at = 0;
        for part in parts {
            put(&mut blocks, at, part);
            at += part.len();
        }
        blocks[len / BLOCK][len % BLOCK] = 0x80;
        let n = (len + 9).div_ceil(BLOCK);
        blocks[n - 1][BLOCK - 8..].copy_from_slice(&bit_len(len));
        let mut state = self.inner;
        sha2::compress256(&mut state, &blocks[..n]);
        state
    }

    /// The inner hash of a message of any length.
    fn inner_long(&self, parts: [&[u8]; 4]) -> [u32; 8] {
        let mut h = Stream {
            state: self.inner,
            buf: [0; BLOCK],
            filled: 0,
            len: 0,
        };
        for part in parts {
            h.update(part);
        }
        h.finish()
    }

    /// Signs a WebSocket login: `unix_secs + "GET" + "/users/self/verify"`.
    ///
    /// `unix_secs` is Unix time in whole seconds as decimal text, unlike the
    /// ISO-8601 timestamp REST uses.
    pub fn sign_ws_login(&self, unix_secs: &str) -> Signature {
        // Every login until the year 2286 has a 10-digit time: then all of the
        // one inner block but the time is a constant.
        if unix_secs.len() == WS_LOGIN_SECS_LEN {
            let mut block = WS_LOGIN_BLOCK;
            block[..WS_LOGIN_SECS_LEN].copy_from_slice(unix_secs.as_bytes());
            let mut inner = self.inner;
            compress(&mut inner, &block);
            return self.finish(&inner);
        }
        self.sign(unix_secs, "GET", WS_LOGIN_PATH, b"")
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: <redacted> }")
    }
}

/// The outer message is the opad block plus the 32-byte inner digest: one
/// block whose padding and length never change. Copying it whole also lets
/// the CPU forward the wide stores to the compression's wide loads.
const OUTER_BLOCK: [u8; BLOCK] = {
    let mut block = [0u8; BLOCK];
    block[DIGEST] = 0x80;
    let bits = ((BLOCK + DIGEST) as u64 * 8).to_be_bytes();
    let mut i = 0;
    while i < 8 {
        block[BLOCK - 8 + i] = bits[i];
        i += 1;
    }
    block
};

/// Length of a Unix time in seconds between 2001 and 2286.
const WS_LOGIN_SECS_LEN: usize = 10;

/// The padded inner block of `secs + "GET" + WS_LOGIN_PATH` with the 10
/// bytes of `secs` left zero.
const WS_LOGIN_BLOCK: [u8; BLOCK] = {
    let mut block = [0u8; BLOCK];
    let method = b"GET";
    let path = WS_LOGIN_PATH.as_bytes();
    let mut at = WS_LOGIN_SECS_LEN;
    let mut i = 0;
    while i < method.len() {
        block[at] = method[i];
        at += 1;
        i += 1;
    }
    i = 0;
    while i < path.len() {
        block[at] = path[i];
        at += 1;
        i += 1;
    }
    block[at] = 0x80;
    let bits = ((BLOCK + at) as u64 * 8).to_be_bytes();
    i = 0;
    while i < 8 {
        block[BLOCK - 8 + i] = bits[i];
        i += 1;
    }
    block
};

/// Padded messages up to this size (every usual OKX request) are hashed
/// from one stack buffer; longer ones stream.
const SHORT: usize = 4 * BLOCK;

fn compress(state: &mut [u32; 8], block: &[u8]) {
    sha2::compress256(
        state,
        core::slice::from_ref(GenericArray::from_slice(block)),
    );
}

type Block = GenericArray<u8, sha2::digest::typenum::U64>;

/// Copies `data` into consecutive blocks starting at byte `at`.
fn put(blocks: &mut [Block], mut at: usize, mut data: &[u8]) {
    while !data.is_empty() {
        let (index, offset) = (at / BLOCK, at % BLOCK);
        let take = (BLOCK - offset).min(data.len());
        blocks[index][offset..offset + take].copy_from_slice(&data[..take]);
        at += take;
        data = &data[take..];
    }
}

fn write_be(out: &mut [u8], state: &[u32; 8]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

/// The SHA-256 length field for a message that follows the 64-byte key block.
fn bit_len(message_len: usize) -> [u8; 8] {
    ((message_len as u64 + BLOCK as u64) * 8).to_be_bytes()
}

/// SHA-256 over data fed in pieces, resuming from the state after the key
/// block.
struct Stream {
    state: [u32; 8],
    buf: [u8; BLOCK],
    filled: usize,
    /// Message bytes absorbed, not counting the key block.
    len: usize,
}

impl Stream {
    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len();
        if self.filled > 0 {
            let take = (BLOCK - self.filled).min(data.len());
            self.buf[self.filled..self.filled + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled < BLOCK {
                return;
            }
            compress(&mut self.state, &self.buf);
            self.filled = 0;
        }
        let mut blocks = data.chunks_exact(BLOCK);
        for block in &mut blocks {
            compress(&mut self.state, block);
        }
        let rest = blocks.remainder();
        self.buf[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    fn finish(mut self) -> [u32; 8] {
        self.buf[self.filled] = 0x80;
        self.buf[self.filled + 1..].fill(0);
        if self.filled + 1 > BLOCK - 8 {
            compress(&mut self.state, &self.buf);
            self.buf = [0; BLOCK];
        }
        self.buf[BLOCK - 8..].copy_from_slice(&bit_len(self.len));
        compress(&mut self.state, &self.buf);
        self.state
    }
}

/// A base64 HMAC-SHA256 signature: 44 ASCII bytes held inline, no heap.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    text: [u8; SIGNATURE_LEN],
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Every 12-bit value as its two base64 characters, first one in the low
/// byte (8 KiB): two lookups per three input bytes instead of four.
static PAIRS: [u16; 4096] = {
    let mut table = [0u16; 4096];
    let mut i = 0;
    while i < 4096 {
        table[i] = ALPHABET[i >> 6] as u16 | (ALPHABET[i & 63] as u16) << 8;
        i += 1;
    }
    table
};

/// Eight base64 characters of a 48-bit value, as little-endian bytes.
fn encode48(n: u64) -> [u8; 8] {
    let pair = |shift: u32| u64::from(PAIRS[(n >> shift) as usize & 0xfff]);
    (pair(36) | pair(24) << 16 | pair(12) << 32 | pair(0) << 48).to_le_bytes()
}

impl Signature {
    /// Encodes the MAC, given as the final SHA-256 state, as standard padded
    /// base64. Working on the state words directly skips writing the digest
    /// bytes out and reading them back.
    fn from_state(w: &[u32; 8]) -> Self {
        let w: [u64; 8] = w.map(u64::from);
        // Digest bytes 0..6, 6..12, ... are the words' big-endian bytes.
        let groups = [
            w[0] << 16 | w[1] >> 16,
            (w[1] & 0xffff) << 32 | w[2],
            w[3] << 16 | w[4] >> 16,
            (w[4] & 0xffff) << 32 | w[5],
            w[6] << 16 | w[7] >> 16,
        ];
        let mut text = [0u8; SIGNATURE_LEN];
        for (dst, n) in text.chunks_exact_mut(8).zip(groups) {
            dst.copy_from_slice(&encode48(n));
        }
        // The last two digest bytes make three characters and a `=`.
        let tail = encode48((w[7] & 0xffff) << 32);
        text[40..].copy_from_slice(&[tail[0], tail[1], tail[2], b'=']);
        Signature { text }
    }

    /// The signature as base64 text, ready for `OK-ACCESS-SIGN` or the WS
    /// login `sign` field.
    pub fn as_str(&self) -> &str {
        // Every byte comes from ALPHABET or is `=`, so this never fails.
        core::str::from_utf8(&self.text).unwrap_or_default()
    }
}

impl AsRef<str> for Signature {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({:?})", self.as_str())
    }
}

impl PartialEq<str> for Signature {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Signature {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(test)]
#[path = "signer_tests.rs"]
mod tests;
