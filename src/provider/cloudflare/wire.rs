//! Cloudflare's JSON: the reply shapes, one per endpoint (unknown fields ignored, `null` read
//! as absent), and the request bodies.
// nanoserde's derive expands `Option` fields to a pattern this lint flags.
#![allow(clippy::question_mark)]
use nanoserde::{DeJson, SerJson};

/// What every reply carries.
#[derive(DeJson, Debug, Default)]
pub struct Envelope {
    #[nserde(default)]
    pub success: bool,
    #[nserde(default)]
    pub errors: Option<Vec<ApiError>>,
}

#[derive(DeJson, Debug, Default, Clone)]
pub struct ApiError {
    #[nserde(default)]
    pub code: i64,
    #[nserde(default)]
    pub message: Option<String>,
    #[nserde(default)]
    pub error_chain: Option<Vec<ChainedError>>,
}

#[derive(DeJson, Debug, Default, Clone)]
pub struct ChainedError {
    #[nserde(default)]
    pub code: i64,
    #[nserde(default)]
    pub message: Option<String>,
}

/// `GET /zones`: `result` is an array.
#[derive(DeJson, Debug, Default)]
pub struct ZonesReply {
    #[nserde(default)]
    pub result: Option<Vec<Zone>>,
}

#[derive(DeJson, Debug, Default)]
pub struct Zone {
    #[nserde(default)]
    pub id: Option<String>,
    #[nserde(default)]
    pub name: Option<String>,
    #[nserde(default)]
    pub status: Option<String>,
}

/// `GET /dns_records`: `result` is an array.
#[derive(DeJson, Debug, Default)]
pub struct RecordsReply {
    #[nserde(default)]
    pub result: Option<Vec<DnsRecord>>,
}

/// `PATCH` and `POST`: `result` is the record object.
#[derive(DeJson, Debug, Default)]
pub struct RecordReply {
    #[nserde(default)]
    pub result: Option<DnsRecord>,
}

#[derive(DeJson, Debug, Default)]
pub struct DnsRecord {
    #[nserde(default)]
    pub id: Option<String>,
    #[nserde(default)]
    pub name: Option<String>,
    #[nserde(default, rename = "type")]
    pub kind: Option<String>,
    #[nserde(default)]
    pub content: Option<String>,
}

#[derive(SerJson)]
pub struct PatchBody {
    pub content: String,
}

#[derive(SerJson)]
pub struct CreateBody {
    #[nserde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub content: String,
    pub ttl: i64,
    pub proxied: bool,
}
