//! The keyed-once HMAC-SHA256 signer and its fixed-size output.
//!
//! HMAC(K, m) = H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)). Both `K ⊕ pad` blocks are
//! exactly one SHA-256 block, so their compressed states are computed once in
//! [`Signer::new`]. A signature then costs the message blocks plus a single
//! outer block, which is the least work HMAC-SHA256 can do.

use core::fmt;

use sha2::digest::generic_array::GenericArray;
use sha2::digest::typenum::U64;
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
    /// `body` is the exact request body (empty for GET). The four parts are
    /// streamed through one block buffer, never concatenated, and nothing is
    /// allocated.
    pub fn sign(
        &self,
        timestamp: &str,
        method: &str,
        request_path: &str,
        body: &[u8],
    ) -> Signature {
        let mut h = Stream::new(self.inner);
        h.update(timestamp.as_bytes());
        h.update(method.as_bytes());
        h.update(request_path.as_bytes());
        h.update(body);
        let inner = h.finish();

        // The outer message is the opad block plus the 32-byte inner digest:
        // one block whose padding and length never change.
        let mut block = Block::default();
        write_be(&mut block[..DIGEST], &inner);
        block[DIGEST] = 0x80;
        block[BLOCK - 8..].copy_from_slice(&(((BLOCK + DIGEST) as u64) * 8).to_be_bytes());
        let mut state = self.outer;
        sha2::compress256(&mut state, core::slice::from_ref(&block));
        let mut mac = [0u8; DIGEST];
        write_be(&mut mac, &state);
        Signature::encode(&mac)
    }

    /// Signs a WebSocket login: `unix_secs + "GET" + "/users/self/verify"`.
    ///
    /// `unix_secs` is Unix time in whole seconds as decimal text, unlike the
    /// ISO-8601 timestamp REST uses.
    pub fn sign_ws_login(&self, unix_secs: &str) -> Signature {
        self.sign(unix_secs, "GET", WS_LOGIN_PATH, b"")
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: <redacted> }")
    }
}

fn compress(state: &mut [u32; 8], block: &[u8; BLOCK]) {
    sha2::compress256(state, core::slice::from_ref(Block::from_slice(block)));
}

fn write_be(out: &mut [u8], state: &[u32; 8]) {
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
}

type Block = GenericArray<u8, U64>;

/// Blocks gathered before one `compress256` call. Messages up to
/// `BATCH * 64 - 9` bytes (every usual OKX request) cost a single call for
/// the whole inner hash, which saves loading and storing the state per block.
const BATCH: usize = 4;

/// SHA-256 over data fed in pieces, resuming from a precomputed state that
/// already absorbed one 64-byte block.
struct Stream {
    state: [u32; 8],
    blocks: [Block; BATCH],
    /// Bytes waiting in `blocks`.
    filled: usize,
    /// Bytes absorbed, including the key block.
    len: u64,
}

impl Stream {
    fn new(state: [u32; 8]) -> Self {
        Stream {
            state,
            blocks: Default::default(),
            filled: 0,
            len: BLOCK as u64,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        while !data.is_empty() {
            let (index, offset) = (self.filled / BLOCK, self.filled % BLOCK);
            let take = (BLOCK - offset).min(data.len());
            self.blocks[index][offset..offset + take].copy_from_slice(&data[..take]);
            self.filled += take;
            data = &data[take..];
            if self.filled == BATCH * BLOCK {
                sha2::compress256(&mut self.state, &self.blocks);
                self.filled = 0;
            }
        }
    }

    fn finish(mut self) -> [u32; 8] {
        let (mut index, offset) = (self.filled / BLOCK, self.filled % BLOCK);
        self.blocks[index][offset] = 0x80;
        self.blocks[index][offset + 1..].fill(0);
        // The 8-byte length needs a fresh block when the 0x80 landed past byte 55.
        if offset + 1 > BLOCK - 8 {
            if index + 1 == BATCH {
                sha2::compress256(&mut self.state, &self.blocks);
                index = 0;
            } else {
                index += 1;
            }
            self.blocks[index].fill(0);
        }
        let bits = self.len.wrapping_mul(8).to_be_bytes();
        self.blocks[index][BLOCK - 8..].copy_from_slice(&bits);
        sha2::compress256(&mut self.state, &self.blocks[..=index]);
        self.state
    }
}

/// A base64 HMAC-SHA256 signature: 44 ASCII bytes held inline, no heap.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    text: [u8; SIGNATURE_LEN],
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Signature {
    /// Encodes a 32-byte MAC as standard padded base64.
    fn encode(mac: &[u8; DIGEST]) -> Self {
        let mut text = [b'='; SIGNATURE_LEN];
        let mut out = text.chunks_exact_mut(4);
        let mut input = mac.chunks_exact(3);
        for (src, dst) in (&mut input).zip(&mut out) {
            let n = u32::from(src[0]) << 16 | u32::from(src[1]) << 8 | u32::from(src[2]);
            dst[0] = ALPHABET[(n >> 18) as usize & 63];
            dst[1] = ALPHABET[(n >> 12) as usize & 63];
            dst[2] = ALPHABET[(n >> 6) as usize & 63];
            dst[3] = ALPHABET[n as usize & 63];
        }
        // 32 = 10 * 3 + 2: the last group has two bytes and one `=`.
        let tail = input.remainder();
        let n = u32::from(tail[0]) << 16 | u32::from(tail[1]) << 8;
        text[40] = ALPHABET[(n >> 18) as usize & 63];
        text[41] = ALPHABET[(n >> 12) as usize & 63];
        text[42] = ALPHABET[(n >> 6) as usize & 63];
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
