//! Decompression bombs for the hostile-web tests: bodies that are small on the wire and huge
//! once decoded.
//!
//! The gzip bomb is written by hand rather than compressed: deflating a gibibyte of zeros takes
//! many seconds in a debug build, while emitting the same stream directly (one literal zero,
//! then "copy 258 bytes from 1 back" codes of the fixed Huffman table) takes milliseconds. The
//! brotli bomb is a committed fixture (`fixtures/hostile/zeros-1gib.br`, 811 bytes) made by
//! the brotli encoder; `BACKLINKS_REGENERATE_FIXTURES=1 cargo test --test cli bombs` rebuilds
//! it (slowly, in a debug build).

use std::sync::OnceLock;

/// One gibibyte.
pub const GIB: u64 = 1 << 30;

/// A gzip member that inflates to `total` zero bytes, with a correct CRC-32 and length, so
/// that only a size cap can stop a client from decoding all of it.
pub fn gzip_zeros(total: u64) -> Vec<u8> {
    assert!(total > 0);
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE 01: fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    let rest = total - 1;
    for _ in 0..rest / 258 {
        bits.code(0xC5, 8); // length symbol 285: 258 bytes, no extra bits
        bits.code(0, 5); // distance symbol 0: 1 byte back
    }
    for _ in 0..rest % 258 {
        bits.code(0x30, 8);
    }
    bits.code(0, 7); // end of block (symbol 256)
    out.extend(bits.finish());
    out.extend(crc32_of_zeros(total).to_le_bytes());
    out.extend((total as u32).to_le_bytes()); // ISIZE is the length modulo 2^32
    out
}

/// [`gzip_zeros`] of one gibibyte, built once per test run.
pub fn gzip_gib() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| gzip_zeros(GIB))
}

/// A brotli stream that decodes to one gibibyte of zeros.
pub fn brotli_gib() -> Vec<u8> {
    std::fs::read(super::fixture("hostile/zeros-1gib.br")).expect("the brotli bomb fixture")
}

fn crc32_of_zeros(total: u64) -> u32 {
    const BLOCK: u64 = 1 << 20;
    let mut block = flate2::Crc::new();
    block.update(&vec![0u8; BLOCK as usize]);
    let mut crc = flate2::Crc::new();
    for _ in 0..total / BLOCK {
        crc.combine(&block);
    }
    crc.update(&vec![0u8; (total % BLOCK) as usize]);
    crc.sum()
}

/// A deflate bit writer: values are packed from the least significant bit, Huffman codes
/// from their most significant bit (RFC 1951, 3.1.1).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn code(&mut self, code: u32, len: u32) {
        let reversed = code.reverse_bits() >> (32 - len);
        self.put(u64::from(reversed), len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn gzip_bomb_is_a_valid_stream() {
        // Small enough to decode fully here; the gibibyte one has the same shape.
        for total in [1, 2, 258, 259, 260, 1_000_003] {
            let mut decoded = Vec::new();
            flate2::read::GzDecoder::new(&gzip_zeros(total)[..])
                .read_to_end(&mut decoded)
                .unwrap();
            assert_eq!(decoded.len() as u64, total);
            assert!(decoded.iter().all(|&b| b == 0));
        }
        let bomb = gzip_gib();
        assert!(bomb.len() < 8 << 20, "{} bytes on the wire", bomb.len());
        let mut prefix = vec![0u8; 4 << 20];
        flate2::read::GzDecoder::new(bomb)
            .read_exact(&mut prefix)
            .unwrap();
        assert!(prefix.iter().all(|&b| b == 0));
    }

    #[test]
    fn brotli_bomb_fixture_decodes_to_zeros() {
        let path = crate::support::fixture("hostile/zeros-1gib.br");
        if std::env::var_os("BACKLINKS_REGENERATE_FIXTURES").is_some() {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 5,
                lgwin: 24,
                ..Default::default()
            };
            let mut out = Vec::new();
            {
                let mut w = brotli::CompressorWriter::with_params(&mut out, 1 << 20, &params);
                let zeros = vec![0u8; 1 << 20];
                for _ in 0..GIB >> 20 {
                    std::io::Write::write_all(&mut w, &zeros).unwrap();
                }
            }
            std::fs::write(&path, out).unwrap();
        }
        let bomb = brotli_gib();
        assert!(bomb.len() < 4096, "{} bytes on the wire", bomb.len());
        let mut prefix = vec![1u8; 16 << 20];
        brotli::Decompressor::new(&bomb[..], 1 << 16)
            .read_exact(&mut prefix)
            .unwrap();
        assert!(prefix.iter().all(|&b| b == 0));
    }
}
