//! Tests for the state file: parsing, caps, the atomic write and its temp file.
use super::*;

fn sample() -> State {
    State {
        version: STATE_VERSION,
        records: vec![Entry {
            key: "namecheap home.example.com A".into(),
            ip: "81.2.69.160".into(),
            updated: 1_700_000_000,
            result: "updated".into(),
            failures: 0,
            next: 0,
            wait: 0,
            stopped: false,
            fingerprint: "0123456789abcdef".into(),
            tried: String::new(),
            cache: String::new(),
        }],
    }
}

#[test]
fn round_trip() {
    let bytes = serialize_state(&sample());
    assert_eq!(parse_state(&bytes, 10), Ok(sample()));
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("\"ip\":\"81.2.69.160\"")
    );
}

#[test]
fn every_truncation_is_refused_without_hanging() {
    let bytes = serialize_state(&sample());
    for end in 0..bytes.len() - 1 {
        assert!(
            parse_state(&bytes[..end], 10).is_err(),
            "prefix of {end} bytes accepted"
        );
    }
}

#[test]
fn edits_and_garbage_are_refused() {
    let good = String::from_utf8(serialize_state(&sample())).unwrap();
    let edited = good.replace("81.2.69.160", "81.2.69.161");
    assert!(parse_state(edited.as_bytes(), 10).is_err());
    for junk in [
        &b""[..],
        b"\n",
        b"\xff\xfe",
        b"{}",
        b"null\n#ddnsup-checksum 4 0\n",
    ] {
        assert!(parse_state(junk, 10).is_err());
    }
}

#[test]
fn a_valid_trailer_over_hostile_json_is_still_refused() {
    // The bodies DEPENDENCIES.md measured as hanging or panicking nanoserde.
    for body in [
        r#"{"version":1,"records":[],"zz":[1,2"#,
        r#"{"version":1,"records":[],"zz":{"a":1"#,
        r#"{"version":1,"records":[{"ip":"x","failures":0,"next":0,"zz":["#,
        r#"{"version":1,"records":[],"zz":}"#,
    ] {
        let file = format!("{body}\n{TRAILER}{} {:016x}\n", body.len(), checksum(body));
        assert!(parse_state(file.as_bytes(), 10).is_err(), "{body}");
    }
}

#[test]
fn unknown_fields_from_a_newer_version_are_ignored() {
    let body = r#"{"version":1,"records":[{"key":"k","ip":"81.2.69.160","future":{"x":[1]}}],"extra":true}"#;
    let file = format!("{body}\n{TRAILER}{} {:016x}\n", body.len(), checksum(body));
    let state = parse_state(file.as_bytes(), 10).unwrap();
    assert_eq!(state.records[0].ip, "81.2.69.160");
    assert_eq!(state.records[0].failures, 0);
}

#[test]
fn save_writes_only_on_change() {
    let dir = std::env::temp_dir().join(format!("ddnsup-state-test-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = fs::remove_file(&path);
    let (mut file, state) = StateFile::load(&path, Limits::for_keys(1));
    assert_eq!(state, State::default());
    assert!(!file.save(&state).unwrap(), "nothing to remember: no file");
    assert!(!path.exists());
    assert!(file.save(&sample()).unwrap());
    assert!(!file.save(&sample()).unwrap());
    let (mut again, loaded) = StateFile::load(&path, Limits::for_keys(1));
    assert_eq!(loaded, sample());
    assert!(!again.save(&sample()).unwrap());
    fs::write(&path, b"garbage").unwrap();
    let (mut broken, loaded) = StateFile::load(&path, Limits::for_keys(1));
    assert_eq!(loaded, State::default());
    assert!(broken.save(&sample()).unwrap());
    let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(Result::ok).collect();
    assert_eq!(leftovers.len(), 1, "temp files left behind");
    fs::remove_dir_all(&dir).unwrap();
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddnsup-state-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn entry(key: &str, ip: &str) -> Entry {
    Entry {
        key: key.into(),
        ip: ip.into(),
        ..Entry::default()
    }
}

#[test]
fn limits_grow_with_the_configuration_from_1_mib() {
    assert_eq!(MAX_STATE_BYTES, 1 << 20);
    assert_eq!(
        Limits::for_keys(0),
        Limits {
            max_entries: 256,
            max_bytes: 1 << 20
        }
    );
    assert_eq!(Limits::for_keys(64).max_bytes, 1 << 20);
    assert_eq!(
        Limits::for_keys(10_000),
        Limits {
            max_entries: 40_000,
            max_bytes: 40_000 * 1024
        }
    );
}

#[test]
fn a_file_of_exactly_the_cap_loads_and_one_byte_more_does_not() {
    let dir = scratch("cap");
    let path = dir.join("state.json");
    let cap = MAX_STATE_BYTES as usize;
    let padded = |n: usize| State {
        version: STATE_VERSION,
        records: vec![Entry {
            cache: "x".repeat(n),
            ..entry("k", "81.2.69.160")
        }],
    };
    let mut n = cap - 300;
    for _ in 0..5 {
        n = n + cap - serialize_state(&padded(n)).len();
    }
    assert_eq!(serialize_state(&padded(n)).len(), cap);
    let limits = Limits::for_keys(1);
    fs::write(&path, serialize_state(&padded(n))).unwrap();
    assert_eq!(StateFile::load(&path, limits).1, padded(n));
    let mut over = serialize_state(&padded(n));
    over.push(b'\n');
    fs::write(&path, over).unwrap();
    assert_eq!(StateFile::load(&path, limits).1, State::default());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn entries_are_counted_before_they_are_allocated() {
    let body = |n: usize| {
        let records = vec!["{}"; n].join(",");
        format!(r#"{{"version":1,"records":[{records}],"x":"[{{{{"}}"#)
    };
    let file = |n: usize| {
        let b = body(n);
        format!("{b}\n{TRAILER}{} {:016x}\n", b.len(), checksum(&b))
    };
    assert_eq!(
        count_entries(&body(300)),
        300,
        "braces in strings do not count"
    );
    assert_eq!(
        parse_state(file(256).as_bytes(), 256)
            .unwrap()
            .records
            .len(),
        256
    );
    let e = parse_state(file(257).as_bytes(), 256).unwrap_err();
    assert!(e.contains("holds 257 entries, more than the 256"), "{e}");
    let nested = r#"{"version":1,"records":[{"cache":"","x":{"y":{}}}]}"#;
    assert_eq!(count_entries(nested), 1);
}

#[test]
fn set_replaces_only_the_entry_with_the_same_key() {
    let mut state = State::default();
    for key in ["a", "b", "c"] {
        state.set(entry(key, "81.2.69.160"));
    }
    state.set(entry("b", "81.2.69.161"));
    let ips: Vec<(&str, &str)> = state
        .records
        .iter()
        .map(|e| (e.key.as_str(), e.ip.as_str()))
        .collect();
    assert_eq!(
        ips,
        [
            ("a", "81.2.69.160"),
            ("b", "81.2.69.161"),
            ("c", "81.2.69.160")
        ]
    );
    state.set(entry("d", "81.2.69.162"));
    assert_eq!(state.records.len(), 4);
    assert_eq!(state.entry("d").unwrap().ip, "81.2.69.162");
    assert_eq!(state.entry("c").unwrap().ip, "81.2.69.160");
}

#[test]
fn results_are_kept_short_and_on_one_line() {
    let mut state = State::default();
    let long = format!("failed: {}", "é\"".repeat(500));
    state.set(Entry {
        result: long,
        ..entry("k", "")
    });
    let kept = &state.records[0].result;
    assert!(
        kept.len() <= MAX_RESULT_BYTES && kept.ends_with('…'),
        "{kept}"
    );
    assert!(kept.len() > MAX_RESULT_BYTES - 8, "{}", kept.len());
    assert_eq!(bounded_result("a\nb\u{1b}c"), "a b c");
    assert_eq!(bounded_result("short"), "short");
}

#[test]
fn the_largest_entry_a_run_writes_stays_well_inside_its_share() {
    let key = format!("cloudflare {} AAAA", "a".repeat(253));
    let mut state = State::default();
    state.set(Entry {
        key,
        ip: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".into(),
        updated: u64::MAX,
        result: "\"".repeat(1000),
        failures: u32::MAX,
        next: u64::MAX,
        wait: u64::MAX,
        stopped: true,
        fingerprint: "0123456789abcdef".into(),
        tried: "0123456789abcdef".into(),
        cache: "c".repeat(MAX_CACHE_BYTES),
    });
    let one = entry_json(&state.records[0]).len() as u64;
    assert!(
        one < ENTRY_BYTES * ENTRIES_PER_KEY as u64 / 2,
        "{one} bytes"
    );
    state.set(Entry {
        cache: "c".repeat(MAX_CACHE_BYTES + 1),
        ..entry("k", "")
    });
    assert_eq!(state.entry("k").unwrap().cache, "");
}

#[test]
fn the_temp_file_goes_beside_the_state_file() {
    assert_eq!(
        temp_path(Path::new("/var/lib/ddnsup/state.json")),
        Path::new("/var/lib/ddnsup/.state.json.tmp")
    );
    assert_eq!(
        temp_path(Path::new("state.json")),
        Path::new("./.state.json.tmp")
    );
    assert_eq!(dir_of(Path::new("/s.json")), Path::new("/"));
}

#[test]
fn a_leftover_temp_file_is_replaced_and_a_planted_symlink_never_followed() {
    let dir = scratch("planted");
    let path = dir.join("state.json");
    let tmp = dir.join(".state.json.tmp");
    fs::write(&tmp, b"left by a killed run").unwrap();
    let (mut file, _) = StateFile::load(&path, Limits::for_keys(1));
    assert!(file.save(&sample()).unwrap());
    assert!(!tmp.exists());

    let victim = dir.join("victim");
    fs::write(&victim, b"precious").unwrap();
    std::os::unix::fs::symlink(&victim, &tmp).unwrap();
    let mut changed = sample();
    changed.records[0].ip = "81.2.69.161".into();
    assert!(file.save(&changed).unwrap());
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    assert!(fs::symlink_metadata(&tmp).is_err(), "the link is gone");
    assert_eq!(StateFile::load(&path, Limits::for_keys(1)).1, changed);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_symlinked_state_path_stays_a_symlink() {
    let dir = scratch("symlink");
    fs::create_dir(dir.join("real")).unwrap();
    fs::create_dir(dir.join("links")).unwrap();
    let real = dir.join("real/state.json");
    let link = dir.join("links/state.json");
    std::os::unix::fs::symlink("../real/state.json", &link).unwrap();
    assert_eq!(
        resolve_target(&link).unwrap(),
        dir.join("links/../real/state.json")
    );
    let (mut file, _) = StateFile::load(&link, Limits::for_keys(1));
    assert!(
        file.save(&sample()).unwrap(),
        "a dangling link is written through"
    );
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(parse_state(&fs::read(&real).unwrap(), 1), Ok(sample()));
    let mut changed = sample();
    changed.records[0].failures = 1;
    assert!(file.save(&changed).unwrap());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(parse_state(&fs::read(&real).unwrap(), 1), Ok(changed));
    assert_eq!(fs::read_dir(dir.join("links")).unwrap().count(), 1);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unwritable_state_location_is_found_without_writing() {
    let dir = scratch("location");
    let ok = dir.join("state.json");
    assert_eq!(check_location(&ok), Ok(()));
    fs::write(&ok, b"x").unwrap();
    assert_eq!(check_location(&ok), Ok(()));
    let missing = dir.join("nope/state.json");
    let e = check_location(&missing).unwrap_err();
    assert!(
        e.contains(&format!("{}: directory", missing.display())),
        "{e}"
    );
    assert!(e.contains("does not exist"), "{e}");
    let under_file = ok.join("state.json");
    let e = check_location(&under_file).unwrap_err();
    assert!(e.contains("is not a directory"), "{e}");
    let e = check_location(&dir).unwrap_err();
    assert!(e.contains("is not a regular file"), "{e}");
    let e = check_location(Path::new("/dev/zero")).unwrap_err();
    assert!(e.contains("/dev/zero is not a regular file"), "{e}");
    assert_eq!(
        fs::read_dir(&dir).unwrap().count(),
        1,
        "nothing was written"
    );
    fs::create_dir(dir.join(".state.json.tmp")).unwrap();
    let e = check_location(&ok).unwrap_err();
    assert!(
        e.contains(".state.json.tmp is a directory in the way"),
        "{e}"
    );
    fs::remove_dir(dir.join(".state.json.tmp")).unwrap();
    // access(2) grants root nearly everything, so the read-only cases can only fail for
    // another user.
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&ok, fs::Permissions::from_mode(0o400)).unwrap();
        assert!(check_location(&ok).unwrap_err().contains("not writable"));
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o500)).unwrap();
        let e = check_location(&dir.join("other.json")).unwrap_err();
        assert!(e.contains("is not writable"), "{e}");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn five_thousand_failed_records_with_long_names_fit_their_own_limits() {
    let keys = 5000;
    let mut state = State::default();
    for i in 0..keys {
        let name = format!("r{i:04}-{}.{}.example.org", "x".repeat(57), "y".repeat(63));
        state.set(Entry {
            key: format!("dyndns2 {name} A"),
            result: format!("failed: {name}: {}", "HTTP 503 ".repeat(40)),
            failures: 3,
            next: 1_800_000_000,
            wait: 1200,
            tried: "0123456789abcdef".into(),
            ..Entry::default()
        });
    }
    let bytes = serialize_state(&state);
    let limits = Limits::for_keys(keys);
    assert!(
        bytes.len() as u64 > MAX_STATE_BYTES,
        "{} bytes",
        bytes.len()
    );
    assert!(
        (bytes.len() as u64) < limits.max_bytes / 2,
        "{} bytes",
        bytes.len()
    );
    let dir = scratch("five-thousand");
    let path = dir.join("state.json");
    fs::write(&path, &bytes).unwrap();
    let (_, loaded) = StateFile::load(&path, limits);
    assert_eq!(loaded.records.len(), keys);
    assert!(loaded.records.iter().all(|e| e.next == 1_800_000_000));
    fs::remove_dir_all(&dir).unwrap();
}
