use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::Sha256;

use super::*;

const DOCS_SECRET: &str = "22582BD0CFF14C41EDBF1AB98506286D";
const TS: &str = "2020-12-08T09:08:57.715Z";

/// The plain, obviously-correct construction the fast path must match.
fn reference(secret: &[u8], parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("hmac takes any key length");
    for part in parts {
        mac.update(part);
    }
    STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn spec_8_1_nautilus_vector() {
    let signer = Signer::new(b"chNOOS4KvNXR_Xq4k4c9qsfoKWvnDecLATCRlcBwyKDYnWgO");
    let sig = signer.sign(TS, "GET", "/api/v5/account/balance", b"");
    assert_eq!(sig.as_str(), "PJ61e1nb2F2Qd7D8SPiaIcx2gjdELc+o0ygzre9z33k=");
}

#[test]
fn spec_8_2_vectors() {
    let signer = Signer::new(DOCS_SECRET.as_bytes());
    let cases: [(&str, &str, &[u8], &str); 3] = [
        (
            "GET",
            "/api/v5/account/balance",
            b"",
            "AkD5YszBhggtIyjDlmTy/9PpNVntel+1Lff8wh0qpQw=",
        ),
        (
            "GET",
            "/api/v5/account/balance?ccy=BTC",
            b"",
            "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY=",
        ),
        (
            "POST",
            "/api/v5/account/set-leverage",
            br#"{"instId":"BTC-USDT","lever":"5","mgnMode":"isolated"}"#,
            "eCnnCgWLjlQ9XnpUkrcny3qNq3WW/81KNrDr/XR6Xv8=",
        ),
    ];
    for (method, path, body, expected) in cases {
        assert_eq!(
            signer.sign(TS, method, path, body),
            expected,
            "{method} {path}"
        );
    }
    assert_eq!(
        signer.sign_ws_login("1538054050"),
        "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M="
    );
}

#[test]
fn signature_text_is_44_base64_chars_with_one_pad() {
    let sig = Signer::new(b"k").sign("1", "GET", "/", b"");
    assert_eq!(sig.as_str().len(), 44);
    assert!(sig.as_str().ends_with('=') && !sig.as_str().ends_with("=="));
    assert_eq!(sig.to_string(), sig.as_str());
    assert_eq!(format!("{sig:?}"), format!("Signature({:?})", sig.as_str()));
}

/// A small deterministic generator so failures reproduce without a seed file.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    fn ascii(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'!' + (self.next() % 94) as u8))
            .collect()
    }
}

#[test]
fn matches_plain_hmac_around_block_boundaries() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    // Secrets shorter than, equal to and longer than a block (hashed first).
    for secret_len in [0, 1, 32, 63, 64, 65, 100, 200] {
        let secret = rng.bytes(secret_len);
        let signer = Signer::new(&secret);
        for total in 0..=300usize {
            // Split a message of `total` bytes into the four parts at varying points.
            let ts_len = total.min(24);
            let method_len = (total - ts_len).min(rng.next() as usize % 7);
            let path_len = (total - ts_len - method_len).min(rng.next() as usize % 130);
            let body_len = total - ts_len - method_len - path_len;
            let ts = rng.ascii(ts_len);
            let method = rng.ascii(method_len);
            let path = rng.ascii(path_len);
            let body = rng.bytes(body_len);
            let expected = reference(
                &secret,
                &[ts.as_bytes(), method.as_bytes(), path.as_bytes(), &body],
            );
            let got = signer.sign(&ts, &method, &path, &body);
            assert_eq!(
                got.as_str(),
                expected,
                "secret_len={secret_len} total={total}"
            );
        }
    }
}

#[test]
fn matches_plain_hmac_at_padding_edges_in_one_part() {
    // The padding needs a second block once 9 bytes no longer fit: inner
    // message lengths 55/56 and 119/120 straddle that edge.
    let signer = Signer::new(DOCS_SECRET.as_bytes());
    // 247/248 cross from the signer's one-buffer path to its streaming path.
    for len in [
        0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 183, 184, 247, 248, 255, 256,
        257, 503, 504, 512, 1000,
    ] {
        let body = vec![b'x'; len];
        for (ts, method, path) in [("", "", ""), (TS, "POST", "/api/v5/trade/order")] {
            let expected = reference(
                DOCS_SECRET.as_bytes(),
                &[ts.as_bytes(), method.as_bytes(), path.as_bytes(), &body],
            );
            assert_eq!(
                signer.sign(ts, method, path, &body).as_str(),
                expected,
                "len={len}"
            );
        }
    }
}

#[test]
fn signer_is_send_sync_and_clone_signs_the_same() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Signer>();
    assert_send_sync::<Signature>();
    let a = Signer::new(b"secret");
    let b = a.clone();
    assert_eq!(a.sign(TS, "GET", "/x", b""), b.sign(TS, "GET", "/x", b""));
}

proptest! {
    #[test]
    fn prop_matches_plain_hmac(
        secret in proptest::collection::vec(any::<u8>(), 0..100),
        ts in "[0-9TZ:.-]{0,30}",
        method in "(GET|POST|DELETE)",
        path in "/[ -~]{0,150}",
        body in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let got = Signer::new(&secret).sign(&ts, &method, &path, &body);
        let expected = reference(&secret, &[ts.as_bytes(), method.as_bytes(), path.as_bytes(), &body]);
        prop_assert_eq!(got.as_str(), expected);
    }

    #[test]
    fn prop_deterministic(
        secret in "[ -~]{1,64}",
        path in "/[ -~]{0,80}",
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let s1 = Signer::new(secret.as_bytes()).sign(TS, "POST", &path, &body);
        let s2 = Signer::new(secret.as_bytes()).sign(TS, "POST", &path, &body);
        prop_assert_eq!(s1, s2);
    }

    #[test]
    fn prop_any_change_changes_signature(
        secret in proptest::collection::vec(any::<u8>(), 1..80),
        ts in "[0-9]{10}",
        path in "/[a-z?=&/]{1,80}",
        body in proptest::collection::vec(any::<u8>(), 1..200),
        which in 0usize..5,
        pos in any::<usize>(),
        flip in 1u8..=255,
    ) {
        let base = Signer::new(&secret).sign(&ts, "POST", &path, &body);
        let changed = match which {
            0 => {
                let mut s = secret.clone();
                let i = pos % s.len();
                s[i] ^= flip;
                Signer::new(&s).sign(&ts, "POST", &path, &body)
            }
            1 => {
                let mut t = ts.clone().into_bytes();
                let i = pos % t.len();
                t[i] = if t[i] == b'9' { b'0' } else { t[i] + 1 };
                let t = String::from_utf8(t).expect("digits stay ascii");
                Signer::new(&secret).sign(&t, "POST", &path, &body)
            }
            2 => Signer::new(&secret).sign(&ts, "PUT", &path, &body),
            3 => {
                let p = format!("{path}x");
                Signer::new(&secret).sign(&ts, "POST", &p, &body)
            }
            _ => {
                let mut b = body.clone();
                let i = pos % b.len();
                b[i] ^= flip;
                Signer::new(&secret).sign(&ts, "POST", &path, &b)
            }
        };
        prop_assert_ne!(base, changed);
    }
}

proptest! {
    /// The 10-digit login shortcut and the general path agree, for any
    /// key and any time (including the lengths that skip the shortcut).
    #[test]
    fn ws_login_shortcut_matches_the_general_path(
        secret in proptest::collection::vec(any::<u8>(), 0..100),
        secs in 0u64..100_000_000_000,
    ) {
        let signer = Signer::new(&secret);
        let text = secs.to_string();
        let fast = signer.sign_ws_login(&text);
        prop_assert_eq!(fast, signer.sign(&text, "GET", WS_LOGIN_PATH, b""));
        prop_assert_eq!(
            fast.as_str(),
            reference(&secret, &[text.as_bytes(), b"GET", WS_LOGIN_PATH.as_bytes()])
        );
    }
}
