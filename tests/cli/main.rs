//! End-to-end tests: the real `daicho` binary (and the library behind it) on `fixtures/` and on
//! workbooks built here. One test binary; each file below is one module.
//!
//! A new test file joins by being put in this folder and named in a `mod` line below (the
//! `layout` module fails when a file here is not named, or when a `tests/*.rs` would become a
//! binary of its own). Shared helpers: `crate::common` (`tests/common/mod.rs`).

#[path = "../common/mod.rs"]
mod common;

mod annotate;
mod checklist;
mod checklist_both_marked;
mod ci;
mod convert;
mod core;
mod dropmode;
mod editions;
mod ip;
mod layout;
mod patch;
mod support;
mod template;
mod windows;
mod words;
