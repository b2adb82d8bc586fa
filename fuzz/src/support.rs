//! What the fuzz targets share: fuzzed bytes read as HTTP replies, numbers and strings.
use crate::http::Reply;

/// The replies in `data`, separated by NUL bytes. Each is text: a first line with the status
/// (`200`; anything unreadable is 200), `name: value` header lines, an empty line, the body.
/// A reply without the empty line has no body. At most `max` replies.
pub fn replies(data: &[u8], max: usize) -> Vec<Reply> {
    data.split(|&b| b == 0).take(max).map(reply).collect()
}

/// One reply in the format of [`replies`].
pub fn reply(data: &[u8]) -> Reply {
    let (head, body) = match find(data, b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(200);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// The first line of `data` (as text) and the rest.
pub fn first_line(data: &[u8]) -> (String, &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(i) => (
            String::from_utf8_lossy(&data[..i]).into_owned(),
            &data[i + 1..],
        ),
        None => (String::from_utf8_lossy(data).into_owned(), &[][..]),
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Takes numbers and strings from the front of fuzzed bytes; zeros once they run out.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.data.len());
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        head
    }

    pub fn u8(&mut self) -> u8 {
        self.take(1).first().copied().unwrap_or(0)
    }

    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }

    pub fn u32(&mut self) -> u32 {
        u32::from(self.u16()) << 16 | u32::from(self.u16())
    }

    pub fn u64(&mut self) -> u64 {
        u64::from(self.u32()) << 32 | u64::from(self.u32())
    }

    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    /// A string of up to 255 bytes (invalid UTF-8 replaced).
    pub fn string(&mut self) -> String {
        let n = usize::from(self.u8());
        String::from_utf8_lossy(self.take(n)).into_owned()
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        let n = self.data.len();
        self.take(n)
    }
}

/// One record's keys (besides `provider`) for each provider with an HTTP API; the dyndns2
/// presets all take the `dyndns2` keys without `server`.
pub const RECORDS: &[(&str, &str)] = &[
    (
        "namecheap",
        "host = \"home\"\ndomain = \"example.com\"\npassword = \"0123456789abcdef0123456789abcdef\"\n",
    ),
    (
        "duckdns",
        "domain = \"myhome\"\ntoken = \"00000000-0000-0000-0000-000000000000\"\n",
    ),
    (
        "dyndns2",
        "server = \"https://members.dyndns.org\"\nhostname = \"myhome.example.org\"\nusername = \"me\"\npassword = \"pw\"\n",
    ),
    (
        "custom",
        "url = \"https://u.example/up?h={hostname}&ip={ip}\"\nhostname = \"myhome.example.org\"\nsuccess = [\"good\", \"nochg\"]\nfailure = [\"badauth\"]\n",
    ),
    ("dynv6", "zone = \"myhome.dynv6.net\"\ntoken = \"t0k3n\"\n"),
    ("desec", "domain = \"myhome.dedyn.io\"\ntoken = \"t0k3n\"\n"),
    (
        "freedns",
        "hostname = \"myhome.mooo.com\"\ntoken = \"four\"\ntoken6 = \"six\"\n",
    ),
    (
        "cloudflare",
        "zone = \"example.com\"\nname = \"host.example.com\"\ntoken = \"t0k3n\"\n",
    ),
    (
        "gandi",
        "zone = \"example.com\"\nname = \"host\"\ntoken = \"t0k3n\"\n",
    ),
    (
        "digitalocean",
        "zone = \"example.com\"\nname = \"sub.example.com\"\ntoken = \"t0k3n\"\n",
    ),
    (
        "porkbun",
        "domain = \"example.com\"\nhost = \"sub\"\napi_key = \"pk1_0123\"\nsecret_api_key = \"sk1_4567\"\n",
    ),
    (
        "route53",
        "zone = \"example.com\"\nname = \"home\"\naccess_key_id = \"AKIDEXAMPLE\"\nsecret_access_key = \"s3cr3t\"\n",
    ),
    (
        "aliyun",
        "domain = \"example.com\"\nname = \"home\"\naccess_key_id = \"id\"\naccess_key_secret = \"s3cret\"\n",
    ),
    (
        "dnspod",
        "domain = \"example.com\"\nname = \"home\"\nsecret_id = \"AKIDx\"\nsecret_key = \"s3cret\"\n",
    ),
    (
        "godaddy",
        "domain = \"example.com\"\nname = \"home\"\nkey = \"k3y\"\nsecret = \"s3cret\"\n",
    ),
    (
        "ionos",
        "zone = \"example.com\"\nname = \"home\"\napi_key = \"pfx.s3cret\"\n",
    ),
    (
        "namesilo",
        "domain = \"example.com\"\nname = \"home\"\napi_key = \"k3y\"\n",
    ),
    (
        "namecom",
        "domain = \"example.org\"\nname = \"www\"\nusername = \"me\"\ntoken = \"t0k3n\"\ncreate = true\n",
    ),
    (
        "spaceship",
        "domain = \"example.com\"\nname = \"home\"\napi_key = \"k3y\"\napi_secret = \"s3cret\"\ncreate = true\n",
    ),
    (
        "linode",
        "domain = \"example.com\"\nname = \"home\"\ntoken = \"t0k3n\"\ncreate = true\n",
    ),
    (
        "scaleway",
        "zone = \"example.com\"\nname = \"home\"\nsecret_key = \"k3y\"\ncreate = true\n",
    ),
];

/// The keys of `provider`'s record: its own row, or the dyndns2 keys for a preset (a URL
/// preset gets a token too).
pub fn record_keys(provider: &str) -> String {
    match RECORDS.iter().find(|(p, _)| *p == provider) {
        Some((_, keys)) => keys.to_string(),
        None if crate::provider::presets::preset(provider).is_some() => {
            "hostname = \"myhome.example.org\"\nusername = \"me\"\npassword = \"pw\"\ntoken = \"t0k3n\"\n"
                .to_string()
        }
        None => {
            "hostname = \"myhome.example.org\"\nusername = \"me\"\npassword = \"pw\"\n".to_string()
        }
    }
}

/// The addresses named on a first line (`81.2.69.160 2a01:4f8::5`), or one IPv4 address.
pub fn addrs_of(words: &[&str]) -> crate::provider::Addrs {
    let mut addrs = crate::provider::Addrs::default();
    for w in words {
        if let Ok(ip) = w.parse() {
            addrs.set(ip);
        }
    }
    if addrs.is_empty() {
        addrs.set("81.2.69.160".parse().unwrap());
    }
    addrs
}
