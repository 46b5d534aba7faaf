//! The domain and SSL areas of the simulator: registered domains (`domains`), SSL certificate
//! requests and the certificates they turn into (`ssl`), and the bit of DER they need (`der`).
//!
//! Their state is one value, [`DomainSslState`], kept in `SimState::domainssl`.

pub use combell_api::der;
pub mod domains;
pub mod pfx;
pub mod ssl;

pub use crate::state::domains::{
    DomainRecord, DomainSslState, Registrant, DEFAULT_NAME_SERVERS, REGISTERED_ELSEWHERE,
};
pub use crate::state::ssl::{CertRequest, Certificate, RequestStatus, SslState};

/// Second-level registrations under these count as one registrable name (`shop.co.uk`).
const TWO_LABEL_SUFFIXES: [&str; 6] = ["co.uk", "org.uk", "com.au", "co.nz", "co.za", "com.br"];

/// A name one can register: `abc.be`, `abc.co.uk`, not `shop.abc.be`.
pub(crate) fn is_registrable(name: &str) -> bool {
    let labels = name.split('.').count();
    labels == 2 || (labels == 3 && TWO_LABEL_SUFFIXES.iter().any(|s| name.ends_with(s)))
}
