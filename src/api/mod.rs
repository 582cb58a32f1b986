//! Calling the functions of schema `api`, as HTTP and `dues call` both do:
//! the catalog and its reload, who calls, the arguments, the plan (pure), its
//! execution on a connection, and the one error type with its tables.

pub mod args;
pub mod caller;
pub mod catalog;
pub mod error;
pub mod execute;
pub mod live;
mod on_failure;
mod once;
mod outcome;
pub mod plan;
pub mod sqlstate;

pub use args::Args;
pub use caller::{Caller, Identity};
pub use catalog::Catalog;
pub use error::ApiError;
pub use execute::{Acting, Answer};
pub use plan::{Call, Plan};
