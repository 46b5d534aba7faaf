//! The attributes that name objects in several types' import IDs and identities, each with
//! its one description.

/// One part of an import ID: the attribute and its identity description.
pub(crate) type IdPart = (&'static str, &'static str);

/// The Linux hosting an object belongs to.
pub(crate) const LINUX_HOSTING: IdPart = (
    "domain_name",
    "The Linux hosting's domain name, in lower case, such as `example.com`.",
);

/// The mail zone an object belongs to.
pub(crate) const MAIL_ZONE: IdPart = (
    "domain_name",
    "The mail zone, in lower case, such as `example.com`.",
);

/// A domain of the reseller account.
pub(crate) const DOMAIN: IdPart = (
    "domain_name",
    "The domain, in lower case, such as `example.com`.",
);
