//! Test support shared by integration tests: a real HTTP/1.1 server on
//! 127.0.0.1 that plays scripted replies (chunked streams, stalls, cuts),
//! a helper that runs cells through the runner and collects results, and
//! one that runs the real binary.
#![allow(dead_code)]

pub mod cli;
pub mod fixtures;
pub mod mock_llm;
pub mod runs;
pub mod steps;
pub mod tui;
