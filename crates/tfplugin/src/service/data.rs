//! The data-source RPCs: validation and read.

use super::*;

impl ProviderService {
    pub(super) async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateDataResourceConfig", &req.type_name);
        let ctx = self.ctx();
        let diags = validated(
            self.data_source(&req.type_name),
            req.config.as_ref(),
            "data source configuration",
            true,
            |imp, config| async move { imp.validate(&ctx, &config).await },
        )
        .await;
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    pub(super) async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ReadDataSource", &req.type_name);
        let result = async {
            let d = self.data_source(&req.type_name)?;
            let config = decode(req.config.as_ref(), &d.ty, "configuration")?;
            let (imp, ctx) = (d.imp.clone(), self.ctx());
            let res = guarded(
                "data source read",
                async move { imp.read(&ctx, &config).await },
            )
            .await?;
            let state = match res.state {
                Some(s) => Some(encode(&s, &d.ty, "data source state")?),
                None => None,
            };
            Ok((state, res.diagnostics))
        }
        .await;
        let (state, diags) = result.unwrap_or_else(|d: Diagnostics| (None, d));
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: diags.to_proto(),
            deferred: None,
        }))
    }
}
