//! The client's handling of API answers: error bodies, every area's JSON decoders, the job
//! decoder, `Location` and the paging headers, fed arbitrary statuses, headers and bodies.
#![no_main]

use combell_api::fuzzing::{client_answer, Answer};
use libfuzzer_sys::fuzz_target;

const HEADERS: [&str; 5] = [
    "location",
    "x-paging-take",
    "x-paging-totalresults",
    "x-paging-skip",
    "content-type",
];

fuzz_target!(|data: &[u8]| {
    // 2 bytes of status, then up to five header values separated by \n, then \0 and the body.
    if data.len() < 2 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    let rest = &data[2..];
    let (head, body) = match rest.iter().position(|b| *b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&rest[..0], rest),
    };
    let headers = HEADERS
        .iter()
        .zip(head.split(|b| *b == b'\n'))
        .map(|(name, value)| (*name, value))
        .collect();
    client_answer(&Answer {
        status,
        headers,
        body,
    });
});
