//! Fan-out benchmark: one campaign lesson to N first-time DM learners through a fake platform with
//! the platform's documented limits and nibble's production pacing. Prints how long the fan-out
//! takes on the real platform, the ratio of that to the least the limits allow, 429s, duplicates,
//! lost messages and the scheduler's CPU time per delivery.
//!
//! `cargo bench --bench fanout [-- --platform slack|discord --learners 500 --scale 60]`

#![recursion_limit = "256"]

#[path = "../../tests/support/mod.rs"]
mod support;

mod discord;
mod rig;
mod slack;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).cloned()
}

fn number(name: &str, default: f64) -> f64 {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let learners = number("--learners", 500.0) as usize;
    match arg("--platform").as_deref().unwrap_or("slack") {
        "discord" => discord::run(learners).await,
        _ => slack::run(learners, number("--scale", 60.0)).await,
    }
}
