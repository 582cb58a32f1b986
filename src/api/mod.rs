//! Calling the functions of schema `api`: the catalog cache, the call
//! pipeline shared by HTTP and `dues call`, and the error table.

pub mod call;
pub mod catalog;
pub mod error;

pub use call::{Answer, Call, Caller};
pub use catalog::Catalog;
pub use error::{ApiError, Shell};
