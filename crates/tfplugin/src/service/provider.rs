//! The provider-wide RPCs: metadata and schemas, provider configuration and StopProvider.

use super::*;

impl ProviderService {
    pub(super) async fn get_metadata(
        &self,
        _req: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        use pb::get_metadata as m;
        Ok(Response::new(m::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .resources
                .keys()
                .map(|k| m::ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|k| m::DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            list_resources: self
                .list_resources
                .keys()
                .map(|k| m::ListResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ephemeral_resources: self
                .ephemeral_resources
                .keys()
                .map(|k| m::EphemeralMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|k| m::FunctionMetadata { name: k.clone() })
                .collect(),
            ..Default::default()
        }))
    }

    pub(super) async fn get_provider_schema(
        &self,
        _req: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(self.schema_response.clone()))
    }

    pub(super) async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let diags = match decode(
            req.config.as_ref(),
            &self.provider_ty,
            "provider configuration",
        ) {
            Err(d) => d,
            Ok(config) => {
                let p = self.provider.clone();
                guarded(
                    "provider validation",
                    async move { p.validate(&config).await },
                )
                .await
                .unwrap_or_else(|d| d)
            }
        };
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    pub(super) async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ConfigureProvider", "");
        if let Ok(mut v) = self.terraform_version.write() {
            v.clone_from(&req.terraform_version);
        }
        let write_only = req
            .client_capabilities
            .as_ref()
            .is_some_and(|c| c.write_only_attributes_allowed);
        self.write_only_allowed.store(write_only, Ordering::Relaxed);
        hclog::debug(
            MODULE,
            "client capabilities",
            &[("write_only_attributes_allowed", write_only.into())],
        );
        let diags = async {
            let config = decode(
                req.config.as_ref(),
                &self.provider_ty,
                "provider configuration",
            )?;
            let (p, ctx) = (self.provider.clone(), self.ctx());
            let (data, diags) =
                guarded("configure", async move { p.configure(&ctx, &config).await }).await?;
            if let Ok(mut slot) = self.data.write() {
                *slot = data;
            }
            Ok(diags)
        }
        .await
        .unwrap_or_else(|d: Diagnostics| d);
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    pub(super) async fn stop_provider(
        &self,
        _req: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        // Only signals: in-flight applies keep running and answer Terraform, which waits
        // for them. Stopping the server here is what orphaned objects in tf-provider.
        hclog::info(
            MODULE,
            "StopProvider received; asking operations to wind down",
            &[],
        );
        self.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
