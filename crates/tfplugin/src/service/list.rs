//! The list-resource RPCs (`terraform query`): validation and the streamed listing.

use super::*;

impl ProviderService {
    pub(super) async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<BoxStream<pb::list_resource::Event>>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ListResource", &req.type_name);
        let stream = match self.start_list(req) {
            Ok(stream) => stream,
            Err(d) => one(pb::list_resource::Event {
                diagnostic: d.to_proto(),
                ..Default::default()
            }),
        };
        Ok(Response::new(stream))
    }

    pub(super) async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = req.into_inner();
        let _log = RpcLog::new("ValidateListResourceConfig", &req.type_name);
        let ctx = self.ctx();
        let diags = validated(
            self.list_type(&req.type_name),
            req.config.as_ref(),
            "list configuration",
            false,
            |imp, config| async move { imp.validate(&ctx, &config).await },
        )
        .await;
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }
}

impl ProviderService {
    /// Starts a listing: the list resource produces [`ListItem`]s on one task; a second turns
    /// each into an event (identity, and the full object when asked for, read through the
    /// resource when the item is partial), honouring the limit. Terraform reads the events as
    /// they come and may hang up early, which ends both tasks.
    fn start_list(
        &self,
        req: pb::list_resource::Request,
    ) -> Result<BoxStream<pb::list_resource::Event>, Diagnostics> {
        let l = self.list_type(&req.type_name)?;
        let (Some(r), Some(identity_ty)) = (
            self.resources.get(&req.type_name),
            self.identity_types.get(&req.type_name),
        ) else {
            return Err(Diagnostic::error(
                "List resource without an identity",
                format!(
                    "{} is listed but has no resource with an identity schema. This is a bug in the provider, please report it.",
                    req.type_name
                ),
            )
            .into());
        };
        let config = decode(req.config.as_ref(), &l.ty, "list configuration")?;
        let list_req = ListRequest {
            config,
            include_resource: req.include_resource_object,
            limit: req.limit,
        };
        let (item_tx, mut item_rx) = tokio::sync::mpsc::channel::<ListItem>(1);
        let (event_tx, event_rx) =
            tokio::sync::mpsc::channel::<Result<pb::list_resource::Event, Status>>(1);
        let (imp, ctx) = (l.imp.clone(), self.ctx());
        let producer = tokio::spawn(guarded("list", async move {
            let sink = ListSink { tx: item_tx };
            imp.list(&ctx, list_req, &sink).await
        }));
        let resource = Typed {
            imp: r.imp.clone(),
            schema: r.schema.clone(),
            ty: r.ty.clone(),
        };
        let identity_ty = identity_ty.clone();
        let (include, limit) = (req.include_resource_object, req.limit);
        let ctx = self.ctx();
        tokio::spawn(async move {
            let mut sent: i64 = 0;
            while limit <= 0 || sent < limit {
                let Some(item) = item_rx.recv().await else {
                    break;
                };
                let event = match list_event(&resource, &identity_ty, &ctx, item, include).await {
                    Ok(Some(event)) => event,
                    Ok(None) => continue,
                    Err(d) => pb::list_resource::Event {
                        diagnostic: d.to_proto(),
                        ..Default::default()
                    },
                };
                let failed = !event.diagnostic.is_empty();
                if event_tx.send(Ok(event)).await.is_err() || failed {
                    return;
                }
                sent += 1;
            }
            // Stops the producer at its next send once the limit is reached.
            drop(item_rx);
            let diags = match producer.await {
                Ok(Ok(d)) | Ok(Err(d)) => d,
                Err(_) => Diagnostics::default(),
            };
            if !diags.is_empty() {
                let _ = event_tx
                    .send(Ok(pb::list_resource::Event {
                        diagnostic: diags.to_proto(),
                        ..Default::default()
                    }))
                    .await;
            }
        });
        Ok(Box::pin(tokio_stream::wrappers::ReceiverStream::new(
            event_rx,
        )))
    }
}

/// One listed object as a ListResource event; `None` when it vanished before it was read.
async fn list_event(
    r: &Typed<dyn Resource>,
    identity_ty: &Type,
    ctx: &Ctx,
    item: ListItem,
    include: bool,
) -> Result<Option<pb::list_resource::Event>, Diagnostics> {
    let mut state = item.state;
    if include && !item.complete {
        let (imp, ctx, partial) = (r.imp.clone(), ctx.clone(), state.clone());
        let res = guarded("read", async move { imp.read(&ctx, &partial).await }).await?;
        if res.diagnostics.has_errors() {
            return Err(res.diagnostics);
        }
        match res.state {
            Some(s) => state = s,
            None => return Ok(None),
        }
    }
    strip_write_only(&mut state, &r.schema);
    let Some(identity) = identity_data(r, identity_ty, &state) else {
        return Err(Diagnostic::error(
            format!("Unable to list {}", r.imp.type_name()),
            format!(
                "The provider found {:?} but could not name it with a resource identity. This is a bug in the provider, please report it.",
                item.display_name
            ),
        )
        .into());
    };
    let resource_object = if include {
        Some(encode(&state, &r.ty, "listed resource")?)
    } else {
        None
    };
    Ok(Some(pb::list_resource::Event {
        identity: Some(identity),
        display_name: item.display_name,
        resource_object,
        diagnostic: Vec::new(),
    }))
}
