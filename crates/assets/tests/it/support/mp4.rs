//! Minimal, valid ISO-BMFF boxes built by hand: just what a probe reads.

/// A box: 32-bit size, type, payload.
pub fn bx(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

/// A full box payload prefix: version and flags.
fn full(version: u8, flags: u32) -> Vec<u8> {
    let mut out = vec![version];
    out.extend_from_slice(&flags.to_be_bytes()[1..]);
    out
}

fn be32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_be_bytes());
}

const IDENTITY: [i32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
/// A 90-degree turn, as phones write for portrait video.
pub const QUARTER_TURN: [i32; 9] = [0, 0x0001_0000, 0, -0x0001_0000, 0, 0, 0, 0, 0x4000_0000];

pub fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
    let mut p = brand.to_vec();
    be32(&mut p, 0x200);
    p.extend_from_slice(brand);
    p.extend_from_slice(b"mp41");
    bx(b"ftyp", &p)
}

/// An `mdat` with a 64-bit size whose payload is `payload_len` bytes (not included).
pub fn large_mdat_header(payload_len: u64) -> Vec<u8> {
    let mut out = 1u32.to_be_bytes().to_vec();
    out.extend_from_slice(b"mdat");
    out.extend_from_slice(&(payload_len + 16).to_be_bytes());
    out
}

/// What the test video looks like.
#[derive(Debug, Clone)]
pub struct Movie {
    pub width: u32,
    pub height: u32,
    pub matrix: [i32; 9],
    /// Movie (mvhd) time units per second.
    pub movie_timescale: u32,
    pub movie_duration: u32,
    /// Media (mdhd) time units per second.
    pub media_timescale: u32,
    pub frames: u32,
    pub frame_delta: u32,
}

impl Default for Movie {
    /// 1280x720, 12.5 s at 30 fps.
    fn default() -> Self {
        Self {
            width: 1280,
            height: 720,
            matrix: IDENTITY,
            movie_timescale: 1000,
            movie_duration: 12_500,
            media_timescale: 15_360,
            frames: 375,
            frame_delta: 512,
        }
    }
}

impl Movie {
    pub fn moov(&self) -> Vec<u8> {
        let mut moov = self.mvhd();
        moov.extend(self.video_trak());
        bx(b"moov", &moov)
    }

    fn mvhd(&self) -> Vec<u8> {
        let mut p = full(0, 0);
        be32(&mut p, 0); // creation
        be32(&mut p, 0); // modification
        be32(&mut p, self.movie_timescale);
        be32(&mut p, self.movie_duration);
        be32(&mut p, 0x0001_0000); // rate 1.0
        p.extend_from_slice(&[0x01, 0x00]); // volume 1.0
        p.extend_from_slice(&[0; 10]);
        for m in IDENTITY {
            p.extend_from_slice(&m.to_be_bytes());
        }
        p.extend_from_slice(&[0; 24]);
        be32(&mut p, 2); // next track id
        bx(b"mvhd", &p)
    }

    fn video_trak(&self) -> Vec<u8> {
        let mut trak = self.tkhd();
        let mut mdia = self.mdhd();
        mdia.extend(hdlr(b"vide"));
        let mut stts = full(0, 0);
        be32(&mut stts, 1);
        be32(&mut stts, self.frames);
        be32(&mut stts, self.frame_delta);
        let stbl = bx(b"stbl", &bx(b"stts", &stts));
        mdia.extend(bx(b"minf", &stbl));
        trak.extend(bx(b"mdia", &mdia));
        bx(b"trak", &trak)
    }

    fn tkhd(&self) -> Vec<u8> {
        let mut p = full(0, 3);
        be32(&mut p, 0);
        be32(&mut p, 0);
        be32(&mut p, 1); // track id
        be32(&mut p, 0);
        be32(&mut p, self.movie_duration);
        p.extend_from_slice(&[0; 8]);
        p.extend_from_slice(&[0; 8]); // layer, group, volume, reserved
        for m in self.matrix {
            p.extend_from_slice(&m.to_be_bytes());
        }
        be32(&mut p, self.width << 16);
        be32(&mut p, self.height << 16);
        bx(b"tkhd", &p)
    }

    fn mdhd(&self) -> Vec<u8> {
        let mut p = full(0, 0);
        be32(&mut p, 0);
        be32(&mut p, 0);
        be32(&mut p, self.media_timescale);
        be32(&mut p, self.frames * self.frame_delta);
        p.extend_from_slice(&[0x55, 0xc4, 0, 0]); // language "und", pre_defined
        bx(b"mdhd", &p)
    }
}

fn hdlr(handler: &[u8; 4]) -> Vec<u8> {
    let mut p = full(0, 0);
    be32(&mut p, 0);
    p.extend_from_slice(handler);
    p.extend_from_slice(&[0; 12]);
    p.extend_from_slice(b"VideoHandler\0");
    bx(b"hdlr", &p)
}
