//! Intake keys: long random strings drawn from the operating system's randomness.

/// Characters of a generated key.
pub const KEY_ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Length of a generated key: 32 × log2(62) ≈ 190 bits.
pub const KEY_CHARS: usize = 32;

/// The operating system could not provide randomness.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read random bytes from the operating system: {0}")]
pub struct KeyError(String);

/// A new key of [`KEY_CHARS`] characters of [`KEY_ALPHABET`], uniformly distributed: random
/// bytes of 248 or more are rejected (248 = 4 × 62), so that `byte % 62` has no bias.
pub fn generate_key() -> Result<String, KeyError> {
    const LIMIT: u8 = (256 - 256 % KEY_ALPHABET.len()) as u8;
    let mut key = String::with_capacity(KEY_CHARS);
    let mut buf = [0u8; 64];
    while key.len() < KEY_CHARS {
        getrandom::fill(&mut buf).map_err(|e| KeyError(e.to_string()))?;
        for &b in buf.iter().filter(|&&b| b < LIMIT) {
            if key.len() == KEY_CHARS {
                break;
            }
            key.push(char::from(KEY_ALPHABET[usize::from(b) % KEY_ALPHABET.len()]));
        }
    }
    Ok(key)
}
