//! Reading a file the user named: a regular file only (symlinks followed), never past a cap.
use std::fs::{Metadata, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Reads all of `path`, which must be a regular file (after following symlinks) of at most
/// `cap` bytes. Devices, FIFOs, sockets and directories are refused before anything is read,
/// and the read stops at `cap + 1` bytes whatever the file's length said, so `/dev/zero`
/// cannot eat memory and a FIFO cannot block. A missing file keeps `ErrorKind::NotFound`.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<(Vec<u8>, Metadata)> {
    // stat first: opening a device can have effects of its own.
    refuse_irregular(&std::fs::metadata(path)?)?;
    // O_NONBLOCK: a FIFO swapped in after the stat opens at once instead of waiting for a
    // writer; the fstat below then refuses it. It changes nothing for a regular file.
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    let meta = file.metadata()?;
    refuse_irregular(&meta)?;
    if meta.len() > cap {
        return Err(too_large(cap));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    Read::take(&file, cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok((bytes, meta))
}

/// `read_capped`, as UTF-8 text.
pub fn read_text_capped(path: &Path, cap: u64) -> io::Result<(String, Metadata)> {
    let (bytes, meta) = read_capped(path, cap)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))?;
    Ok((text, meta))
}

fn refuse_irregular(meta: &Metadata) -> io::Result<()> {
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "something else"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what})"),
    ))
}

fn too_large(cap: u64) -> io::Error {
    let size = match cap {
        c if c >= 1 << 20 && c % (1 << 20) == 0 => format!("{} MiB", c >> 20),
        c if c >= 1 << 10 && c % (1 << 10) == 0 => format!("{} KiB", c >> 10),
        c => format!("{c} bytes"),
    };
    io::Error::new(io::ErrorKind::InvalidData, format!("larger than {size}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("ddnsup-fsread-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn reads_a_file_up_to_exactly_its_cap() {
        let d = dir("cap");
        let p = d.join("f");
        std::fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read_capped(&p, 10).unwrap().0, b"0123456789");
        let e = read_capped(&p, 9).unwrap_err();
        assert_eq!(e.to_string(), "larger than 9 bytes");
        assert_eq!(too_large(1 << 20).to_string(), "larger than 1 MiB");
        assert_eq!(too_large(64 << 10).to_string(), "larger than 64 KiB");
        let missing = read_capped(&d.join("nope"), 10).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        std::fs::write(&p, b"\xff").unwrap();
        assert!(read_text_capped(&p, 10).is_err());
        std::fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn devices_fifos_and_directories_are_refused_without_reading() {
        let d = dir("irregular");
        let e = read_capped(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a device)");
        let e = read_capped(&d, 10).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a directory)");
        let fifo = d.join("fifo");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_capped(&fifo, 10).unwrap_err();
        assert_eq!(e.to_string(), "not a regular file (a FIFO)");
        // A symlink to a regular file is followed.
        std::fs::write(d.join("real"), b"x").unwrap();
        std::os::unix::fs::symlink(d.join("real"), d.join("link")).unwrap();
        assert_eq!(read_capped(&d.join("link"), 10).unwrap().0, b"x");
        std::fs::remove_dir_all(&d).unwrap();
    }
}
