//! Reading workbooks: every format through the library, hostile inputs (corrupt files, zip
//! bombs, calamine panics) through the library and the binary. A binary of its own because
//! `reader` measures this process's peak memory, which end-to-end tests in the same process would
//! raise.
//!
//! A new test file joins by being put in this folder and named in a `mod` line below (the cli
//! binary's `layout` test fails when one is not). Shared helpers: `crate::common`.

#[path = "../common/mod.rs"]
mod common;

mod exports;
mod hostile;
mod packages;
mod protected;
mod reader;
mod readview;
