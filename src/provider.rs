//! Provider configuration and the list of resources and data sources.
