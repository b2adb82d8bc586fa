//! Reply bytes as a server might send them: read to their own framing (src/http/wire.rs) with a
//! small cap; a reply read whole never yields more body than the cap, nor a body its framing
//! did not declare complete.
#![no_main]
use ddnsup_fuzz::http::wire::{Framing, framing, read_reply};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    if let Ok((head, body)) = read_reply(&mut input, 256) {
        assert!(body.len() <= 256);
        match framing(&head) {
            Ok(Framing::Length(n)) => assert_eq!(body.len() as u64, n),
            Ok(Framing::Empty) => assert!(body.is_empty()),
            Ok(_) => {}
            Err(e) => panic!("read a reply whose framing is refused: {e}"),
        }
    }
});
