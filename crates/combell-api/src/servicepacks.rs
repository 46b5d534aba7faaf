//! Servicepacks: the products an account is an instance of. Read-only, not paged.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::transport::Request;
use super::{api_path, null_as_default, Client, Error};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Servicepack {
    #[serde(default, deserialize_with = "null_as_default")]
    pub id: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
}

impl Client {
    /// `GET /servicepacks`.
    pub async fn list_servicepacks(
        &self,
        cancel: &CancellationToken,
    ) -> Result<Vec<Servicepack>, Error> {
        let request = Request::new(Method::GET, api_path(&["servicepacks"])?);
        self.get_list(request, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerant_read() {
        let packs: Vec<Servicepack> = serde_json::from_str(
            r#"[{"id":1,"name":"Basic","extra":true},{"id":2,"name":null},{"id":3}]"#,
        )
        .unwrap();
        assert_eq!(packs.len(), 3);
        assert_eq!(packs[0].name, "Basic");
        assert_eq!(packs[1].name, "");
        assert_eq!(packs[2].id, 3);
    }
}
