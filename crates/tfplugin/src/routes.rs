//! Dispatches the plugin's gRPC services by path. tonic's own router is built on an HTTP server
//! framework the plugin has no other use for; five fixed services need only this match on the
//! `/<package>.<Service>/` prefix of each request.

use std::convert::Infallible;
use std::task::{Context, Poll};

use tonic::body::Body;
use tonic::codegen::http::{Request, Response};
use tonic::codegen::{BoxFuture, Service};
use tonic::server::NamedService;

/// The services go-plugin and Terraform call, each a generated tonic server.
#[derive(Clone)]
pub(crate) struct Routes<P, C, S, B, H> {
    pub provider: P,
    pub controller: C,
    pub stdio: S,
    pub broker: B,
    pub health: H,
}

/// Which service a path belongs to: `/tfplugin6.Provider/PlanResourceChange` → `tfplugin6.Provider`.
fn service_of(path: &str) -> &str {
    path.strip_prefix('/')
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("")
}

type Answer = BoxFuture<Response<Body>, Infallible>;

fn forward<T>(svc: &mut T, req: Request<Body>) -> Answer
where
    T: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    T::Future: Send + 'static,
{
    Box::pin(svc.call(req))
}

impl<P, C, S, B, H> Service<Request<Body>> for Routes<P, C, S, B, H>
where
    P: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + NamedService,
    P::Future: Send + 'static,
    C: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + NamedService,
    C::Future: Send + 'static,
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + NamedService,
    S::Future: Send + 'static,
    B: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + NamedService,
    B::Future: Send + 'static,
    H: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + NamedService,
    H::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Answer;

    /// Every generated server is always ready: readiness is asked of the one a call picks.
    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Body>) -> Answer {
        // Decided before `req` moves on, without copying the path.
        let service = service_of(req.uri().path());
        let target = [P::NAME, C::NAME, S::NAME, B::NAME, H::NAME]
            .iter()
            .position(|name| *name == service);
        match target {
            Some(0) => forward(&mut self.provider, req),
            Some(1) => forward(&mut self.controller, req),
            Some(2) => forward(&mut self.stdio, req),
            Some(3) => forward(&mut self.broker, req),
            Some(4) => forward(&mut self.health, req),
            _ => {
                let status = tonic::Status::unimplemented(format!("no service {service:?}"));
                Box::pin(async move { Ok(status.into_http()) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{health as hpb, plugin as ppb, tfplugin6 as pb};

    /// The names this router answers to, as the generated servers declare them.
    const SERVICE_NAMES: [&str; 5] = [
        <pb::provider_server::ProviderServer<()> as NamedService>::NAME,
        <ppb::grpc_controller_server::GrpcControllerServer<()> as NamedService>::NAME,
        <ppb::grpc_stdio_server::GrpcStdioServer<()> as NamedService>::NAME,
        <ppb::grpc_broker_server::GrpcBrokerServer<()> as NamedService>::NAME,
        <hpb::health_server::HealthServer<()> as NamedService>::NAME,
    ];

    #[test]
    fn paths_name_their_service() {
        assert_eq!(
            service_of("/tfplugin6.Provider/PlanResourceChange"),
            "tfplugin6.Provider"
        );
        assert_eq!(
            service_of("/grpc.health.v1.Health/Check"),
            "grpc.health.v1.Health"
        );
        assert_eq!(service_of("/"), "");
        assert_eq!(service_of(""), "");
        assert_eq!(
            SERVICE_NAMES,
            [
                "tfplugin6.Provider",
                "plugin.GRPCController",
                "plugin.GRPCStdio",
                "plugin.GRPCBroker",
                "grpc.health.v1.Health"
            ]
        );
    }
}
