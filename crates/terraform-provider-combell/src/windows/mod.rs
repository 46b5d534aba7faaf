//! Windows hostings (read only: the API has no write operation for them).

pub mod hosting_data;
pub mod hostings_data;
