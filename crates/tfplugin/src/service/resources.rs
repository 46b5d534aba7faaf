//! The managed-resource RPCs: validation, state and identity upgrades, read, plan, apply,
//! import and the configuration generated for an imported object. A create that returns a state with errors still stores it; a failed update or
//! delete keeps the prior object.

use super::*;

impl ProviderService {
    pub(super) async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateResourceConfig", &req.type_name);
        let ctx = self.ctx();
        let diags = validated(
            self.resource(&req.type_name),
            req.config.as_ref(),
            "resource configuration",
            true,
            |imp, config| async move { imp.validate(&ctx, &config).await },
        )
        .await;
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    pub(super) async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("UpgradeResourceState", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() {
                if raw.flatmap.is_empty() {
                    return Ok((None, Diagnostics::default()));
                }
                return Err(Diagnostic::error(
                    "Legacy state format is not supported",
                    "This state was written by a Terraform older than 0.12; refresh it with a newer provider version first.",
                )
                .into());
            }
            let json: serde_json::Value = serde_json::from_slice(&raw.json).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    "Unable to read the stored state",
                    format!("The stored state is not valid JSON: {e}."),
                ))
            })?;
            let (imp, ctx, version) = (r.imp.clone(), self.ctx(), req.version);
            let (state, diags) = guarded("state upgrade", async move {
                imp.upgrade_state(&ctx, version, json).await
            })
            .await?;
            let state = match state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    Some(encode(&s, &r.ty, "upgraded state")?)
                }
                None => None,
            };
            Ok((state, diags))
        }
        .await;
        let (upgraded_state, diags) = result.unwrap_or_else(|d: Diagnostics| (None, d));
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diags.to_proto(),
        }))
    }

    pub(super) async fn get_resource_identity_schemas(
        &self,
        _req: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(self.identity_response.clone()))
    }

    /// Every identity schema is at version 0 so far: the stored identity is read as it is.
    pub(super) async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("UpgradeResourceIdentity", &req.type_name);
        let result = (|| {
            let ty = self.identity_types.get(&req.type_name).ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Unknown resource identity",
                    format!(
                        "This provider has no identity for {:?}. This is a bug in the provider or in Terraform, please report it.",
                        req.type_name
                    ),
                ))
            })?;
            let raw = req.raw_identity.unwrap_or_default();
            let json: serde_json::Value = serde_json::from_slice(&raw.json).map_err(|e| {
                Diagnostic::error(
                    "Unable to read the stored resource identity",
                    format!("The stored identity is not JSON: {e}."),
                )
            })?;
            let identity = value::from_json(&json, ty).map_err(|e| {
                Diagnostic::error(
                    "Unable to read the stored resource identity",
                    format!("The stored identity does not match the identity schema: {e}."),
                )
            })?;
            Ok(pb::ResourceIdentityData {
                identity_data: Some(encode(&identity, ty, "upgraded identity")?),
            })
        })();
        let (upgraded_identity, diags) = match result {
            Ok(id) => (Some(id), Diagnostics::default()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity,
            diagnostics: diags.to_proto(),
        }))
    }

    pub(super) async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ReadResource", &req.type_name);
        let current = req.current_state.clone();
        let result = async {
            let r = self.resource(&req.type_name)?;
            let state = decode(req.current_state.as_ref(), &r.ty, "current state")?;
            if state.is_null() {
                return Ok((
                    current.clone(),
                    req.private.clone(),
                    Diagnostics::default(),
                    None,
                ));
            }
            let write_only = allows_write_only(
                req.client_capabilities.as_ref(),
                self.write_only_allowed.load(Ordering::Relaxed),
            );
            let prior = state.clone();
            let (imp, ctx, private) = (r.imp.clone(), self.ctx(), req.private.clone());
            let res = guarded("read", async move {
                imp.read_with_private(&ctx, &state, &private).await
            })
            .await?;
            let (new_state, identity) = match res.state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    let identity = self.identity_of(&req.type_name, &s);
                    if !write_only {
                        keep_write_only(&mut s, &prior, &r.schema);
                    }
                    (encode(&s, &r.ty, "new state")?, identity)
                }
                None => (encode(&Value::Null, &r.ty, "new state")?, None),
            };
            Ok((
                Some(new_state),
                res.private.unwrap_or_else(|| req.private.clone()),
                res.diagnostics,
                identity,
            ))
        }
        .await;
        // On failure the state (and identity) Terraform sent is echoed back: a failed read
        // must not lose it.
        let (new_state, private, diags, new_identity) = result.unwrap_or_else(|d: Diagnostics| {
            (
                current,
                req.private.clone(),
                d,
                req.current_identity.clone(),
            )
        });
        Ok(Response::new(pb::read_resource::Response {
            new_state,
            diagnostics: diags.to_proto(),
            private,
            new_identity,
            ..Default::default()
        }))
    }

    pub(super) async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("PlanResourceChange", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            let plan = PlanRequest {
                prior: decode(req.prior_state.as_ref(), &r.ty, "prior state")?,
                proposed: decode(req.proposed_new_state.as_ref(), &r.ty, "proposed state")?,
                config: decode(req.config.as_ref(), &r.ty, "configuration")?,
                prior_private: req.prior_private.clone(),
            };
            let write_only = allows_write_only(
                req.client_capabilities.as_ref(),
                self.write_only_allowed.load(Ordering::Relaxed),
            );
            let config = plan.config.clone();
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let mut resp = guarded("plan", async move { imp.plan(&ctx, plan).await }).await?;
            strip_write_only(&mut resp.planned, &r.schema);
            if !write_only {
                keep_write_only(&mut resp.planned, &config, &r.schema);
            }
            // Known only when the plan keeps the object (an update): a new one gets its
            // identity at apply.
            let planned_identity = if resp.requires_replace.is_empty() {
                self.identity_of(&req.type_name, &resp.planned)
            } else {
                None
            };
            Ok(pb::plan_resource_change::Response {
                planned_state: Some(encode(&resp.planned, &r.ty, "planned state")?),
                requires_replace: resp.requires_replace.iter().map(|p| p.to_proto()).collect(),
                planned_private: resp.private,
                diagnostics: resp.diagnostics.to_proto(),
                planned_identity,
                ..Default::default()
            })
        }
        .await;
        Ok(Response::new(result.unwrap_or_else(|d: Diagnostics| {
            pb::plan_resource_change::Response {
                diagnostics: d.to_proto(),
                ..Default::default()
            }
        })))
    }

    pub(super) async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ApplyResourceChange", &req.type_name);
        let prior_raw = req.prior_state.clone();
        let result = async {
            let r = self.resource(&req.type_name)?;
            let prior = decode(req.prior_state.as_ref(), &r.ty, "prior state")?;
            let planned = decode(req.planned_state.as_ref(), &r.ty, "planned state")?;
            let config = decode(req.config.as_ref(), &r.ty, "configuration")?;
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let name = req.type_name.clone();
            hclog::debug(
                MODULE,
                "apply",
                &[
                    ("type", name.clone().into()),
                    (
                        "action",
                        if prior.is_null() {
                            "create"
                        } else if planned.is_null() {
                            "delete"
                        } else {
                            "update"
                        }
                        .into(),
                    ),
                ],
            );
            let prior_identity = self.identity_of(&req.type_name, &prior);
            if planned.is_null() {
                let diags =
                    guarded("delete", async move { imp.delete(&ctx, &prior).await }).await?;
                // A failed delete keeps the object in state.
                let state = if diags.has_errors() {
                    req.prior_state.clone()
                } else {
                    Some(encode(&Value::Null, &r.ty, "new state")?)
                };
                let identity = if diags.has_errors() {
                    prior_identity
                } else {
                    None
                };
                return Ok((state, Vec::new(), diags, identity));
            }
            let creating = prior.is_null();
            let write_only = self.write_only_allowed.load(Ordering::Relaxed);
            let planned_values = planned.clone();
            let mut res = guarded(if creating { "create" } else { "update" }, async move {
                if creating {
                    imp.create(&ctx, &planned, &config).await
                } else {
                    imp.update(&ctx, &prior, &planned, &config).await
                }
            })
            .await?;
            if let (false, Some(state)) = (res.diagnostics.has_errors(), &res.state) {
                let problems = r.imp.check_applied(&planned_values, state);
                res.diagnostics.extend(problems);
            }
            let (state, identity) = match res.state {
                Some(mut s) => {
                    strip_write_only(&mut s, &r.schema);
                    let identity = self.identity_of(&req.type_name, &s);
                    if !write_only {
                        keep_write_only(&mut s, &planned_values, &r.schema);
                    }
                    (Some(encode(&s, &r.ty, "new state")?), identity)
                }
                // An update that fails without a state keeps the prior object in state.
                None if !creating => (req.prior_state.clone(), prior_identity),
                None => (Some(encode(&Value::Null, &r.ty, "new state")?), None),
            };
            Ok((state, res.private, res.diagnostics, identity))
        }
        .await;
        let (new_state, private, diags, new_identity) = result.unwrap_or_else(|d: Diagnostics| {
            (prior_raw, Vec::new(), d, req.planned_identity.clone())
        });
        Ok(Response::new(pb::apply_resource_change::Response {
            new_state,
            private,
            diagnostics: diags.to_proto(),
            new_identity,
            ..Default::default()
        }))
    }

    pub(super) async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ImportResourceState", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            let id = if req.id.is_empty() {
                self.import_id_from_identity(r, &req.type_name, req.identity.as_ref())?
            } else {
                req.id.clone()
            };
            let (imp, ctx) = (r.imp.clone(), self.ctx());
            let res = guarded("import", async move { imp.import(&ctx, &id).await }).await?;
            let mut imported = Vec::new();
            if let Some(mut s) = res.state {
                strip_write_only(&mut s, &r.schema);
                imported.push(pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    identity: self.identity_of(&req.type_name, &s),
                    state: Some(encode(&s, &r.ty, "imported state")?),
                    private: res.private,
                });
            }
            Ok((imported, res.diagnostics))
        }
        .await;
        let (imported_resources, diags) = result.unwrap_or_else(|d: Diagnostics| (Vec::new(), d));
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diags.to_proto(),
            deferred: None,
        }))
    }

    /// The configuration `-generate-config-out` writes (Terraform 1.14+): the schema's generic
    /// one, then the type's own cuts.
    pub(super) async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("GenerateResourceConfig", &req.type_name);
        let result = async {
            let r = self.resource(&req.type_name)?;
            let state = decode(req.state.as_ref(), &r.ty, "state")?;
            let (imp, schema) = (r.imp.clone(), r.schema.clone());
            let config = guarded("configuration generation", async move {
                let mut config = crate::generated_config(&schema, &state);
                if !config.is_null() {
                    imp.trim_generated_config(&state, &mut config);
                }
                config
            })
            .await?;
            encode(&config, &r.ty, "generated configuration")
        }
        .await;
        let (config, diags) = match result {
            Ok(config) => (Some(config), Diagnostics::default()),
            Err(d) => (None, d),
        };
        Ok(Response::new(pb::generate_resource_config::Response {
            config,
            diagnostics: diags.to_proto(),
        }))
    }
}
