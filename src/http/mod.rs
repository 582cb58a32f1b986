//! `dues serve`: the HTTP face of the api functions. `server` accepts
//! connections, `route` picks the endpoint, `rpc` runs a call stage by stage
//! (request → caller → plan → connection → execute → render), `admin` and
//! `webhooks` are the other endpoints.

mod admin;
mod limit;
mod metrics;
mod openapi;
mod render;
mod request;
mod route;
mod rpc;
mod server;
mod timing;
mod webhooks;

pub use request::BODY_TIMEOUT;
pub use server::{serve, Settings};
