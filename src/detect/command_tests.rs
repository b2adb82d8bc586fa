use super::*;

fn ran(exit: Exit, stdout: &[u8], stderr: &[u8]) -> Ran {
    Ran {
        exit,
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
    }
}

#[test]
fn outcomes_in_words() {
    let t = Duration::from_secs(4);
    let sigterm = format!("killed by signal {} (SIGTERM): bye", libc::SIGTERM);
    let cases: Vec<(Ran, Result<&str, &str>)> = vec![
        (
            ran(Exit::Code(0), b" 81.2.69.160\n", b"warn\n"),
            Ok(" 81.2.69.160\n"),
        ),
        (ran(Exit::Code(0), b"", b""), Ok("")),
        (
            ran(Exit::Code(3), b"81.2.69.160\n", b"no wan\nsecond line\n"),
            Err("exit status 3: no wan"),
        ),
        (ran(Exit::Code(1), b"", b""), Err("exit status 1")),
        (ran(Exit::Code(1), b"", b"  \n"), Err("exit status 1")),
        (ran(Exit::Signal(libc::SIGTERM), b"", b"bye"), Err(&sigterm)),
        (
            ran(Exit::TimedOut, b"", b"partial"),
            Err("killed after 4 s"),
        ),
        (
            ran(Exit::Code(0), b"\xff81.2.69.160", b""),
            Err("printed bytes that are not UTF-8 text"),
        ),
        (
            ran(Exit::Code(0), &[b'1'; MAX_CAPTURE_BYTES + 1], b""),
            Err("printed more than 4096 bytes, not one address"),
        ),
    ];
    for (r, want) in cases {
        let got = check_output(r, t);
        assert_eq!(got, want.map(String::from).map_err(String::from));
    }
    let full = ran(Exit::Code(0), &[b'1'; MAX_CAPTURE_BYTES], b"");
    assert_eq!(check_output(full, t).unwrap().len(), MAX_CAPTURE_BYTES);
}

#[test]
fn the_stderr_line_is_cleaned_and_capped() {
    assert_eq!(first_line(b""), "");
    assert_eq!(first_line(b"no wan"), "no wan");
    assert_eq!(first_line(b"  no wan\r\nmore\n"), "no wan");
    assert_eq!(first_line(b"\x1b[31mred\x1b[0m\ttab"), "[31mred[0mtab");
    assert_eq!(first_line(b"\nsecond"), "");
    assert_eq!(first_line(b"bad \xff byte"), "bad \u{fffd} byte");
    let long = "é".repeat(300);
    let line = first_line(long.as_bytes());
    assert_eq!(line.chars().count(), MAX_STDERR_CHARS + 1);
    assert!(line.ends_with("é…"));
    assert_eq!(first_line("é".repeat(200).as_bytes()), "é".repeat(200));
}
