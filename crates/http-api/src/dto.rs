//! Response and request bodies. Domain types never go on the wire directly, so the API can
//! stay stable while the model changes, and no token field can leak by accident.

mod connection;
mod job;
mod publish;
mod webhook;

pub use connection::{CompleteRequest, ConnectionResponse};
pub use job::{
    AttemptResponse, CreatedJobResponse, JobPatchRequest, JobResponse, ResolveRequest,
    WarningResponse,
};
pub use publish::{PostBody, PostResponse, PublishBody, TargetViolationsResponse};
pub use webhook::{DeliveryResponse, WebhookCreateRequest, WebhookPatchRequest, WebhookResponse};
