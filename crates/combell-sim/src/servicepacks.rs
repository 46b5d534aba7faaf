//! `GET /v2/servicepacks`: the packs accounts are made from. Not paged.

use std::sync::Arc;

use axum::extract::State;
use axum::response::Response;
use serde::Serialize;

use crate::handler::json;
use crate::shared::Shared;
use crate::state::SimState;

/// The API's `Servicepack`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServicepackView {
    pub id: i32,
    pub name: String,
}

impl SimState {
    pub fn list_servicepacks(&self) -> Vec<ServicepackView> {
        self.servicepacks
            .iter()
            .map(|p| ServicepackView {
                id: p.id,
                name: p.name.clone(),
            })
            .collect()
    }

    pub fn servicepack_view(&self, id: i32) -> Option<ServicepackView> {
        self.servicepacks
            .iter()
            .find(|p| p.id == id)
            .map(|p| ServicepackView {
                id: p.id,
                name: p.name.clone(),
            })
    }
}

pub(crate) async fn list(State(shared): State<Arc<Shared>>) -> Response {
    json(shared.read(|s| Ok(s.list_servicepacks())))
}
