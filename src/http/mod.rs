//! `dues serve`: the HTTP face of the api functions. `server` accepts
//! connections, `route` picks the endpoint, `rpc` runs a call stage by stage
//! (request → caller → plan → connection → execute → render), `admin`,
//! `webhooks` (PayPal IPN, access checks) and `gateway` (the webhooks of
//! Stripe, GoCardless and PayPal's REST notifications) are the other endpoints.

mod admin;
mod gateway;
mod limit;
mod metrics;
mod openapi;
mod render;
mod request;
mod route;
mod rpc;
mod server;
mod timing;
mod web;
mod webhooks;

pub use request::BODY_TIMEOUT;
pub use server::{serve, Settings};
