//! ECS documents as the edge stores them: components emit flat dotted field names
//! (`"source.ip"`), the host nests them (`{"source": {"ip": …}}`) as Elasticsearch and the ECS
//! reference write documents ([`nest`]); the ECS field reference with its allowed values
//! ([`reference`]) and the checks that `formats test` runs with it ([`check`]).
//!
//! Shared by the host (`finalize`, `formats test`) and the components' SDK (the native fixture
//! runner), so that both nest, reject and check with the same rules and the same words.

pub mod nest;

pub use nest::write::{write_str as write_json_string, written_str_len as written_json_string_len};
pub use nest::{nest_value, Document, NestError, MAX_DEPTH};
pub mod check;
pub mod reference;

pub use check::{check, Findings};
pub use reference::{reference, Reference};
