//! The ephemeral-resource RPCs: validation, open, renew and close.

use super::*;

impl ProviderService {
    pub(super) async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateEphemeralResourceConfig", &req.type_name);
        let ctx = self.ctx();
        let diags = validated(
            self.ephemeral_resource(&req.type_name),
            req.config.as_ref(),
            "ephemeral resource configuration",
            true,
            |imp, config| async move { imp.validate(&ctx, &config).await },
        )
        .await;
        Ok(Response::new(
            pb::validate_ephemeral_resource_config::Response {
                diagnostics: diags.to_proto(),
            },
        ))
    }

    pub(super) async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("OpenEphemeralResource", &req.type_name);
        let result = async {
            let e = self.ephemeral_resource(&req.type_name)?;
            let config = decode(
                req.config.as_ref(),
                &e.ty,
                "ephemeral resource configuration",
            )?;
            if !config.is_wholly_known() {
                // Terraform opens it again once the configuration is known.
                return Ok((
                    Some(encode(&Value::Unknown, &e.ty, "ephemeral result")?),
                    Diagnostics::default(),
                ));
            }
            let (imp, ctx) = (e.imp.clone(), self.ctx());
            let res = guarded("ephemeral resource open", async move {
                imp.open(&ctx, &config).await
            })
            .await?;
            let result = match res.result {
                Some(v) => Some(encode(&v, &e.ty, "ephemeral result")?),
                None => None,
            };
            Ok((result, res.diagnostics))
        }
        .await;
        let (result, diags) = result.unwrap_or_else(|d: Diagnostics| (None, d));
        Ok(Response::new(pb::open_ephemeral_resource::Response {
            diagnostics: diags.to_proto(),
            renew_at: None,
            result,
            private: None,
            deferred: None,
        }))
    }

    /// Nothing to renew: results are fetched whole and hold no lease.
    pub(super) async fn renew_ephemeral_resource(
        &self,
        _req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    /// Nothing to close: no ephemeral resource holds a remote lease or session.
    pub(super) async fn close_ephemeral_resource(
        &self,
        _req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Ok(Response::new(Default::default()))
    }
}
